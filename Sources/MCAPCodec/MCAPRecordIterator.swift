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
///
/// With ``MCAPReaderOptions/skipsDamage`` (and `lenient`), damage in the data section does not end
/// the iteration: the iterator resumes at the next intact record and lists the stretch it passed over
/// in ``skippedRegions`` (see ``MCAPSkippedRegion``). The next intact record is the one where the
/// damaged record's declared length ends, if an intact record starts there, else the first offset
/// after the damage where one starts. "Intact" is judged strictly, so that the bytes of the damaged
/// record itself are not mistaken for records: the record decodes and re-encodes to exactly its
/// length; a Chunk also decompresses and splits into records (and, when it has a CRC, matches it),
/// an Attachment with a CRC matches it; and a record without a CRC to check must be followed by
/// another record that decodes (or by the end of the file, or by a record the end of the file cuts
/// short). A resumption point is a Chunk, MessageIndex, Attachment, Metadata or DataEnd record, and
/// also a Schema, Channel or Message one while no chunk has been seen (in a chunked file those
/// exist only inside chunks, where a damaged chunk's own records would pass for them). Only the data
/// section is skipped through: the DataEnd's `data_section_crc`, which cannot match once damage was
/// passed over, is then not checked, and damage after DataEnd ends the iteration as before.
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
    /// The damaged stretches passed over, in file order (only with ``MCAPReaderOptions/skipsDamage``).
    public private(set) var skippedRegions: [MCAPSkippedRegion] = []
    /// The region that the MessageIndex records now being read follow (by index into
    /// ``skippedRegions``), and whether their entries are its messages.
    private var indexedRegion: (index: Int, counts: Bool)?
    /// Whether the error being thrown leaves nothing to skip to (the magic, the end of the data
    /// section, the summary).
    private var damageIsFinal = false

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
                if let record = try step() {
                    attribute(record)
                    return record
                }
            } catch {
                if reader.options.lenient && reader.options.skipsDamage && !damageIsFinal && skipDamage(error) { continue }
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
        damageIsFinal = true
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
            damageIsFinal = hasReachedDataEnd
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
                // Once damage was passed over, the data section's CRC cannot match: the damage is known.
                if options.validateCRCs && dataEnd.dataSectionCRC != 0 && skippedRegions.isEmpty {
                    // In windows, telling the source as each is done: a mapped file of any size is
                    // then checked in a window of memory.
                    var computed: UInt32 = 0
                    var start = 0
                    while start < position {
                        let end = min(position, start + (8 << 20))
                        computed = MCAPCRC32.checksum(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), seed: computed)
                        reader.source.passed(end)
                        start = end
                    }
                    if computed != dataEnd.dataSectionCRC {
                        damageIsFinal = true
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
                // A length field that overshoots the chunk's own records into the next record would
                // swallow that record: when skipping damage, that is damage too.
                if options.lenient && options.skipsDamage, let recordsEnd = Self.chunkRecordsEnd(in: bytes, at: position),
                   recordsEnd < end,
                   Self.isIntactRecord(in: bytes, at: recordsEnd, allowBareRecords: false, options: options, decompressor: decompressor) {
                    throw .malformed(
                        "Chunk at offset \(position): its length says it ends at offset \(end), but its records end at offset "
                            + "\(recordsEnd), where another record starts: its length is broken",
                        at: offset)
                }
                if descendIntoChunks {
                    let data = try chunk.decompressedRecords(
                        using: decompressor, validatingCRC: options.validateCRCs, fileOffset: offset, sizeLimit: options.sizeLimit)
                    pending = try MCAPChunk.parseRecords(data, chunkOffset: offset)
                    pendingIndex = 0
                    pendingChunkOffset = offset
                    offset = UInt64(end)
                    chunksRead += 1
                    indexedRegion = nil
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

extension MCAPRecordIterator {
    /// Notes the MessageIndex records right after a skipped region: they only ever follow a chunk, so
    /// the region held one, and (when the region is exactly that chunk) their entries are its messages.
    /// Any other record ends that run.
    private mutating func attribute(_ record: MCAPRecord) {
        guard offsetInChunk == nil, let indexed = indexedRegion else { return }
        if case .messageIndex(let messageIndex) = record {
            skippedRegions[indexed.index].chunks = max(skippedRegions[indexed.index].chunks, 1)
            if indexed.counts {
                skippedRegions[indexed.index].messages = (skippedRegions[indexed.index].messages ?? 0) + UInt64(messageIndex.records.count)
            }
        } else {
            indexedRegion = nil
        }
    }

    /// Passes over the damaged record at ``offset``: finds the next intact record, notes the region
    /// and moves there. Returns `false` when nothing intact follows (the iteration then ends).
    private mutating func skipDamage(_ error: MCAPError) -> Bool {
        let start = Int(offset)
        let options = reader.options
        let chunkSeen = chunksRead > 0 || skippedRegions.contains { $0.chunks > 0 }
        let decompressor = self.decompressor
        typealias Found = (resume: Int, opcode: UInt8, declaredEnd: Int?, chunkEnd: Int?)
        let found: Found? = reader.source.withUnsafeBytes { bytes in
            guard start >= MCAPMagic.count, start < bytes.count else { return nil }
            let opcode = bytes[start]
            let allowBareRecords = !chunkSeen && opcode != MCAPOpcode.chunk.rawValue
            func intact(_ p: Int) -> Bool {
                Self.isIntactRecord(in: bytes, at: p, allowBareRecords: allowBareRecords, options: options, decompressor: decompressor)
            }
            let declaredEnd = Self.declaredEnd(in: bytes, at: start), chunkEnd = Self.chunkRecordsEnd(in: bytes, at: start)
            // Where a damaged chunk's records say it ends (right even when its length field is broken),
            // where the damaged record's length says it ends; then byte by byte.
            if opcode == MCAPOpcode.chunk.rawValue, let chunkEnd, chunkEnd == bytes.count || intact(chunkEnd) {
                return (chunkEnd, opcode, declaredEnd, chunkEnd)
            }
            if let declaredEnd, declaredEnd == bytes.count || intact(declaredEnd) {
                return (declaredEnd, opcode, declaredEnd, chunkEnd)
            }
            var p = start + 1
            while p + 9 <= bytes.count {
                if intact(p) { return (p, opcode, declaredEnd, chunkEnd) }
                p += 1
            }
            return nil
        }
        guard let found else { return false }

        // The skipped chunk whose MessageIndex records were being counted: some of them are in this
        // region too, so its count is incomplete.
        if let indexed = indexedRegion, indexed.counts { skippedRegions[indexed.index].messages = nil }
        // Exactly one record was passed over when the iteration resumes where its length (or, for a
        // chunk whose length field is broken, its `records` field) says it ends.
        let exact = found.resume == found.declaredEnd || found.resume == found.chunkEnd
        let messages: UInt64?
        switch MCAPOpcode(rawValue: found.opcode) {
        case .chunk?: messages = nil   // counted from the MessageIndex records after it
        case .message? where found.resume == found.declaredEnd: messages = 1
        case .header?, .schema?, .channel?, .messageIndex?, .attachment?, .metadata?, .metadataIndex?, .chunkIndex?,
             .attachmentIndex?, .statistics?, .summaryOffset?:
            messages = found.resume == found.declaredEnd ? 0 : nil
        default: messages = nil
        }
        skippedRegions.append(MCAPSkippedRegion(
            offset: UInt64(start), length: UInt64(found.resume - start), error: error,
            chunks: found.opcode == MCAPOpcode.chunk.rawValue ? 1 : 0, messages: messages))
        indexedRegion = messages == nil ? (skippedRegions.count - 1, exact) : nil
        pending.removeAll(keepingCapacity: true)
        pendingIndex = 0
        offset = UInt64(found.resume)
        return true
    }

    /// Where the record at `start` ends by its length field, when that lies within the file.
    private static func declaredEnd(in bytes: UnsafeRawBufferPointer, at start: Int) -> Int? {
        guard bytes.count - start >= 9 else { return nil }
        let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: start + 1, as: UInt64.self))
        guard length <= UInt64(bytes.count - start - 9) else { return nil }
        return start + 9 + Int(length)
    }

    /// Where a Chunk at `start` ends by its own `records` length (after the four fixed fields and the
    /// compression string), when that lies within the file: the chunk's end even if its record
    /// length field is broken.
    private static func chunkRecordsEnd(in bytes: UnsafeRawBufferPointer, at start: Int) -> Int? {
        let compressionLength = start + 9 + 8 + 8 + 8 + 4
        guard bytes.count - compressionLength >= 4 else { return nil }
        let compression = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: compressionLength, as: UInt32.self)))
        let recordsLength = compressionLength + 4 + compression
        guard compression <= 64, bytes.count - recordsLength >= 8 else { return nil }
        let records = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: recordsLength, as: UInt64.self))
        guard records <= UInt64(bytes.count - recordsLength - 8) else { return nil }
        return recordsLength + 8 + Int(records)
    }

    /// Whether an intact record, one iteration can resume at, starts at `p` (see the type's notes).
    private static func isIntactRecord(
        in bytes: UnsafeRawBufferPointer, at p: Int, allowBareRecords: Bool, options: MCAPReaderOptions,
        decompressor: MCAPChunkDecompressor
    ) -> Bool {
        guard bytes.count - p >= 9, let opcode = MCAPOpcode(rawValue: bytes[p]) else { return false }
        switch opcode {
        case .chunk, .messageIndex, .attachment, .metadata, .dataEnd: break
        case .schema, .channel, .message: guard allowBareRecords else { return false }
        default: return false
        }
        let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: p + 1, as: UInt64.self))
        guard length <= UInt64(bytes.count - p - 9) else { return false }
        let end = p + 9 + Int(length)
        guard let (record, _) = try? MCAPReader.topLevelRecord(in: bytes, at: p, limit: end),
              record.serialized().count == end - p else { return false }
        switch record {
        case .chunk(let chunk):
            guard let data = try? chunk.decompressedRecords(
                      using: decompressor, validatingCRC: options.validateCRCs, fileOffset: UInt64(p), sizeLimit: options.sizeLimit),
                  (try? MCAPChunk.parseRecords(data, chunkOffset: UInt64(p))) != nil else { return false }
            if options.validateCRCs && chunk.uncompressedCRC != 0 { return true }
        case .attachment(let attachment):
            if options.validateCRCs && attachment.crc != 0 {
                return (try? MCAPReader.checkAttachmentCRC(attachment, in: bytes, at: p)) != nil
            }
        default:
            break
        }
        return followedByARecord(in: bytes, at: end, sizeLimit: options.sizeLimit)
    }

    /// Whether a record follows at `q`: the end of the file, a record that decodes, or a record of a
    /// known opcode and a believable length that the end of the file cuts short.
    private static func followedByARecord(in bytes: UnsafeRawBufferPointer, at q: Int, sizeLimit: UInt64) -> Bool {
        if q == bytes.count { return true }
        guard MCAPOpcode(rawValue: bytes[q]) != nil else { return false }
        guard bytes.count - q >= 9 else { return true }
        let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: q + 1, as: UInt64.self))
        if length > UInt64(bytes.count - q - 9) { return length <= sizeLimit }
        return (try? MCAPReader.topLevelRecord(in: bytes, at: q, limit: bytes.count)) != nil
    }
}
