// Recovery past damage: a damaged chunk is skipped, counted, and every intact chunk around it kept.
import MCAPCodec
import Testing
import TestSupport

@Suite struct DamageSkippingTests {
    static let layouts: [(String, MCAPWriterOptions)] = [
        ("uncompressed", MCAPWriterOptions(chunkSize: 400)),
        ("zstd", MCAPWriterOptions(chunkSize: 400, compression: .zstd(level: 3))),
        ("lz4", MCAPWriterOptions(chunkSize: 400, compression: .lz4)),
    ]

    /// Ways a chunk gets damaged.
    enum Damage: String, CaseIterable, Sendable {
        /// Bytes flipped inside the stored (compressed) records.
        case flippedRecords
        /// The `uncompressed_crc` field changed.
        case brokenCRC
        /// The record length made longer, still inside the file (it then overshoots into the next record).
        case longerLength
        /// The record length made shorter (the chunk's fields then overrun it).
        case shorterLength
        /// The record length made absurd (past the end of the file).
        case hugeLength
        /// The opcode byte zeroed.
        case zeroedOpcode
    }

    static func damage(_ bytes: inout [UInt8], _ chunk: MCAPChunkIndex, _ how: Damage) {
        let start = Int(chunk.chunkStartOffset)
        let payload = Int(chunk.chunkStartOffset + chunk.chunkLength - chunk.compressedSize)
        func setLength(_ value: UInt64) {
            for k in 0..<8 { bytes[start + 1 + k] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(k))) }
        }
        let length = chunk.chunkLength - 9
        switch how {
        case .flippedRecords:
            for k in [payload + 2, payload + Int(chunk.compressedSize) / 2, payload + Int(chunk.compressedSize) - 1] { bytes[k] ^= 0x5A }
        case .brokenCRC: bytes[start + 9 + 24] ^= 0xFF   // after message_start_time, message_end_time, uncompressed_size
        case .longerLength: setLength(length + 1000)
        case .shorterLength: setLength(length - 7)
        case .hugeLength: setLength(0x7F00_0000_0000_0000)
        case .zeroedOpcode: bytes[start] = 0
        }
    }

    static func messages(in chunk: MCAPChunkIndex, of bytes: [UInt8]) throws -> [MCAPMessage] {
        try MCAPReader(bytes).readChunkRecords(chunk).compactMap { if case .message(let m) = $0.record { m } else { nil } }
    }

    /// Every damage, in the first, a middle and the last chunk: the other chunks' messages all come
    /// back, in order; the damaged chunk is one skipped region of exactly its bytes and messages.
    @Test(arguments: layouts, Damage.allCases)
    func aDamagedChunkIsSkippedAndCounted(layout: (String, MCAPWriterOptions), how: Damage) throws {
        let sample = try SampleRecording(options: layout.1, count: 60)
        let chunks = try #require(try MCAPReader(sample.bytes).readSummary()?.chunkIndexes)
        #expect(chunks.count >= 5)
        for position in [0, chunks.count / 2, chunks.count - 1] {
            let chunk = chunks[position]
            let lost = try Self.messages(in: chunk, of: sample.bytes)
            #expect(!lost.isEmpty)
            var damaged = sample.bytes
            Self.damage(&damaged, chunk, how)
            let context = "\(layout.0), \(how), chunk \(position)"

            // Without skipping, reading still stops at the damage.
            var lenient = MCAPReader(damaged, options: MCAPReaderOptions(lenient: true)).records()
            while try lenient.next() != nil {}
            #expect(lenient.stopReason != nil, "\(context)")
            #expect(lenient.offset == chunk.chunkStartOffset || how == .longerLength, "\(context)")

            let output = InMemoryOutput()
            let report = try MCAPRecovery.rebuild(reading: damaged, into: output)
            let expected = sample.messages.filter { !lost.contains($0) }
            #expect(try MCAPReader(output.bytes).readAllMessages().plainMessages == expected, "\(context)")
            #expect(report.messagesRecovered == UInt64(expected.count), "\(context)")
            #expect(report.skippedRegions.count == 1, "\(context): \(report)")
            #expect(report.skippedRegions.first?.offset == chunk.chunkStartOffset, "\(context)")
            #expect(report.chunksSkipped == 1, "\(context)")
            #expect(report.bytesSkipped == chunk.chunkLength, "\(context)")
            #expect(report.messagesSkipped == UInt64(lost.count), "\(context)")
            #expect(report.chunksRecovered == chunks.count - 1, "\(context)")
            #expect(report.metadataRecovered == 1 && report.attachmentsRecovered == 1, "\(context)")
            #expect(report.stopReason == nil, "\(context): \(report)")
            #expect(report.recordsSkipped == 0, "\(context)")
            #expect(report.description.contains("skipped \(chunk.chunkLength) byte(s) at offset \(chunk.chunkStartOffset)"), "\(context)")
            try readStrictly(output.bytes)
        }
    }

    /// A file a crash left unfinished, with a damaged chunk before the cut: the chunks on both sides
    /// of the damage come back, up to the cut.
    @Test(arguments: layouts)
    func damageBeforeACut(layout: (String, MCAPWriterOptions)) throws {
        let sample = try SampleRecording(options: layout.1, count: 60)
        let chunks = try #require(try MCAPReader(sample.bytes).readSummary()?.chunkIndexes)
        let middle = chunks.count / 2
        let cut = Int(chunks[middle + 1].chunkStartOffset + chunks[middle + 1].chunkLength) + 5   // inside its MessageIndex records
        var damaged = Array(sample.bytes[..<cut])
        Self.damage(&damaged, chunks[middle], .flippedRecords)
        let lost = try Self.messages(in: chunks[middle], of: sample.bytes)
        var kept: [MCAPMessage] = []
        for k in 0...(middle + 1) where k != middle { kept += try Self.messages(in: chunks[k], of: sample.bytes) }

        let output = InMemoryOutput()
        let report = try MCAPRecovery.rebuild(reading: damaged, into: output)
        #expect(try MCAPReader(output.bytes).readAllMessages().plainMessages == kept)
        #expect(report.stopReason?.code == .truncated)
        #expect(report.chunksSkipped == 1)
        #expect(report.messagesSkipped == UInt64(lost.count))
        #expect(report.readLength <= UInt64(cut))
        #expect(!report.wasFinalised)
        try readStrictly(output.bytes)
    }

    @Test func twoDamagedChunksAreBothCounted() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(chunkSize: 400, compression: .zstd(level: 3)), count: 60)
        let chunks = try #require(try MCAPReader(sample.bytes).readSummary()?.chunkIndexes)
        var damaged = sample.bytes
        Self.damage(&damaged, chunks[1], .brokenCRC)
        Self.damage(&damaged, chunks[3], .hugeLength)
        let lost = try Self.messages(in: chunks[1], of: sample.bytes) + Self.messages(in: chunks[3], of: sample.bytes)
        let output = InMemoryOutput()
        let report = try MCAPRecovery.rebuild(reading: damaged, into: output)
        #expect(try MCAPReader(output.bytes).readAllMessages().plainMessages == sample.messages.filter { !lost.contains($0) })
        #expect(report.skippedRegions.map(\.offset) == [chunks[1].chunkStartOffset, chunks[3].chunkStartOffset])
        #expect(report.chunksSkipped == 2)
        #expect(report.bytesSkipped == chunks[1].chunkLength + chunks[3].chunkLength)
        #expect(report.messagesSkipped == UInt64(lost.count))
        #expect(report.skippedSummary == "skipped 2 damaged chunk(s) in 2 damaged region(s): "
                + "\(chunks[1].chunkLength + chunks[3].chunkLength) byte(s), \(lost.count) message(s) lost")
    }

    /// A hole of zeros over a chunk and its first MessageIndex: the chunk is still found (MessageIndex
    /// records follow the hole, and only a chunk has them), but how many messages it held is not known.
    @Test func aHoleOverAChunkAndPartOfItsIndexLeavesTheCountUnknown() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(chunkSize: 400), count: 60)
        let summary = try #require(try MCAPReader(sample.bytes).readSummary())
        let chunk = summary.chunkIndexes[2]
        #expect(chunk.messageIndexOffsets.count >= 2)
        let firstIndexEnd = try #require(chunk.messageIndexOffsets.values.sorted().dropFirst().first)
        var damaged = sample.bytes
        for k in Int(chunk.chunkStartOffset)..<Int(firstIndexEnd) { damaged[k] = 0 }
        let lost = try Self.messages(in: chunk, of: sample.bytes)
        let output = InMemoryOutput()
        let report = try MCAPRecovery.rebuild(reading: damaged, into: output)
        #expect(try MCAPReader(output.bytes).readAllMessages().plainMessages == sample.messages.filter { !lost.contains($0) })
        #expect(report.skippedRegions.count == 1)
        #expect(report.chunksSkipped == 1)
        #expect(report.bytesSkipped == firstIndexEnd - chunk.chunkStartOffset)
        #expect(report.messagesSkipped == nil)
        #expect(report.skippedSummary.hasSuffix("an unknown number of messages lost"))
    }

    /// Damage to a record outside chunks (a Metadata record) loses that record alone.
    @Test func aDamagedMetadataRecordIsSkipped() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(chunkSize: 400), count: 60)
        let index = try #require(try MCAPReader(sample.bytes).readSummary()?.metadataIndexes.first)
        var damaged = sample.bytes
        damaged[Int(index.offset) + 9] = 0xFF   // the name's length: now far beyond the record
        let output = InMemoryOutput()
        let report = try MCAPRecovery.rebuild(reading: damaged, into: output)
        #expect(try MCAPReader(output.bytes).readAllMessages().plainMessages == sample.messages)
        #expect(report.metadataRecovered == 0)
        #expect(report.skippedRegions.map(\.offset) == [index.offset])
        #expect(report.bytesSkipped == index.length)
        #expect(report.chunksSkipped == 0)
        #expect(report.messagesSkipped == 0)
    }

    /// Unchunked files resume at the next bare record: one damaged Message costs that message only.
    @Test func aDamagedBareMessageIsSkipped() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(useChunks: false, computeDataSectionCRC: false), count: 30, extras: false)
        var records = MCAPReader(sample.bytes).records()
        var offsets: [UInt64] = []
        while let record = try records.next() {
            if case .message = record { offsets.append(records.recordOffset) }
        }
        var damaged = sample.bytes
        damaged[Int(offsets[10]) + 1 + 7] = 0x40   // the record length's top byte: past the end of the file
        let output = InMemoryOutput()
        let report = try MCAPRecovery.rebuild(reading: damaged, into: output)
        #expect(try MCAPReader(output.bytes).readAllMessages().plainMessages == sample.messages.enumerated().filter { $0.offset != 10 }.map(\.element))
        #expect(report.skippedRegions.map(\.offset) == [offsets[10]])
        #expect(report.bytesSkipped == offsets[11] - offsets[10])
        #expect(report.chunksSkipped == 0)
        #expect(report.messagesSkipped == nil)   // the length was broken: how much the stretch held is not known
    }

    /// Seeded random damage (bytes flipped, stretches zeroed, a stretch cut out) anywhere after the
    /// Header: recovery never fails and never invents anything. Every message it keeps is one of the
    /// originals, in the original order, and the rebuilt file reads strictly, CRCs and all.
    @Test(arguments: layouts)
    func randomDamageNeverInventsMessages(layout: (String, MCAPWriterOptions)) throws {
        let sample = try SampleRecording(options: layout.1, count: 90)
        var rng = SeededGenerator(state: 20261207)
        let headerEnd = 8 + 9 + 4 + Int(layout.1.profile.utf8.count) + 4 + layout.1.library.utf8.count
        var skippedSomething = 0
        for round in 0..<300 {
            var damaged = sample.bytes
            for _ in 0..<(1 + rng.next() % 3) {
                let at = headerEnd + Int(rng.next() % UInt64(damaged.count - headerEnd))
                switch rng.next() % 3 {
                case 0: damaged[at] ^= UInt8(1 + rng.next() % 255)
                case 1: for k in at..<min(damaged.count, at + 1 + Int(rng.next() % 300)) { damaged[k] = 0 }
                default: damaged.removeSubrange(at..<min(damaged.count, at + 1 + Int(rng.next() % 300)))
                }
            }
            let output = InMemoryOutput()
            let report = try MCAPRecovery.rebuild(reading: damaged, into: output)
            let kept = try MCAPReader(output.bytes).readAllMessages().plainMessages
            #expect(report.messagesRecovered == UInt64(kept.count), "round \(round)")
            // An order-preserving subsequence of the originals.
            var next = sample.messages.makeIterator()
            for message in kept {
                var found = false
                while let original = next.next() { if original == message { found = true; break } }
                #expect(found, "round \(round): a recovered message that was never written, or out of order")
            }
            try readStrictly(output.bytes)
            if !report.skippedRegions.isEmpty { skippedSomething += 1 }
        }
        #expect(skippedSomething > 100)   // the damage mostly lands in chunks, and is skipped rather than stopping
    }
}
