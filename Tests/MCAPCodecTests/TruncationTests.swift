// Crash safety: a file cut at every byte offset reads leniently and rebuilds into a valid file.
import MCAPCodec
import Testing

@Suite struct TruncationTests {
    static let layouts: [(String, MCAPWriterOptions)] = [
        ("chunked", MCAPWriterOptions(chunkSize: 300)),
        ("zstd", MCAPWriterOptions(chunkSize: 300, compression: .zstd(level: 1))),
        ("lz4", MCAPWriterOptions(chunkSize: 300, compression: .lz4)),
        ("unchunked", MCAPWriterOptions(chunkSize: 300, useChunks: false)),
    ]

    /// Cuts the file at every offset; each prefix must read leniently without a crash, yield exactly
    /// the messages complete before the cut, and stop with a truncation at the end of the valid prefix.
    @Test(arguments: layouts)
    func lenientReaderRecoversExactlyTheCompleteChunks(name: String, options: MCAPWriterOptions) throws {
        let sample = try SampleRecording(options: options, count: 24)
        let complete = try messagesWithCompletionOffsets(sample.bytes)
        #expect(complete.map(\.message) == sample.messages)
        let lenient = MCAPReaderOptions(lenient: true)

        for cut in 0..<sample.bytes.count {
            let prefix = Array(sample.bytes[..<cut])
            var records = MCAPReader(prefix, options: lenient).records()
            var messages: [MCAPMessage] = []
            while let record = try records.next() {
                if case .message(let message) = record { messages.append(message) }
            }
            let expected = complete.filter { $0.completeAt <= UInt64(cut) }.map(\.message)
            #expect(messages == expected, "cut at \(cut)")
            let reason = try #require(records.stopReason, "cut at \(cut)")
            #expect(reason.code == .truncated, "cut at \(cut): \(reason)")
            #expect(reason.offset == records.offset)
            #expect(records.offset <= UInt64(cut))
            #expect(MCAPFileStatus.check(prefix) == .unfinalised, "cut at \(cut)")

            // The message-level API agrees, in both orders.
            let fileOrder = try MCAPReader(prefix, options: lenient).readAllMessages(order: .file)
            #expect(fileOrder.plainMessages == expected, "cut at \(cut)")
            let timeOrder = try MCAPReader(prefix, options: lenient).readAllMessages(order: .logTime)
            #expect(timeOrder.count == expected.count, "cut at \(cut)")
        }
    }

    /// The strict reader throws at the cut instead, naming the offset.
    @Test func strictReaderThrowsAtTheCut() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(chunkSize: 300), count: 24)
        let cut = sample.bytes.count / 2
        var records = MCAPReader(Array(sample.bytes[..<cut])).records()
        let error = try #require(throws: MCAPError.self) {
            while try records.next() != nil {}
        }
        #expect(error.code == .truncated)
        #expect(error.offset == records.offset)
        #expect(error.message.contains("offset \(records.offset)"))
        #expect(throws: MCAPError.self) { try MCAPReader(Array(sample.bytes[..<cut])).readSummary() }
    }

    /// Every truncation rebuilds into a finalised, indexed, CRC-clean file holding exactly the
    /// messages that were complete before the cut.
    @Test(arguments: layouts)
    func recoveryRebuildsEveryTruncation(name: String, options: MCAPWriterOptions) throws {
        let sample = try SampleRecording(options: options, count: 24)
        let complete = try messagesWithCompletionOffsets(sample.bytes)
        let chunkEnds = Set(complete.map(\.completeAt))
        let dataSectionEnd = try MCAPReader(sample.bytes).readFooter().summaryStart

        for cut in 0..<sample.bytes.count {
            let output = InMemoryOutput()
            let report = try MCAPRecovery.rebuild(
                reading: Array(sample.bytes[..<cut]), into: output, options: MCAPWriterOptions(chunkSize: 500, compression: .zstd(level: 1)))
            let expected = complete.filter { $0.completeAt <= UInt64(cut) }.map(\.message)
            #expect(report.messagesRecovered == UInt64(expected.count), "cut at \(cut)")
            #expect(report.inputSize == UInt64(cut))
            #expect(report.readLength <= UInt64(cut))
            // Once DataEnd is complete the whole data section was read; a cut in the summary loses nothing.
            #expect(report.stopReason?.code == (UInt64(cut) >= dataSectionEnd ? nil : .truncated), "cut at \(cut)")
            #expect(!report.wasFinalised)
            if options.useChunks {
                #expect(report.chunksRecovered == chunkEnds.filter { $0 <= UInt64(cut) }.count, "cut at \(cut)")
                #expect(report.unchunkedMessagesRecovered == 0)
            }

            #expect(MCAPFileStatus.check(output.bytes).isFinalised, "cut at \(cut)")
            try readStrictly(output.bytes)
            let reader = MCAPReader(output.bytes)
            #expect(try reader.readAllMessages().plainMessages == expected, "cut at \(cut)")
            let summary = try #require(try reader.readSummary())
            #expect(summary.statistics?.messageCount == UInt64(expected.count))
        }
    }

    /// After each closeChunk the output is a complete prefix: everything added so far reads back.
    @Test func everyClosedChunkIsOnTheOutput() throws {
        let output = InMemoryOutput()
        let writer = MCAPWriter(output: output, options: MCAPWriterOptions(compression: .lz4))
        try writer.start()
        let schema = try writer.addSchema(name: "s", encoding: "jsonschema", data: Array("{}".utf8))
        let channel = try writer.addChannel(topic: "/t", messageEncoding: "json", schemaID: schema)
        var added: [MCAPMessage] = []
        for i in 0..<50 {
            let message = MCAPMessage(channelID: channel, sequence: UInt32(i), logTime: UInt64(i), publishTime: UInt64(i), data: Array("{}".utf8))
            try writer.addMessage(channelID: channel, sequence: message.sequence, logTime: message.logTime, publishTime: message.publishTime, data: message.data)
            added.append(message)
            if i % 10 == 9 {
                try writer.closeChunk()
                var records = MCAPReader(output.bytes, options: MCAPReaderOptions(lenient: true)).records()
                var read: [MCAPMessage] = []
                while let record = try records.next() {
                    if case .message(let m) = record { read.append(m) }
                }
                #expect(read == added)
                #expect(records.offset == UInt64(output.bytes.count), "the output ends on a record boundary")
                #expect(writer.pendingBytes == 0)
            }
        }
        try writer.finish()
    }

    @Test func recoveryOfAFinalisedFileCopiesIt() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(chunkSize: 300), count: 24)
        let output = InMemoryOutput()
        let report = try MCAPRecovery.rebuild(reading: sample.bytes, into: output)
        #expect(report.wasFinalised)
        #expect(report.stopReason == nil)
        #expect(report.messagesRecovered == 24)
        #expect(report.metadataRecovered == 1)
        #expect(report.attachmentsRecovered == 1)
        #expect(report.schemasRecovered == 2)
        #expect(report.channelsRecovered == 4)
        #expect(try MCAPReader(output.bytes).readAllMessages().plainMessages == sample.messages)
        #expect(try MCAPReader(output.bytes).readSummary()?.channels == MCAPReader(sample.bytes).readSummary()?.channels)
    }

    @Test func recoveryRejectsNonMCAP() {
        #expect(throws: MCAPError.self) {
            try MCAPRecovery.rebuild(reading: Array("not an mcap file".utf8), into: InMemoryOutput())
        }
    }
}
