// MCAPRecordIterator: the records of a file from the start, descending into chunks, stopping cleanly at damage.

/// Yields the records of a file in order: Header, data section (the records inside each chunk in
/// place of the chunk, unless asked otherwise), DataEnd, the summary, the Footer.
///
/// Checks made on the way: the leading magic; a Header first; every record fits in the file; each
/// chunk decompresses to its declared size and matches its `uncompressed_crc`; the DataEnd's
/// `data_section_crc`; each Attachment's `crc`; the trailing magic after the Footer. CRCs are only
/// checked when non-zero and ``MCAPReaderOptions/validateCRCs`` is set.
///
/// A chunk is all or nothing: it is decompressed and parsed whole before its first record is
/// yielded, so a damaged chunk yields none.
///
/// At the first problem a strict reader throws an ``MCAPError`` whose `offset` is where the
/// damaged or cut record starts; a lenient one returns `nil` and keeps the error in ``stopReason``.
/// Either way ``offset`` is then the end of the last complete record: the valid prefix.
public struct MCAPRecordIterator {
    /// The reader iterated.
    public let reader: MCAPReader
    /// Whether chunks are opened (`true`) or yielded as Chunk records (`false`).
    public let descendIntoChunks: Bool

    /// The file offset of the next top-level record: after a stop, the length of the valid prefix.
    public private(set) var offset: UInt64 = 0
    /// The file offset of the top-level record the last yielded record came from (the chunk's
    /// offset for a record inside a chunk).
    public private(set) var recordOffset: UInt64 = 0
    /// For a record yielded from inside a chunk, its offset in the chunk's decompressed records
    /// (the offset a MessageIndex entry holds); `nil` for a top-level record.
    public private(set) var offsetInChunk: UInt64?
    /// Why a lenient iteration stopped before the Footer: truncation, damage or a CRC mismatch.
    /// `nil` while iterating and after a clean end at the Footer.
    public private(set) var stopReason: MCAPError?
    /// Whether the iteration has ended (at the Footer, or at a problem).
    public private(set) var isFinished = false
    /// Whether the DataEnd record has been read (the records since belong to the summary).
    public private(set) var hasReachedDataEnd = false
    /// Chunks read whole so far.
    public private(set) var chunksRead = 0

    private var pending: [(offset: UInt64, record: MCAPRecord)] = []
    private var pendingIndex = 0
    private var pendingChunkOffset: UInt64 = 0
    private let decompressor = MCAPChunkDecompressor()

    init(reader: MCAPReader, descendIntoChunks: Bool) {
        self.reader = reader
        self.descendIntoChunks = descendIntoChunks
    }

    /// The next record, or `nil` at the end (after the Footer, or after a problem in lenient mode).
    /// - Throws: in strict mode, the first problem, as ``MCAPError`` (truncated, malformed record,
    ///   CRC mismatch, bad magic, decompression failure).
    public mutating func next() throws(MCAPError) -> MCAPRecord? {
        while true {
            if pendingIndex < pending.count {
                let entry = pending[pendingIndex]
                pendingIndex += 1
                if pendingIndex == pending.count {
                    pending.removeAll(keepingCapacity: true)
                    pendingIndex = 0
                }
                recordOffset = pendingChunkOffset
                offsetInChunk = entry.offset
                return entry.record
            }
            if isFinished { return nil }
            do throws(MCAPError) {
                if let record = try step() { return record }
            } catch {
                isFinished = true
                if reader.options.lenient {
                    stopReason = error
                    return nil
                }
                throw error
            }
        }
    }

    /// Reads one top-level record. Returns `nil` after opening a chunk into `pending` or at the end.
    private mutating func step() throws(MCAPError) -> MCAPRecord? {
        let options = reader.options
        return try reader.source.withBytes { (bytes) throws(MCAPError) -> MCAPRecord? in
            if offset == 0 {
                guard bytes.count >= MCAPMagic.count else {
                    if bytes.elementsEqual(MCAPMagic.bytes.prefix(bytes.count)) {
                        throw .truncated(
                            "the file is \(bytes.count) byte(s), shorter than the 8-byte magic: the writer stopped before the Header",
                            at: 0)
                    }
                    throw MCAPError(code: .invalidMagic, message: "not an MCAP file: the first bytes are not the MCAP magic", offset: 0)
                }
                guard MCAPMagic.matches(bytes, at: 0) else {
                    throw MCAPError(code: .invalidMagic, message: "not an MCAP file: the first 8 bytes are not the MCAP magic", offset: 0)
                }
                offset = UInt64(MCAPMagic.count)
            }
            let position = Int(offset)
            if position == bytes.count {
                throw .truncated(
                    hasReachedDataEnd
                        ? "the file ends at offset \(position) inside the summary section, without a Footer"
                        : "the file ends at offset \(position) after a complete record, without DataEnd and Footer: it was not finalised",
                    at: offset)
            }
            let (record, end) = try MCAPReader.topLevelRecord(in: bytes, at: position, limit: bytes.count)
            if position == MCAPMagic.count, record.opcode != MCAPOpcode.header.rawValue {
                throw .malformed("the first record, at offset \(position), is \(MCAPOpcode.name(record.opcode)), not a Header", at: offset)
            }
            switch record {
            case .dataEnd(let dataEnd):
                if options.validateCRCs && dataEnd.dataSectionCRC != 0 {
                    let computed = MCAPCRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<position]))
                    if computed != dataEnd.dataSectionCRC {
                        throw MCAPError(
                            code: .crcMismatch,
                            message: "DataEnd at offset \(position): data_section_crc is 0x\(String(dataEnd.dataSectionCRC, radix: 16)) "
                                + "but bytes 0..<\(position) have CRC 0x\(String(computed, radix: 16))",
                            offset: offset)
                    }
                }
                hasReachedDataEnd = true
            case .footer:
                guard bytes.count - end >= MCAPMagic.count else {
                    throw .truncated("the Footer at offset \(position) is not followed by the 8 closing magic bytes", at: offset)
                }
                guard MCAPMagic.matches(bytes, at: end) else {
                    throw MCAPError(
                        code: .invalidMagic, message: "the Footer at offset \(position) is followed by bytes that are not the MCAP magic",
                        offset: UInt64(end))
                }
                isFinished = true
            case .attachment(let attachment):
                if options.validateCRCs { try MCAPReader.checkAttachmentCRC(attachment, in: bytes, at: position) }
            case .chunk(let chunk):
                if descendIntoChunks {
                    let data = try chunk.decompressedRecords(
                        using: decompressor, validatingCRC: options.validateCRCs, fileOffset: offset, sizeLimit: options.sizeLimit)
                    pending = try MCAPChunk.parseRecords(data, chunkOffset: offset)
                    pendingIndex = 0
                    pendingChunkOffset = offset
                    offset = UInt64(end)
                    chunksRead += 1
                    return nil
                }
                chunksRead += 1
            default:
                break
            }
            recordOffset = offset
            offsetInChunk = nil
            offset = UInt64(end)
            return record
        }
    }
}
