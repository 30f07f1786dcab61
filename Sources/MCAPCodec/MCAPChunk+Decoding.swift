// Opening a Chunk: decompression, the uncompressed CRC check, and the records inside.

extension MCAPChunk {
    /// The chunk's records decompressed, with the uncompressed CRC checked when asked and non-zero.
    /// - Parameters:
    ///   - validatingCRC: whether to compare ``uncompressedCRC`` (when non-zero) with the bytes.
    ///   - fileOffset: the chunk's offset in its file, for error messages.
    ///   - sizeLimit: the largest ``uncompressedSize`` accepted, so that a corrupt size cannot ask for
    ///     an absurd allocation.
    /// - Throws: ``MCAPError`` with code ``MCAPError/Code/unsupportedCompression``,
    ///   ``MCAPError/Code/decompressionFailed``, ``MCAPError/Code/crcMismatch`` or
    ///   ``MCAPError/Code/limitExceeded``.
    public func decompressedRecords(
        validatingCRC: Bool = true, fileOffset: UInt64 = 0, sizeLimit: UInt64 = MCAPReaderOptions.defaultSizeLimit
    ) throws(MCAPError) -> [UInt8] {
        try decompressedRecords(using: MCAPChunkDecompressor(), validatingCRC: validatingCRC, fileOffset: fileOffset, sizeLimit: sizeLimit)
    }

    /// The Schema, Channel and Message records of the chunk, each with its offset in the
    /// decompressed records (the offset a MessageIndex entry holds).
    /// - Throws: as ``decompressedRecords(validatingCRC:fileOffset:sizeLimit:)``, and
    ///   ``MCAPError/Code/malformedRecord`` when a record overruns the chunk or does not belong in one.
    public func decodeRecords(
        validatingCRC: Bool = true, fileOffset: UInt64 = 0, sizeLimit: UInt64 = MCAPReaderOptions.defaultSizeLimit
    ) throws(MCAPError) -> [(offset: UInt64, record: MCAPRecord)] {
        let decompressed = try decompressedRecords(validatingCRC: validatingCRC, fileOffset: fileOffset, sizeLimit: sizeLimit)
        return try Self.parseRecords(decompressed, chunkOffset: fileOffset)
    }

    func decompressedRecords(
        using decompressor: MCAPChunkDecompressor, validatingCRC: Bool, fileOffset: UInt64, sizeLimit: UInt64
    ) throws(MCAPError) -> [UInt8] {
        guard uncompressedSize <= sizeLimit, uncompressedSize <= UInt64(Int.max - 1) else {
            throw MCAPError(
                code: .limitExceeded,
                message: "chunk at offset \(fileOffset) declares uncompressed_size \(uncompressedSize), above the limit of \(sizeLimit) bytes",
                offset: fileOffset)
        }
        let data = try records.withBytes { (stored) throws(MCAPError) -> [UInt8] in
            try decompressor.decompress(stored, compression: compression, size: Int(uncompressedSize), offset: fileOffset)
        }
        if validatingCRC && uncompressedCRC != 0 {
            let computed = MCAPCRC32.checksum(data)
            if computed != uncompressedCRC {
                throw MCAPError(
                    code: .crcMismatch,
                    message: "chunk at offset \(fileOffset): uncompressed_crc is 0x\(String(uncompressedCRC, radix: 16)) but the "
                        + "\(data.count) decompressed bytes have CRC 0x\(String(computed, radix: 16))",
                    offset: fileOffset)
            }
        }
        return data
    }

    /// Splits decompressed chunk records into records, all or nothing.
    static func parseRecords(_ data: [UInt8], chunkOffset: UInt64) throws(MCAPError) -> [(offset: UInt64, record: MCAPRecord)] {
        try data.withBytes { (bytes) throws(MCAPError) -> [(offset: UInt64, record: MCAPRecord)] in
            var result: [(offset: UInt64, record: MCAPRecord)] = []
            var position = 0
            while position < bytes.count {
                let where_ = "at offset \(position) of the chunk at offset \(chunkOffset)"
                guard bytes.count - position >= 9 else {
                    throw .malformed("record header \(where_) is cut short: 9 bytes needed, \(bytes.count - position) remain", at: chunkOffset)
                }
                let opcode = bytes[position]
                let length = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: position + 1, as: UInt64.self))
                guard length <= UInt64(bytes.count - position - 9) else {
                    throw .malformed(
                        "\(MCAPOpcode.name(opcode)) record \(where_) declares \(length) content bytes but only "
                            + "\(bytes.count - position - 9) remain in the chunk",
                        at: chunkOffset)
                }
                if opcode < 0x80, opcode != MCAPOpcode.schema.rawValue, opcode != MCAPOpcode.channel.rawValue,
                   opcode != MCAPOpcode.message.rawValue {
                    throw .malformed("\(MCAPOpcode.name(opcode)) record \(where_): only Schema, Channel and Message belong in a chunk", at: chunkOffset)
                }
                let content = UnsafeRawBufferPointer(rebasing: bytes[(position + 9)..<(position + 9 + Int(length))])
                let record = try MCAPRecord.decode(opcode: opcode, content: content, fileOffset: chunkOffset, location: where_)
                result.append((UInt64(position), record))
                position += 9 + Int(length)
            }
            return result
        }
    }
}
