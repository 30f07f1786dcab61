// MCAPReader: streaming, summary-based and message-level access to the bytes of an MCAP file.

/// How an ``MCAPReader`` treats damage and sizes.
public struct MCAPReaderOptions: Hashable, Sendable {
    /// The default ``sizeLimit``: 4 GiB, as the Python reference reader.
    public static let defaultSizeLimit: UInt64 = 4 << 30

    /// Whether to check the CRCs that are present (non-zero): chunk `uncompressed_crc`, DataEnd
    /// `data_section_crc`, Footer `summary_crc` and Attachment `crc`.
    public var validateCRCs: Bool
    /// `false` (strict): the first problem is thrown. `true` (lenient, for recovery): iteration ends
    /// quietly at the first problem, every complete record before it has been yielded, and the
    /// iterator's `stopReason` says where and why it stopped.
    public var lenient: Bool
    /// The largest chunk (uncompressed) the reader will allocate for.
    public var sizeLimit: UInt64
    /// With ``lenient``: a damaged record in the data section (a chunk that fails its CRC or does not
    /// decompress, a record whose length or fields are broken) is passed over instead of ending the
    /// iteration. The iterator looks for the next intact record (first where the damaged record's
    /// declared length ends, then byte by byte), carries on from there, and lists what it passed over
    /// in its `skippedRegions`. Only a cut at the end (nothing intact after it) still ends the iteration.
    public var skipsDamage: Bool

    /// Creates options: CRCs checked, strict, 4 GiB limit by default; `skipsDamage` only has an
    /// effect together with `lenient`.
    public init(validateCRCs: Bool = true, lenient: Bool = false, sizeLimit: UInt64 = MCAPReaderOptions.defaultSizeLimit,
                skipsDamage: Bool = false) {
        self.validateCRCs = validateCRCs
        self.lenient = lenient
        self.sizeLimit = sizeLimit
        self.skipsDamage = skipsDamage
    }
}

/// Reads an MCAP file whose bytes the caller holds (read into an array, or mapped).
///
/// Three ways in:
/// - ``records()``: every record from the start, descending into chunks (decompressed, CRC-checked),
///   through DataEnd, the summary and the Footer. Works on unfinished and truncated files.
/// - ``readSummary()`` and the `read...(_:)` methods that follow its indexes: the Footer, then the
///   summary's schemas, channels, chunk indexes, statistics and metadata indexes, then any one chunk
///   or record by offset. Needs a finalised file.
/// - ``messages(order:)``: messages with their channel and schema, in file order or log-time order.
///
/// The reader is a value and holds no state between calls; the iterators it returns hold their own.
public struct MCAPReader: Sendable {
    /// The file's bytes.
    public let source: any MCAPByteSource
    /// How damage is treated.
    public let options: MCAPReaderOptions

    /// Creates a reader over `source`.
    public init(source: any MCAPByteSource, options: MCAPReaderOptions = MCAPReaderOptions()) {
        self.source = source
        self.options = options
    }

    /// Creates a reader over the bytes of a file.
    public init(_ bytes: [UInt8], options: MCAPReaderOptions = MCAPReaderOptions()) {
        self.init(source: bytes, options: options)
    }

    /// The number of bytes.
    public var byteCount: Int { source.withUnsafeBytes { $0.count } }

    /// An iterator over every record from the start of the file.
    /// - Parameter descendIntoChunks: `true` (the default) yields the Schema, Channel and Message
    ///   records inside each chunk in place of the chunk; `false` yields Chunk records as they are.
    public func records(descendIntoChunks: Bool = true) -> MCAPRecordIterator {
        MCAPRecordIterator(reader: self, descendIntoChunks: descendIntoChunks)
    }

    // MARK: Summary access

    /// The Footer of a finalised file (the record before the trailing magic).
    /// - Throws: ``MCAPError/Code/invalidMagic`` when the leading magic is wrong;
    ///   ``MCAPError/Code/notFinalised`` when there is no Footer and trailing magic.
    public func readFooter() throws(MCAPError) -> MCAPFooter {
        try source.withBytes { (bytes) throws(MCAPError) -> MCAPFooter in
            switch MCAPFileStatus.check(bytes) {
            case .finalised(let footer): return footer
            case .notMCAP:
                throw MCAPError(code: .invalidMagic, message: "not an MCAP file: the leading magic bytes are missing or wrong", offset: 0)
            case .unfinalised:
                throw MCAPError(
                    code: .notFinalised,
                    message: "the file (\(bytes.count) bytes) does not end with a Footer and the magic: it was never finalised; "
                        + "read it with lenient records() or rebuild it with MCAPRecovery",
                    offset: UInt64(bytes.count))
            }
        }
    }

