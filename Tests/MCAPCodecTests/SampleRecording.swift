// Helpers shared by the MCAPCodec tests: a deterministic sample recording and file loading.
import Foundation
import MCAPCodec

/// A small recording with known content, written by ``MCAPWriter`` with the given options.
struct SampleRecording {
    static let detectionSchema = Array(#"{"type":"object","properties":{"range":{"type":"number"}}}"#.utf8)
    static let truthSchema = Array(#"{"type":"object"}"#.utf8)
    static let base: UInt64 = 1_700_000_000_000_000_000

    var bytes: [UInt8]
    /// The messages in the order they were added.
    var messages: [MCAPMessage]
    var options: MCAPWriterOptions

    /// - Parameters:
    ///   - count: number of messages, spread over channels 1...3 (channel 4 is added but unused).
    ///   - closeEvery: call `closeChunk()` after every this many messages (the recorder's timer).
    ///   - extras: add a Metadata record after message `count / 2` and an Attachment after `2 * count / 3`.
    init(options: MCAPWriterOptions, count: Int = 90, closeEvery: Int? = nil, extras: Bool = true) throws {
        self.options = options
        let output = InMemoryOutput()
        let writer = MCAPWriter(output: output, options: options)
        try writer.start()
        let detection = try writer.addSchema(name: "haechi.Detection", encoding: "jsonschema", data: Self.detectionSchema)
        let truth = try writer.addSchema(name: "haechi.TruthFix", encoding: "jsonschema", data: Self.truthSchema)
        let radar1 = try writer.addChannel(topic: "/radar/1", messageEncoding: "json", schemaID: detection, metadata: ["sensor": "r1", "band": "X"])
        let radar2 = try writer.addChannel(topic: "/radar/2", messageEncoding: "json", schemaID: detection)
        let fix = try writer.addChannel(topic: "/truth", messageEncoding: "json", schemaID: truth)
        _ = try writer.addChannel(topic: "/unused", messageEncoding: "x-raw", schemaID: 0)
        let channels = [radar1, radar2, fix]
        var messages: [MCAPMessage] = []
        for i in 0..<count {
            let channel = channels[i % 3]
            // Channel 3 lags by 25 ms, so file order differs from log-time order.
            let logTime = Self.base + UInt64(i) * 10_000_000 - (channel == fix ? 25_000_000 : 0)
            let data = Array(#"{"i":\#(i),"pad":"\#(String(repeating: "x", count: i % 7 * 5))"}"#.utf8)
            let message = MCAPMessage(channelID: channel, sequence: UInt32(i), logTime: logTime, publishTime: logTime - 1_000, data: data)
            try writer.addMessage(
                channelID: message.channelID, sequence: message.sequence, logTime: message.logTime,
                publishTime: message.publishTime, data: message.data)
            messages.append(message)
            if let closeEvery, (i + 1) % closeEvery == 0 { try writer.closeChunk() }
            if extras && i == count / 2 { try writer.addMetadata(name: "session", ["range": "test", "operator": "swift"]) }
            if extras && i == 2 * count / 3 {
                try writer.addAttachment(name: "notes.txt", mediaType: "text/plain", data: Array("hello\n".utf8), logTime: Self.base, createTime: 7)
            }
        }
        try writer.finish()
        self.bytes = output.bytes
        self.messages = messages
    }
}

extension Array where Element == MCAPChannelMessage {
    var plainMessages: [MCAPMessage] { map(\.message) }
}

/// The messages of a complete file in file order, each with the offset at which it becomes
/// readable: the end of its chunk (or of its own record, outside chunks).
func messagesWithCompletionOffsets(_ bytes: [UInt8]) throws -> [(message: MCAPMessage, completeAt: UInt64)] {
    var records = MCAPReader(bytes).records()
    var result: [(message: MCAPMessage, completeAt: UInt64)] = []
    while let record = try records.next() {
        if case .message(let message) = record { result.append((message, records.offset)) }
        if case .dataEnd = record { break }
    }
    return result
}

/// Reads a fixture next to this file.
func loadFixture(_ name: String) throws -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures").appendingPathComponent(name)
    return Array(try Data(contentsOf: url))
}

/// Reads every record strictly (all CRCs checked) and returns how many there were.
@discardableResult
func readStrictly(_ bytes: [UInt8]) throws -> Int {
    var records = MCAPReader(bytes).records()
    var count = 0
    while try records.next() != nil { count += 1 }
    return count
}
