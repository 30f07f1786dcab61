// Reads the files that the Python `mcap` writer made (Fixtures/gen_mcap_fixtures.py) and checks their content.
import MCAPCodec
import Testing

@Suite struct PythonFixtureTests {
    static let base: UInt64 = 1_700_000_000_000_000_000

    /// The 60 messages gen_mcap_fixtures.py writes, in file order.
    static let expectedMessages: [MCAPMessage] = (0..<60).map { i in
        let channel = UInt16(i % 3 + 1)
        let logTime = base + UInt64(i) * 10_000_000 - (channel == 3 ? 25_000_000 : 0)
        return MCAPMessage(
            channelID: channel, sequence: UInt32(i), logTime: logTime, publishTime: logTime - 1_000,
            data: Array(#"{"i":\#(i),"ch":\#(channel)}"#.utf8))
    }

    static let expectedChannels: [UInt16: MCAPChannel] = [
        1: MCAPChannel(id: 1, schemaID: 1, topic: "/radar/1/detections", messageEncoding: "json", metadata: ["sensor": "radar-1"]),
        2: MCAPChannel(id: 2, schemaID: 1, topic: "/radar/2/detections", messageEncoding: "json", metadata: [:]),
        3: MCAPChannel(id: 3, schemaID: 2, topic: "/truth/fix", messageEncoding: "json", metadata: ["source": "gnss"]),
    ]

    static let indexedFiles = ["py_chunked_none.mcap", "py_chunked_zstd.mcap", "py_chunked_lz4.mcap"]
    static let allFiles = indexedFiles + ["py_unchunked.mcap", "py_no_summary.mcap"]

    @Test(arguments: allFiles)
    func messagesMatchInFileOrder(file: String) throws {
        let bytes = try loadFixture(file)
        #expect(MCAPFileStatus.check(bytes).isFinalised)
        let messages = try MCAPReader(bytes).readAllMessages(order: .file)
        #expect(messages.plainMessages == Self.expectedMessages)
        for message in messages {
            #expect(message.channel == Self.expectedChannels[message.channelID])
            #expect(message.schema?.encoding == "jsonschema")
            #expect(message.schema?.name == (message.channelID == 3 ? "haechi.TruthFix" : "haechi.Detection"))
        }
        var records = MCAPReader(bytes).records()
        #expect(try records.next() == .header(MCAPHeader(profile: "x-haechi-fixture", library: "python mcap 1.6.0")))
        try readStrictly(bytes)
    }

    @Test(arguments: allFiles)
    func messagesMatchInLogTimeOrder(file: String) throws {
        let bytes = try loadFixture(file)
        var iterator = try MCAPReader(bytes).messages(order: .logTime)
        #expect(iterator.usesIndex == Self.indexedFiles.contains(file))
        var read: [MCAPMessage] = []
        while let message = try iterator.next() { read.append(message.message) }
        let expected = Self.expectedMessages.enumerated()
            .sorted { ($0.element.logTime, $0.offset) < ($1.element.logTime, $1.offset) }
            .map(\.element)
        #expect(read == expected)
    }

    @Test(arguments: indexedFiles)
    func summaryIndexesAreUsable(file: String) throws {
        let bytes = try loadFixture(file)
        let reader = MCAPReader(bytes)
        let summary = try #require(try reader.readSummary())
        #expect(summary.channels == Self.expectedChannels)
        #expect(summary.schemas.keys.sorted() == [1, 2])
        let statistics = try #require(summary.statistics)
        #expect(statistics.messageCount == 60)
        #expect(statistics.channelMessageCounts == [1: 20, 2: 20, 3: 20])
        #expect(statistics.metadataCount == 1)
        #expect(statistics.attachmentCount == 1)
        #expect(statistics.chunkCount == UInt32(summary.chunkIndexes.count))
        #expect(summary.chunkIndexes.count > 1)

        var fromChunks: [MCAPMessage] = []
        for index in summary.chunkIndexes {
            let records = try reader.readChunkRecords(index)
            let byOffset = Dictionary(uniqueKeysWithValues: records.map { ($0.offset, $0.record) })
            for messageIndex in try reader.readMessageIndexes(index) {
                for entry in messageIndex.records {
                    guard case .message(let message)? = byOffset[entry.offset] else {
                        Issue.record("\(file): MessageIndex entry \(entry.offset) is not a Message")
                        continue
                    }
                    #expect(message.channelID == messageIndex.channelID)
                    #expect(message.logTime == entry.logTime)
                }
            }
            for case let (_, .message(message)) in records { fromChunks.append(message) }
        }
        #expect(fromChunks == Self.expectedMessages)

        let metadata = try reader.readMetadata(try #require(summary.metadataIndexes.first))
        #expect(metadata == MCAPMetadata(name: "session", metadata: ["range": "test", "operator": "fixture"]))
        let attachment = try reader.readAttachment(try #require(summary.attachmentIndexes.first))
        #expect(attachment.name == "notes.txt")
        #expect(attachment.mediaType == "text/plain")
        #expect(attachment.data == Array("hello from python\n".utf8))
        #expect(attachment.crc != 0)
    }

    @Test func unchunkedFileHasSummaryButNoChunkIndexes() throws {
        let bytes = try loadFixture("py_unchunked.mcap")
        let summary = try #require(try MCAPReader(bytes).readSummary())
        #expect(summary.chunkIndexes.isEmpty)
        #expect(summary.statistics?.messageCount == 60)
        #expect(summary.channels == Self.expectedChannels)
    }

    @Test func fileWithoutSummaryHasNone() throws {
        let bytes = try loadFixture("py_no_summary.mcap")
        let reader = MCAPReader(bytes)
        #expect(try reader.readSummary() == nil)
        #expect(try reader.readFooter().summaryStart == 0)
    }

    @Test func dataSectionCRCOfPythonFilesIsVerified() throws {
        var bytes = try loadFixture("py_unchunked.mcap")
        var records = MCAPReader(bytes).records()
        var sawDataEnd = false
        while let record = try records.next() {
            if case .dataEnd(let dataEnd) = record {
                #expect(dataEnd.dataSectionCRC != 0)
                sawDataEnd = true
            }
        }
        #expect(sawDataEnd)
        // Damage one byte of message data: the DataEnd check catches it.
        let offset = try #require(bytes.indices.first { bytes[$0] == UInt8(ascii: "{") })
        bytes[offset + 1] ^= 0x01
        var damaged = MCAPReader(bytes).records()
        let error = try #require(throws: MCAPError.self) { while try damaged.next() != nil {} }
        #expect(error.code == .crcMismatch)
    }

    @Test(arguments: allFiles)
    func truncatedPythonFilesReadAndRecover(file: String) throws {
        let bytes = try loadFixture(file)
        let complete = try messagesWithCompletionOffsets(bytes)
        for cut in stride(from: 0, to: bytes.count, by: 37) {
            let prefix = Array(bytes[..<cut])
            let expected = complete.filter { $0.completeAt <= UInt64(cut) }.map(\.message)
            let read = try MCAPReader(prefix, options: MCAPReaderOptions(lenient: true)).readAllMessages()
            #expect(read.plainMessages == expected, "\(file) cut at \(cut)")

            let output = InMemoryOutput()
            let report = try MCAPRecovery.rebuild(reading: prefix, into: output)
            #expect(report.messagesRecovered == UInt64(expected.count), "\(file) cut at \(cut)")
            let rebuilt = try MCAPReader(output.bytes).readAllMessages()
            #expect(rebuilt.plainMessages == expected, "\(file) cut at \(cut)")
            for message in rebuilt { #expect(message.channel == Self.expectedChannels[message.channelID]) }
        }
    }
}
