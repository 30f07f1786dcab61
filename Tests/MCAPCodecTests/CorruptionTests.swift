// Damage detection: chunk, data-section, summary and attachment CRCs, bad magic, bad compression.
import MCAPCodec
import Testing

@Suite struct CorruptionTests {
    private func firstChunk(_ bytes: [UInt8]) throws -> MCAPChunkIndex {
        try #require(try MCAPReader(bytes).readSummary()?.chunkIndexes.first)
    }

    /// Offset of the first byte of a chunk's stored records.
    private func payloadStart(_ index: MCAPChunkIndex) -> Int {
        Int(index.chunkStartOffset + index.chunkLength - index.compressedSize)
    }

    @Test func flippedByteInAnUncompressedChunkFailsItsCRC() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(chunkSize: 400, computeDataSectionCRC: false), count: 30)
        let index = try firstChunk(sample.bytes)
        var damaged = sample.bytes
        damaged[payloadStart(index) + 40] ^= 0x01

        var strict = MCAPReader(damaged).records()
        let error = try #require(throws: MCAPError.self) { while try strict.next() != nil {} }
        #expect(error.code == .crcMismatch)
        #expect(error.offset == index.chunkStartOffset)

        // Lenient: stops at the damaged chunk, nothing of it is yielded.
        var lenient = MCAPReader(damaged, options: MCAPReaderOptions(lenient: true)).records()
        var messages = 0
        while let record = try lenient.next() {
            if case .message = record { messages += 1 }
        }
        #expect(messages == 0)
        #expect(lenient.stopReason?.code == .crcMismatch)
        #expect(lenient.offset == index.chunkStartOffset)

        // Without CRC checks the damage goes unnoticed (it hit message data).
        var unchecked = MCAPReader(damaged, options: MCAPReaderOptions(validateCRCs: false)).records()
        while try unchecked.next() != nil {}

        // Recovery skips the damaged chunk, keeps every other one, and says what it skipped.
        let lost = try MCAPReader(sample.bytes).readChunkRecords(index).filter { if case .message = $0.record { true } else { false } }
        #expect(!lost.isEmpty)
        let output = InMemoryOutput()
        let report = try MCAPRecovery.rebuild(reading: damaged, into: output)
        #expect(report.stopReason == nil)
        #expect(report.skippedRegions.count == 1)
        #expect(report.skippedRegions.first?.error.code == .crcMismatch)
        #expect(report.skippedRegions.first?.offset == index.chunkStartOffset)
        #expect(report.bytesSkipped == index.chunkLength)
        #expect(report.chunksSkipped == 1)
        #expect(report.messagesSkipped == UInt64(lost.count))
        #expect(report.messagesRecovered == UInt64(30 - lost.count))
        #expect(report.readLength > index.chunkStartOffset + index.chunkLength)
        try readStrictly(output.bytes)
    }

    @Test(arguments: [MCAPCompression.zstd(level: 3), .lz4])
    func damagedCompressedChunkIsReported(compression: MCAPCompression) throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(chunkSize: 400, compression: compression, computeDataSectionCRC: false), count: 30)
        let index = try firstChunk(sample.bytes)
        for position in [payloadStart(index) + 2, payloadStart(index) + Int(index.compressedSize) / 2, payloadStart(index) + Int(index.compressedSize) - 1] {
            var damaged = sample.bytes
            damaged[position] ^= 0x5A
            var strict = MCAPReader(damaged).records()
            let error = try #require(throws: MCAPError.self, "byte \(position)") { while try strict.next() != nil {} }
            #expect([MCAPError.Code.crcMismatch, .decompressionFailed].contains(error.code), "\(error)")
            #expect(error.offset == index.chunkStartOffset)
        }
    }

    @Test func dataSectionCRCIsChecked() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(chunkSize: 400, computeChunkCRC: false), count: 30)
        let index = try firstChunk(sample.bytes)
        var damaged = sample.bytes
        damaged[payloadStart(index) + 40] ^= 0x01
        var strict = MCAPReader(damaged).records()
        let error = try #require(throws: MCAPError.self) { while try strict.next() != nil {} }
        #expect(error.code == .crcMismatch)
        #expect(error.message.contains("DataEnd"))
    }

    @Test func summaryCRCIsChecked() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(), count: 30)
        let summary = try #require(try MCAPReader(sample.bytes).readSummary())
        let statistics = try #require(summary.summaryOffsets.first { $0.groupOpcode == 0x0B })
        var damaged = sample.bytes
        damaged[Int(statistics.groupStart) + 9] ^= 0x01  // message_count's low byte
        let error = try #require(throws: MCAPError.self) { try MCAPReader(damaged).readSummary() }
        #expect(error.code == .crcMismatch)
        #expect(error.offset == summary.footer.summaryStart)
        let unchecked = try MCAPReader(damaged, options: MCAPReaderOptions(validateCRCs: false)).readSummary()
        #expect(unchecked?.statistics?.messageCount == 31)
    }

    @Test func attachmentCRCIsChecked() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(computeDataSectionCRC: false), count: 30)
        let index = try #require(try MCAPReader(sample.bytes).readSummary()?.attachmentIndexes.first)
        var damaged = sample.bytes
        damaged[Int(index.offset + index.length) - 6] ^= 0x01  // inside the data, before the crc
        #expect(throws: MCAPError.self) { try MCAPReader(damaged).readAttachment(index) }
        var strict = MCAPReader(damaged).records()
        let error = try #require(throws: MCAPError.self) { while try strict.next() != nil {} }
        #expect(error.code == .crcMismatch)
        #expect(error.offset == index.offset)
    }

    @Test func wrongMagicIsNotMCAP() throws {
        var bytes = try SampleRecording(options: MCAPWriterOptions(), count: 3).bytes
        bytes[1] = UInt8(ascii: "X")
        var records = MCAPReader(bytes).records()
        let error = try #require(throws: MCAPError.self) { _ = try records.next() }
        #expect(error.code == .invalidMagic)
        #expect(MCAPFileStatus.check(bytes) == .notMCAP)
    }

    @Test func recordLengthBeyondTheFileIsATruncation() throws {
        var bytes = try SampleRecording(options: MCAPWriterOptions(), count: 3).bytes
        // The Header's length field: claim far more content than exists.
        bytes[9 + 7] = 0x40
        var records = MCAPReader(bytes).records()
        let error = try #require(throws: MCAPError.self) { _ = try records.next() }
        #expect(error.code == .truncated)
        #expect(error.offset == 8)
    }

    @Test func absurdChunkSizeIsRefusedBeforeAllocating() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(computeDataSectionCRC: false), count: 3, extras: false)
        let index = try firstChunk(sample.bytes)
        var damaged = sample.bytes
        // uncompressed_size sits after the opcode, length and two timestamps.
        let field = Int(index.chunkStartOffset) + 9 + 16
        for i in 0..<8 { damaged[field + i] = 0x7F }
        var records = MCAPReader(damaged).records()
        let error = try #require(throws: MCAPError.self) { while try records.next() != nil {} }
        #expect(error.code == .limitExceeded)
    }

    @Test func unknownCompressionIsReported() throws {
        let chunk = MCAPChunk(messageStartTime: 0, messageEndTime: 0, uncompressedSize: 3, uncompressedCRC: 0, compression: "brotli", records: [1, 2, 3])
        let error = try #require(throws: MCAPError.self) { try chunk.decompressedRecords() }
        #expect(error.code == .unsupportedCompression)
    }
}
