// Write-then-read tests of MCAPWriter and MCAPReader: chunked, unchunked, zstd, lz4.
import MCAPCodec
import Testing

@Suite struct RoundTripTests {
    static let layouts: [(String, MCAPWriterOptions)] = [
        ("chunked", MCAPWriterOptions(chunkSize: 1 << 20)),
        ("chunked-small", MCAPWriterOptions(chunkSize: 600)),
        ("zstd", MCAPWriterOptions(chunkSize: 600, compression: .zstd(level: 3))),
        ("lz4", MCAPWriterOptions(chunkSize: 600, compression: .lz4)),
        ("unchunked", MCAPWriterOptions(chunkSize: 600, useChunks: false)),
        ("no-crc", MCAPWriterOptions(chunkSize: 600, computeChunkCRC: false, computeDataSectionCRC: false)),
    ]

    @Test(arguments: layouts)
    func messagesComeBackInFileOrder(name: String, options: MCAPWriterOptions) throws {
        let sample = try SampleRecording(options: options)
        #expect(MCAPFileStatus.check(sample.bytes).isFinalised)
        let reader = MCAPReader(sample.bytes)
        let read = try reader.readAllMessages(order: .file)
        #expect(read.plainMessages == sample.messages)
        #expect(read.first?.channel.topic == "/radar/1")
        #expect(read.first?.channel.metadata == ["sensor": "r1", "band": "X"])
        #expect(read.first?.schema?.name == "haechi.Detection")
        #expect(read.first?.schema?.data == SampleRecording.detectionSchema)
        #expect(read[2].schema?.name == "haechi.TruthFix")
        try readStrictly(sample.bytes)
    }

    @Test(arguments: layouts)
    func messagesComeBackInLogTimeOrder(name: String, options: MCAPWriterOptions) throws {
        let sample = try SampleRecording(options: options)
        var iterator = try MCAPReader(sample.bytes).messages(order: .logTime)
        #expect(iterator.usesIndex == options.useChunks)
        var read: [MCAPMessage] = []
        while let message = try iterator.next() { read.append(message.message) }
        let expected = sample.messages.enumerated()
            .sorted { ($0.element.logTime, $0.offset) < ($1.element.logTime, $1.offset) }
            .map(\.element)
        #expect(read == expected)
        #expect(read != sample.messages, "the sample is meant to be out of log-time order")
    }

    @Test(arguments: layouts)
    func summaryDescribesTheFile(name: String, options: MCAPWriterOptions) throws {
        let sample = try SampleRecording(options: options)
        let reader = MCAPReader(sample.bytes)
        let summary = try #require(try reader.readSummary())
        #expect(summary.schemas.keys.sorted() == [1, 2])
        #expect(summary.channels.keys.sorted() == [1, 2, 3, 4])
        #expect(summary.channels[4]?.topic == "/unused")
        let statistics = try #require(summary.statistics)
        #expect(statistics.messageCount == UInt64(sample.messages.count))
        #expect(statistics.schemaCount == 2)
        #expect(statistics.channelCount == 4)
        #expect(statistics.metadataCount == 1)
        #expect(statistics.attachmentCount == 1)
        #expect(statistics.chunkCount == UInt32(summary.chunkIndexes.count))
        #expect(statistics.messageStartTime == sample.messages.map(\.logTime).min())
        #expect(statistics.messageEndTime == sample.messages.map(\.logTime).max())
        #expect(statistics.channelMessageCounts == [1: 30, 2: 30, 3: 30])
        if options.useChunks {
            #expect(!summary.chunkIndexes.isEmpty)
            #expect(summary.chunkIndexes.allSatisfy { $0.compression == options.compression.name })
        } else {
            #expect(summary.chunkIndexes.isEmpty)
        }

        let metadataIndex = try #require(summary.metadataIndexes.first)
        #expect(metadataIndex.name == "session")
        #expect(try reader.readMetadata(metadataIndex) == MCAPMetadata(name: "session", metadata: ["range": "test", "operator": "swift"]))
        let attachmentIndex = try #require(summary.attachmentIndexes.first)
        let attachment = try reader.readAttachment(attachmentIndex)
        #expect(attachment.name == "notes.txt")
        #expect(attachment.mediaType == "text/plain")
        #expect(attachment.data == Array("hello\n".utf8))
        #expect(attachment.createTime == 7)
        #expect(attachment.crc != 0)
        #expect(attachmentIndex.dataSize == 6)
    }

