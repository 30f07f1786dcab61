// FileDescriptorOutput against real files and /dev/full, and the writer's behaviour when its output fails.
import Foundation
import MCAPCodec
import Testing

@Suite struct OutputTests {
    private func temporaryPath(_ name: String) -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("mcapcodec-\(getpid())-\(name)").path
    }

    /// The same file, byte for byte, whether the writer writes in its own thread or behind it, and
    /// whatever the compression (a compressed chunk is copied to the write-behind thread; an
    /// uncompressed one is handed over).
    @Test(arguments: [(false, MCAPCompression.zstd(level: 1)), (true, .zstd(level: 1)), (true, .none)])
    func fileOutputMatchesMemoryOutput(writeBehind: Bool, compression: MCAPCompression) throws {
        let path = temporaryPath("match-\(writeBehind)-\(compression.name).mcap")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = MCAPWriterOptions(chunkSize: 500, compression: compression)
        let sample = try SampleRecording(options: options, count: 40)

        let file = try FileDescriptorOutput(creatingFileAt: path)
        var fileOptions = options
        fileOptions.writeBehind = writeBehind
        let writer = MCAPWriter(output: file, options: fileOptions)
        try writer.start()
        let detection = try writer.addSchema(name: "haechi.Detection", encoding: "jsonschema", data: SampleRecording.detectionSchema)
        let truth = try writer.addSchema(name: "haechi.TruthFix", encoding: "jsonschema", data: SampleRecording.truthSchema)
        _ = try writer.addChannel(topic: "/radar/1", messageEncoding: "json", schemaID: detection, metadata: ["sensor": "r1", "band": "X"])
        _ = try writer.addChannel(topic: "/radar/2", messageEncoding: "json", schemaID: detection)
        _ = try writer.addChannel(topic: "/truth", messageEncoding: "json", schemaID: truth)
        _ = try writer.addChannel(topic: "/unused", messageEncoding: "x-raw", schemaID: 0)
        for (i, m) in sample.messages.enumerated() {
            try writer.addMessage(channelID: m.channelID, sequence: m.sequence, logTime: m.logTime, publishTime: m.publishTime, data: m.data)
            if i == 20 { try writer.addMetadata(name: "session", ["range": "test", "operator": "swift"]) }
            if i == 26 {
                try writer.addAttachment(name: "notes.txt", mediaType: "text/plain", data: Array("hello\n".utf8), logTime: SampleRecording.base, createTime: 7)
            }
        }
        try writer.finish()
        #expect(file.position == writer.bytesWritten)
        #expect(writer.chunkCount > 1 && writer.chunksWritten == writer.chunkCount)
        try file.synchronize()
        try file.close()

        let written = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(written == sample.bytes)

        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        #expect(try MCAPFileStatus.check(fileDescriptor: fd).isFinalised)
    }

    @Test func fullDiskThrowsWithErrno() throws {
        let fd = open("/dev/full", O_WRONLY)
        try #require(fd >= 0, "/dev/full is not available")
        defer { close(fd) }
        let output = FileDescriptorOutput(fileDescriptor: fd)
        let writer = MCAPWriter(output: output)
        let error = try #require(throws: MCAPError.self) { try writer.start() }
        #expect(error.code == .outputFailed)
        #expect(error.errno == ENOSPC)
        #expect(error.offset == 0)
        #expect(error.message.contains("No space left on device"))
        // The writer keeps failing with the same error.
        let again = try #require(throws: MCAPError.self) { try writer.closeChunk() }
        #expect(again == error)
    }

    @Test(arguments: [false, true])
    func failingOutputStopsTheWriterMidFile(writeBehind: Bool) throws {
        final class FailAfter: MCAPOutput {
            var bytes: [UInt8] = []
            let limit: Int
            init(limit: Int) { self.limit = limit }
            var position: UInt64 { UInt64(bytes.count) }
            func write(_ data: UnsafeRawBufferPointer) throws {
                struct Full: Error {}
                if bytes.count + data.count > limit { throw Full() }
                bytes.append(contentsOf: data)
            }
        }
        let output = FailAfter(limit: 2_000)
        let writer = MCAPWriter(output: output, options: MCAPWriterOptions(chunkSize: 300, writeBehind: writeBehind))
        try writer.start()
        let channel = try writer.addChannel(topic: "/t", messageEncoding: "x-raw", schemaID: 0)
        let error = try #require(throws: MCAPError.self) {
            for i in 0..<1_000 {
                try writer.addMessage(channelID: channel, sequence: UInt32(i), logTime: UInt64(i), publishTime: UInt64(i), data: [UInt8](repeating: 7, count: 50))
            }
        }
        #expect(error.code == .outputFailed)
        // Only the chunks before the failure count as written; the writer keeps failing.
        writer.waitForOutput()
        #expect(writer.chunksWritten > 0)
        // In its own thread the writer lists no chunk it failed to write; behind, it had queued it.
        #expect(writeBehind ? writer.chunksWritten < writer.chunkCount : writer.chunksWritten == writer.chunkCount)
        #expect(throws: MCAPError.self) { try writer.finish() }
        // What reached the output is a readable prefix.
        let report = try MCAPRecovery.rebuild(reading: output.bytes, into: InMemoryOutput())
        #expect(report.messagesRecovered > 0)
        #expect(report.stopReason?.code == .truncated)
    }

    @Test func unwritableFileReportsErrno() {
        let error = #expect(throws: MCAPError.self) {
            try FileDescriptorOutput(creatingFileAt: "/nonexistent-directory/x.mcap")
        }
        #expect(error?.errno == ENOENT)
    }
}