    /// The summary section, or `nil` when the Footer says there is none (`summary_start` 0).
    ///
    /// The summary CRC is checked when present and ``MCAPReaderOptions/validateCRCs`` is set.
    /// - Throws: as ``readFooter()``; ``MCAPError/Code/crcMismatch``; ``MCAPError/Code/malformedRecord``
    ///   when a summary record is damaged or does not belong in the summary.
    public func readSummary() throws(MCAPError) -> MCAPSummary? {
        let footer = try readFooter()
        return try source.withBytes { (bytes) throws(MCAPError) -> MCAPSummary? in
            let footerOffset = bytes.count - MCAPMagic.count - MCAPFooter.recordSize
            let crcEnd = footerOffset + 1 + 8 + 8 + 8
            if footer.summaryStart == 0 {
                if options.validateCRCs && footer.summaryCRC != 0 {
                    try checkSummaryCRC(bytes, from: footerOffset, to: crcEnd, expected: footer.summaryCRC)
                }
                return nil
            }
            guard footer.summaryStart >= UInt64(MCAPMagic.count), footer.summaryStart <= UInt64(footerOffset) else {
                throw .malformed(
                    "Footer at offset \(footerOffset): summary_start \(footer.summaryStart) lies outside the file's records",
                    at: UInt64(footerOffset))
            }
            let start = Int(footer.summaryStart)
            if options.validateCRCs && footer.summaryCRC != 0 {
                try checkSummaryCRC(bytes, from: start, to: crcEnd, expected: footer.summaryCRC)
            }
            var summary = MCAPSummary(footer: footer)
            var position = start
            while position < footerOffset {
                let (record, end) = try Self.topLevelRecord(in: bytes, at: position, limit: footerOffset)
                switch record {
                case .schema(let s): summary.schemas[s.id] = s
                case .channel(let c): summary.channels[c.id] = c
                case .statistics(let s): summary.statistics = s
                case .chunkIndex(let c): summary.chunkIndexes.append(c)
                case .attachmentIndex(let a): summary.attachmentIndexes.append(a)
                case .metadataIndex(let m): summary.metadataIndexes.append(m)
                case .summaryOffset(let s): summary.summaryOffsets.append(s)
                case .unknown: break
                default:
                    throw .malformed(
                        "\(MCAPOpcode.name(record.opcode)) record at offset \(position) does not belong in the summary section",
                        at: UInt64(position))
                }
                position = end
            }
            return summary
        }
    }

