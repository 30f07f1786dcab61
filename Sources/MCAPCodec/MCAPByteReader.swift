// A bounds-checked little-endian cursor over borrowed bytes, used to decode record fields.

/// Reads MCAP's fixed-width integers and prefixed strings, bytes and maps from `bytes`. Every read is
/// checked against the end, and a read past it throws ``MCAPError/Code/malformedRecord`` naming the
/// field and the record (`fileOffset` is where the record starts in the file, or the chunk's offset for a
/// record inside a chunk; `what` names the record and where it is, for the message).
struct MCAPByteReader {
    let bytes: UnsafeRawBufferPointer
    var position: Int = 0
    let fileOffset: UInt64
    let what: String

    init(_ bytes: UnsafeRawBufferPointer, fileOffset: UInt64, what: String) {
        self.bytes = bytes
        self.fileOffset = fileOffset
        self.what = what
    }

    var remaining: Int { bytes.count - position }

    private func overrun(_ field: String, need: Int) -> MCAPError {
        .malformed(
            "\(what): field \(field) needs \(need) byte(s) at content position \(position)"
                + " but only \(remaining) remain in the record",
            at: fileOffset)
    }

    mutating func read<T: FixedWidthInteger>(_: T.Type, _ field: String) throws(MCAPError) -> T {
        let size = MemoryLayout<T>.size
        guard remaining >= size else { throw overrun(field, need: size) }
        let value = bytes.loadUnaligned(fromByteOffset: position, as: T.self)
        position += size
        return T(littleEndian: value)
    }

    mutating func readBytes(count: Int, _ field: String) throws(MCAPError) -> UnsafeRawBufferPointer {
        guard count >= 0, remaining >= count else { throw overrun(field, need: count) }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
        position += count
        return slice
    }

    mutating func readString(_ field: String) throws(MCAPError) -> String {
        let length = try read(UInt32.self, field + " length")
        let raw = try readBytes(count: Int(length), field)
        return String(decoding: raw, as: UTF8.self)
    }

    mutating func readPrefixed32(_ field: String) throws(MCAPError) -> [UInt8] {
        let length = try read(UInt32.self, field + " length")
        return Array(try readBytes(count: Int(length), field))
    }

    mutating func readPrefixed64(_ field: String) throws(MCAPError) -> [UInt8] {
        let length = try read(UInt64.self, field + " length")
        guard length <= UInt64(remaining) else { throw overrun(field, need: Int(clamping: length)) }
        return Array(try readBytes(count: Int(length), field))
    }

    mutating func readRest() -> UnsafeRawBufferPointer {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position...])
        position = bytes.count
        return slice
    }

    /// A `uint32` byte length followed by a region that `body` decodes until it is used up.
    mutating func readRegion(_ field: String, _ body: (inout MCAPByteReader) throws(MCAPError) -> Void) throws(MCAPError) {
        let length = try read(UInt32.self, field + " length")
        let region = try readBytes(count: Int(length), field)
        var inner = MCAPByteReader(region, fileOffset: fileOffset, what: what)
        while inner.remaining > 0 { try body(&inner) }
    }

    mutating func readStringMap(_ field: String) throws(MCAPError) -> [String: String] {
        var map: [String: String] = [:]
        try readRegion(field) { (inner: inout MCAPByteReader) throws(MCAPError) in
            let key = try inner.readString(field + " key")
            map[key] = try inner.readString(field + " value")
        }
        return map
    }

    mutating func readIDMap(_ field: String) throws(MCAPError) -> [UInt16: UInt64] {
        var map: [UInt16: UInt64] = [:]
        try readRegion(field) { (inner: inout MCAPByteReader) throws(MCAPError) in
            let key = try inner.read(UInt16.self, field + " key")
            map[key] = try inner.read(UInt64.self, field + " value")
        }
        return map
    }
}
