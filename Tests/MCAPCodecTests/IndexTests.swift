// The writer's offsets: ChunkIndex, MessageIndex, MetadataIndex, SummaryOffset and Footer point where they say.
import Foundation
import MCAPCodec
import Testing

@Suite struct IndexTests {
    @Test(arguments: [MCAPCompression.none, .zstd(level: 3), .lz4])
    func chunkAndMessageIndexesPointAtTheirRecords(compression: MCAPCompression) throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(chunkSize: 700, compression: compression), count: 120)
        let reader = MCAPReader(sample.bytes)
        let summary = try #require(try reader.readSummary())
        #expect(summary.chunkIndexes.count > 3)
        var seen: [MCAPMessage] = []
        for index in summary.chunkIndexes {
            // The Chunk record sits at chunk_start_offset and is chunk_length long.
            let chunk = try reader.readChunk(index)
            #expect(UInt64(MCAPRecord.chunk(chunk).serialized().count) == index.chunkLength)
            #expect(chunk.compression == compression.name)
            #expect(UInt64(chunk.records.count) == index.compressedSize)
            #expect(chunk.uncompressedSize == index.uncompressedSize)
            #expect(chunk.messageStartTime == index.messageStartTime)
            #expect(chunk.messageEndTime == index.messageEndTime)
            #expect(chunk.uncompressedCRC != 0)

            // The MessageIndex records follow the chunk directly, one per channel in it.
            let messageIndexes = try reader.readMessageIndexes(index)
            let firstIndexOffset = try #require(index.messageIndexOffsets.values.min())
            #expect(firstIndexOffset == index.chunkStartOffset + index.chunkLength)
            let indexBytes = messageIndexes.reduce(0) { $0 + MCAPRecord.messageIndex($1).serialized().count }
            #expect(UInt64(indexBytes) == index.messageIndexLength)

            // Each entry points at a Message of that channel with that log time.
            let records = try reader.readChunkRecords(index)
            let byOffset = Dictionary(uniqueKeysWithValues: records.map { ($0.offset, $0.record) })
            var messagesInChunk: [MCAPMessage] = []
            for case let (_, .message(message)) in records { messagesInChunk.append(message) }
            #expect(Set(messageIndexes.map(\.channelID)) == Set(messagesInChunk.map(\.channelID)))
            for messageIndex in messageIndexes {
                #expect(messageIndex.records.count == messagesInChunk.filter { $0.channelID == messageIndex.channelID }.count)
                for entry in messageIndex.records {
                    guard case .message(let message)? = byOffset[entry.offset] else {
                        Issue.record("entry offset \(entry.offset) is not a Message")
                        continue
                    }
                    #expect(message.channelID == messageIndex.channelID)
                    #expect(message.logTime == entry.logTime)
                }
            }
            #expect(index.messageStartTime == messagesInChunk.map(\.logTime).min())
            #expect(index.messageEndTime == messagesInChunk.map(\.logTime).max())
            seen += messagesInChunk
        }
        #expect(seen == sample.messages)
    }

    /// ChunkIndex records moved to a scratch file (a threshold of a few records, so most of them are)
    /// come back into the summary exactly: the same bytes as a writer that kept them in memory, with
    /// and without write-behind; and the scratch file leaves nothing behind in its folder.
    @Test(arguments: [false, true])
    func spilledChunkIndexesGiveTheSameFile(writeBehind: Bool) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("haechi-spill-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let kept = try SampleRecording(options: MCAPWriterOptions(chunkSize: 300, writeBehind: writeBehind), count: 240)
        let spilled = try SampleRecording(
            options: MCAPWriterOptions(chunkSize: 300, writeBehind: writeBehind, summarySpillDirectory: folder.path, summarySpillThreshold: 200),
            count: 240)
        let summary = try #require(try MCAPReader(spilled.bytes).readSummary())
        #expect(summary.chunkIndexes.count > 20)
        #expect(spilled.bytes == kept.bytes)
        #expect(try MCAPReader(spilled.bytes).readAllMessages().map(\.data).sorted { $0.lexicographicallyPrecedes($1) }
                == spilled.messages.map(\.data).sorted { $0.lexicographicallyPrecedes($1) })
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).isEmpty)
        // The records did go through the scratch file: where it cannot be made, the writer says so.
        #expect(throws: MCAPError.self) {
            try SampleRecording(options: MCAPWriterOptions(chunkSize: 300, writeBehind: writeBehind,
                                                           summarySpillDirectory: folder.appendingPathComponent("missing").path,
                                                           summarySpillThreshold: 200), count: 240)
        }
    }

    @Test func summaryOffsetsAndFooterPointAtTheirGroups() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(chunkSize: 700), count: 60)
        let reader = MCAPReader(sample.bytes)
        let summary = try #require(try reader.readSummary())
        let footer = summary.footer
        #expect(footer.summaryCRC != 0)
        #expect(footer.summaryOffsetStart > footer.summaryStart)
        // DataEnd ends where the summary starts.
        var records = reader.records()
        var dataEndEnd: UInt64?
        while let record = try records.next() {
            if case .dataEnd = record { dataEndEnd = records.offset }
        }
        #expect(dataEndEnd == footer.summaryStart)

        let opcodes = summary.summaryOffsets.map(\.groupOpcode)
        #expect(opcodes == [0x03, 0x04, 0x0B, 0x08, 0x0A, 0x0D])
        #expect(summary.summaryOffsets.first?.groupStart == footer.summaryStart)
        for group in summary.summaryOffsets {
            var position = group.groupStart
            while position < group.groupStart + group.groupLength {
                let record = try reader.record(at: position)
                #expect(record.opcode == group.groupOpcode)
                position += UInt64(record.serialized().count)
            }
            #expect(position == group.groupStart + group.groupLength)
        }
        let last = try #require(summary.summaryOffsets.last)
        #expect(last.groupStart + last.groupLength == footer.summaryOffsetStart)
        #expect(try reader.record(at: footer.summaryOffsetStart).opcode == 0x0E)
    }

    @Test func fileStatusReadsTheFooterFromTheTail() throws {
        let sample = try SampleRecording(options: MCAPWriterOptions(), count: 9)
        guard case .finalised(let footer) = MCAPFileStatus.check(sample.bytes) else {
            Issue.record("not finalised")
            return
        }
        #expect(footer == (try MCAPReader(sample.bytes).readFooter()))
        #expect(MCAPFileStatus.check(Array(sample.bytes.dropLast())) == .unfinalised)
        #expect(MCAPFileStatus.check([]) == .unfinalised)
        #expect(MCAPFileStatus.check([0x89, 0x4D]) == .unfinalised)
        #expect(MCAPFileStatus.check(Array("PK\u{3}\u{4}zipfile".utf8)) == .notMCAP)
    }
}