    private func checkSummaryCRC(_ bytes: UnsafeRawBufferPointer, from: Int, to: Int, expected: UInt32) throws(MCAPError) {
        let computed = MCAPCRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[from..<to]))
        guard computed == expected else {
            throw MCAPError(
                code: .crcMismatch,
                message: "summary CRC mismatch: the Footer says 0x\(String(expected, radix: 16)), bytes \(from)..<\(to) have "
                    + "0x\(String(computed, radix: 16))",
                offset: UInt64(from))
        }
    }

    /// The record that starts at `offset` (a top-level record: Chunk, MessageIndex, Metadata, ...).
    /// - Throws: ``MCAPError/Code/truncated`` or ``MCAPError/Code/malformedRecord``.
    public func record(at offset: UInt64) throws(MCAPError) -> MCAPRecord {
        try source.withBytes { (bytes) throws(MCAPError) -> MCAPRecord in
            guard offset <= UInt64(bytes.count) else {
                throw .truncated("offset \(offset) is past the end of the file (\(bytes.count) bytes)", at: offset)
            }
            return try Self.topLevelRecord(in: bytes, at: Int(offset), limit: bytes.count).record
        }
    }

    /// The Chunk that `index` points at.
    /// - Throws: ``MCAPError/Code/malformedRecord`` when no Chunk of the indexed length is there.
    public func readChunk(_ index: MCAPChunkIndex) throws(MCAPError) -> MCAPChunk {
        let record = try record(at: index.chunkStartOffset)
        guard case .chunk(let chunk) = record else {
            throw .malformed(
                "ChunkIndex points at offset \(index.chunkStartOffset), which holds a \(MCAPOpcode.name(record.opcode)) record, not a Chunk",
                at: index.chunkStartOffset)
        }
        return chunk
    }

    /// The Schema, Channel and Message records of the chunk `index` points at, with their offsets in
    /// the decompressed records. The chunk CRC is checked per ``MCAPReaderOptions/validateCRCs``.
    public func readChunkRecords(_ index: MCAPChunkIndex) throws(MCAPError) -> [(offset: UInt64, record: MCAPRecord)] {
        try readChunkRecords(index, using: MCAPChunkDecompressor())
    }

    func readChunkRecords(
        _ index: MCAPChunkIndex, using decompressor: MCAPChunkDecompressor
    ) throws(MCAPError) -> [(offset: UInt64, record: MCAPRecord)] {
        let data = try readChunk(index).decompressedRecords(
            using: decompressor, validatingCRC: options.validateCRCs, fileOffset: index.chunkStartOffset, sizeLimit: options.sizeLimit)
        return try MCAPChunk.parseRecords(data, chunkOffset: index.chunkStartOffset)
    }

    /// The MessageIndex records that `index` points at, one per channel in the chunk.
    public func readMessageIndexes(_ index: MCAPChunkIndex) throws(MCAPError) -> [MCAPMessageIndex] {
        var result: [MCAPMessageIndex] = []
        for (channelID, offset) in index.messageIndexOffsets.sorted(by: { $0.value < $1.value }) {
            let record = try record(at: offset)
            guard case .messageIndex(let messageIndex) = record, messageIndex.channelID == channelID else {
                throw .malformed(
                    "ChunkIndex says the MessageIndex of channel \(channelID) is at offset \(offset), but a "
                        + "\(MCAPOpcode.name(record.opcode)) record for another channel is there",
                    at: offset)
            }
            result.append(messageIndex)
        }
        return result
    }

    /// The Metadata record that `index` points at.
    public func readMetadata(_ index: MCAPMetadataIndex) throws(MCAPError) -> MCAPMetadata {
        let record = try record(at: index.offset)
        guard case .metadata(let metadata) = record else {
            throw .malformed("MetadataIndex points at offset \(index.offset), which holds no Metadata record", at: index.offset)
        }
        return metadata
    }

    /// The Attachment record that `index` points at, its CRC checked per ``MCAPReaderOptions/validateCRCs``.
    public func readAttachment(_ index: MCAPAttachmentIndex) throws(MCAPError) -> MCAPAttachment {
        try source.withBytes { (bytes) throws(MCAPError) -> MCAPAttachment in
            guard index.offset <= UInt64(bytes.count) else {
                throw .truncated("AttachmentIndex offset \(index.offset) is past the end of the file", at: index.offset)
            }
            let (record, _) = try Self.topLevelRecord(in: bytes, at: Int(index.offset), limit: bytes.count)
            guard case .attachment(let attachment) = record else {
                throw .malformed("AttachmentIndex points at offset \(index.offset), which holds no Attachment record", at: index.offset)
            }
            if options.validateCRCs { try Self.checkAttachmentCRC(attachment, in: bytes, at: Int(index.offset)) }
            return attachment
        }
    }

    // MARK: Messages

    /// The messages of the file, with their channels and schemas.
    ///
    /// - ``MCAPMessageOrder/file``: streams the data section from the start (chunked or not; works on
    ///   unfinished files, lenient or strict as the options say).
    /// - ``MCAPMessageOrder/logTime``: with a summary that has chunk indexes, merges the chunks by
    ///   `log_time`, opening each only when needed; otherwise reads in file order and sorts. Equal
    ///   times keep file order.
    /// - Throws: ``MCAPError`` when the summary is unreadable (strict mode) or, for the sorting
    ///   fallback, when reading fails (strict mode).
    public func messages(order: MCAPMessageOrder = .file) throws(MCAPError) -> MCAPMessageIterator {
        try MCAPMessageIterator(reader: self, order: order)
    }

    /// All messages, as ``messages(order:)`` yields them.
    public func readAllMessages(order: MCAPMessageOrder = .file) throws(MCAPError) -> [MCAPChannelMessage] {
        var iterator = try messages(order: order)
        var result: [MCAPChannelMessage] = []
        while let message = try iterator.next() { result.append(message) }
        return result
    }

    // MARK: Internals

    /// Decodes the top-level record at `position`, which must end by `limit`.
    static func topLevelRecord(
        in bytes: UnsafeRawBufferPointer, at position: Int, limit: Int
    ) throws(MCAPError) -> (record: MCAPRecord, end: Int) {
        let offset = UInt64(position)
        guard limit - position >= 9 else {
            throw .truncated(
                "record header at offset \(position) is cut short: 9 bytes needed, \(max(0, limit - position)) remain", at: offset)
        }
        let opcode = bytes[position]
        let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position + 1, as: UInt64.self))
        let available = UInt64(limit - position - 9)
        guard length <= available else {
            throw .truncated(
                "\(MCAPOpcode.name(opcode)) record at offset \(position) declares \(length) content bytes but only \(available) remain",
                at: offset)
        }
        let end = position + 9 + Int(length)
        let content = UnsafeRawBufferPointer(rebasing: bytes[(position + 9)..<end])
        let record = try MCAPRecord.decode(opcode: opcode, content: content, fileOffset: offset, location: "at offset \(position)")
        return (record, end)
    }

    static func checkAttachmentCRC(_ attachment: MCAPAttachment, in bytes: UnsafeRawBufferPointer, at position: Int) throws(MCAPError) {
        guard attachment.crc != 0 else { return }
        // The CRC covers the fields before it: log_time, create_time, name, media_type and data.
        let covered = 8 + 8 + 4 + attachment.name.utf8.count + 4 + attachment.mediaType.utf8.count + 8 + attachment.data.count
        let computed = MCAPCRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[(position + 9)..<(position + 9 + covered)]))
        guard computed == attachment.crc else {
            throw MCAPError(
                code: .crcMismatch,
                message: "Attachment \"\(attachment.name)\" at offset \(position): crc is 0x\(String(attachment.crc, radix: 16)) "
                    + "but its fields have CRC 0x\(String(computed, radix: 16))",
                offset: UInt64(position))
        }
    }
}