    @Test func unusedSchemasAndChannelsStillReachTheDataSection() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(), count: 3, extras: false)
        var records = MCAPReader(sample.bytes).records()
        var channelsInData: Set<UInt16> = []
        while let record = try records.next(), !records.hasReachedDataEnd {
            if case .channel(let channel) = record { channelsInData.insert(channel.id) }
        }
        #expect(channelsInData == [1, 2, 3, 4])
    }

    @Test func chunksCloseBySize() throws {
        let chunkSize = 1_000
        let sample = try SampleRecording(options: MCAPWriterOptions(chunkSize: chunkSize), count: 300)
        let summary = try #require(try MCAPReader(sample.bytes).readSummary())
        #expect(summary.chunkIndexes.count > 5)
        for index in summary.chunkIndexes.dropLast() {
            // A chunk closes on the message that takes it to chunkSize, so it is at least that big
            // and at most one message (plus its channel's Schema and Channel records) bigger.
            #expect(index.uncompressedSize >= UInt64(chunkSize))
            #expect(index.uncompressedSize < UInt64(chunkSize + 400))
        }
    }

    @Test func closeChunkMakesChunkBoundaries() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(), count: 30, closeEvery: 7)
        let summary = try #require(try MCAPReader(sample.bytes).readSummary())
        #expect(summary.chunkIndexes.count == 5)  // 7, 7, 7, 7, 2
        let reader = MCAPReader(sample.bytes)
        var counts: [Int] = []
        for index in summary.chunkIndexes {
            let records = try reader.readChunkRecords(index)
            counts.append(records.filter { if case .message = $0.record { true } else { false } }.count)
            // Self-contained: every channel used in the chunk is defined in it before its first message.
            var defined: Set<UInt16> = []
            var definedSchemas: Set<UInt16> = []
            for (_, record) in records {
                switch record {
                case .schema(let schema): definedSchemas.insert(schema.id)
                case .channel(let channel):
                    #expect(channel.schemaID == 0 || definedSchemas.contains(channel.schemaID))
                    defined.insert(channel.id)
                case .message(let message): #expect(defined.contains(message.channelID))
                default: Issue.record("unexpected record in a chunk")
                }
            }
        }
        #expect(counts == [7, 7, 7, 7, 2])
    }

    @Test func emptyFileIsValid() throws {
        let output = InMemoryOutput()
        let writer = MCAPWriter(output: output)
        try writer.start()
        try writer.closeChunk()
        try writer.finish()
        let reader = MCAPReader(output.bytes)
        #expect(try reader.readAllMessages().isEmpty)
        let statistics = try #require(try reader.readSummary()?.statistics)
        #expect(statistics.messageCount == 0)
        #expect(statistics.chunkCount == 0)
        #expect(statistics.messageStartTime == 0)
        try readStrictly(output.bytes)
    }

    @Test func headerCarriesProfileAndLibrary() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(profile: "x-haechi", library: "haechi-test"), count: 3)
        var records = MCAPReader(sample.bytes).records()
        #expect(try records.next() == .header(MCAPHeader(profile: "x-haechi", library: "haechi-test")))
    }

    @Test func everyRecordTypeSurvivesSerialisation() throws {
        let records: [MCAPRecord] = [
            .header(MCAPHeader(profile: "p", library: "l")),
            .footer(MCAPFooter(summaryStart: 1, summaryOffsetStart: 2, summaryCRC: 3)),
            .schema(MCAPSchema(id: 4, name: "n", encoding: "e", data: [1, 2])),
            .channel(MCAPChannel(id: 5, schemaID: 4, topic: "t", messageEncoding: "m", metadata: ["a": "b", "c": ""])),
            .message(MCAPMessage(channelID: 5, sequence: 6, logTime: 7, publishTime: 8, data: [9])),
            .chunk(MCAPChunk(messageStartTime: 1, messageEndTime: 2, uncompressedSize: 3, uncompressedCRC: 4, compression: "", records: [5, 6, 7])),
            .messageIndex(MCAPMessageIndex(channelID: 5, records: [.init(logTime: 1, offset: 2), .init(logTime: 3, offset: 4)])),
            .chunkIndex(MCAPChunkIndex(
                messageStartTime: 1, messageEndTime: 2, chunkStartOffset: 3, chunkLength: 4, messageIndexOffsets: [5: 6, 7: 8],
                messageIndexLength: 9, compression: "zstd", compressedSize: 10, uncompressedSize: 11)),
            .attachmentIndex(MCAPAttachmentIndex(offset: 1, length: 2, logTime: 3, createTime: 4, dataSize: 5, name: "a", mediaType: "b")),
            .statistics(MCAPStatistics(
                messageCount: 1, schemaCount: 2, channelCount: 3, attachmentCount: 4, metadataCount: 5, chunkCount: 6,
                messageStartTime: 7, messageEndTime: 8, channelMessageCounts: [1: 2])),
            .metadata(MCAPMetadata(name: "m", metadata: ["k": "v"])),
            .metadataIndex(MCAPMetadataIndex(offset: 1, length: 2, name: "m")),
            .summaryOffset(MCAPSummaryOffset(groupOpcode: 3, groupStart: 4, groupLength: 5)),
            .dataEnd(MCAPDataEnd(dataSectionCRC: 0xDEAD_BEEF)),
            .unknown(opcode: 0x80, content: [1, 2, 3]),
        ]
        for record in records {
            let bytes = record.serialized()
            #expect(bytes[0] == record.opcode)
            let decoded = try bytes.withUnsafeBytes { raw in
                try MCAPRecord.decode(opcode: raw[0], content: UnsafeRawBufferPointer(rebasing: raw[9...]), fileOffset: 0)
            }
            #expect(decoded == record)
        }
        // The attachment's CRC is computed on serialisation.
        let attachment = MCAPAttachment(logTime: 1, createTime: 2, name: "x", mediaType: "y", data: [1, 2, 3])
        let bytes = MCAPRecord.attachment(attachment).serialized()
        let decoded = try bytes.withUnsafeBytes { raw in
            try MCAPRecord.decode(opcode: raw[0], content: UnsafeRawBufferPointer(rebasing: raw[9...]), fileOffset: 0)
        }
        guard case .attachment(let back) = decoded else { Issue.record("not an attachment"); return }
        #expect(back.crc == MCAPCRC32.checksum(Array(bytes[9..<(bytes.count - 4)])))
    }

    @Test func recordsWithExtraTrailingFieldsAreRead() throws {
        // "Readers should ignore any unknown fields": a Header with two extra bytes.
        var bytes = MCAPRecord.header(MCAPHeader(profile: "p", library: "l")).serialized()
        bytes += [0xAA, 0xBB]
        let length = UInt64(bytes.count - 9)
        for i in 0..<8 { bytes[1 + i] = UInt8(truncatingIfNeeded: length >> (8 * UInt64(i))) }
        let decoded = try bytes.withUnsafeBytes { raw in
            try MCAPRecord.decode(opcode: raw[0], content: UnsafeRawBufferPointer(rebasing: raw[9...]), fileOffset: 0)
        }
        #expect(decoded == .header(MCAPHeader(profile: "p", library: "l")))
    }
}

@Suite struct IDExhaustionTests {
    @Test("Past 65535 channels the writer throws idsExhausted instead of trapping, and the file stays whole")
    func channelIDsRunOut() throws {
        let output = InMemoryOutput()
        let writer = MCAPWriter(output: output, options: MCAPWriterOptions(chunkSize: 1 << 16))
        try writer.start()
        for n in 1...Int(UInt16.max) {
            let id = try writer.addChannel(topic: "/t/\(n)", messageEncoding: "raw", schemaID: 0)
            #expect(id == UInt16(n))
        }
        do {
            try writer.addChannel(topic: "/one-too-many", messageEncoding: "raw", schemaID: 0)
            Issue.record("the 65536th channel was accepted")
        } catch {
            #expect(error.code == .idsExhausted)
        }
        // The writer goes on: messages on existing channels, and a valid file at the end.
        try writer.addMessage(channelID: 1, sequence: 0, logTime: 1, publishTime: 1, data: [1, 2, 3])
        try writer.addMessage(channelID: UInt16.max, sequence: 1, logTime: 2, publishTime: 2, data: [4])
        try writer.finish()
        let reader = MCAPReader(output.bytes)
        let summary = try #require(try reader.readSummary())
        #expect(summary.channels.count == Int(UInt16.max))
        #expect(try reader.readAllMessages().map(\.data) == [[1, 2, 3], [4]])
    }

    @Test("Past 65535 schemas the writer throws idsExhausted")
    func schemaIDsRunOut() throws {
        let writer = MCAPWriter(output: InMemoryOutput())
        try writer.start()
        for n in 1...Int(UInt16.max) { _ = try writer.addSchema(name: "s\(n)", encoding: "jsonschema", data: []) }
        do {
            _ = try writer.addSchema(name: "one too many", encoding: "jsonschema", data: [])
            Issue.record("the 65536th schema was accepted")
        } catch {
            #expect(error.code == .idsExhausted)
        }
        try writer.finish()
    }
}
