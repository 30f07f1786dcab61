// A growable little-endian byte buffer that the writer appends records to and reuses between chunks.

/// Raw bytes with amortised growth: `append` is a bounds check, an occasional reallocation and a
/// `memcpy`. ``removeAll()`` keeps the capacity, so a chunk buffer stops allocating once it has grown
/// to the chunk size. Integers are stored little-endian, as MCAP wants them.
///
/// `@unchecked Sendable`: a buffer has one owner at a time. ``MCAPWriteBehind`` takes a closed
/// chunk's buffer from the writer's thread and gives it back to the spares once written.
final class MCAPBuffer: @unchecked Sendable {
    private(set) var base: UnsafeMutableRawPointer
    private(set) var count: Int = 0
    private(set) var capacity: Int

    init(capacity: Int = 4096) {
        self.capacity = max(capacity, 64)
        self.base = UnsafeMutableRawPointer.allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { base.deallocate() }

    /// The start of the storage, for filling reserved room in place; valid until the buffer grows.
    var mutableBase: UnsafeMutableRawPointer { base }

    /// The bytes written so far; valid until the next call that appends or grows.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    /// Forgets the contents and keeps the storage.
    func removeAll() { count = 0 }

    /// Makes room for `extra` more bytes, growing geometrically.
    @inline(__always)
    func reserve(_ extra: Int) {
        if count + extra > capacity { grow(to: count + extra) }
    }

    private func grow(to needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity = newCapacity &* 2 }
        let newBase = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        newBase.copyMemory(from: base, byteCount: count)
        base.deallocate()
        base = newBase
        capacity = newCapacity
    }

    /// Advances the end by `n` bytes after the caller stored them (in reserved space).
    @inline(__always)
    func advance(by n: Int) { count += n }

    @inline(__always)
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, bytes.count > 0 else { return }
        reserve(bytes.count)
        (base + count).copyMemory(from: source, byteCount: bytes.count)
        count += bytes.count
    }

    func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    @inline(__always)
    func append<T: FixedWidthInteger>(_ value: T) {
        reserve(MemoryLayout<T>.size)
        (base + count).storeBytes(of: value.littleEndian, as: T.self)
        count += MemoryLayout<T>.size
    }

    /// A `uint32` length prefix and the UTF-8 bytes of `string`.
    func appendString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            append(UInt32(utf8.count))
            append(UnsafeRawBufferPointer(utf8))
        }
    }

    /// A `uint32` length prefix and `bytes`.
    func appendPrefixed32(_ bytes: [UInt8]) {
        append(UInt32(bytes.count))
        append(bytes)
    }

    /// A `uint64` length prefix and `bytes`.
    func appendPrefixed64(_ bytes: [UInt8]) {
        append(UInt64(bytes.count))
        append(bytes)
    }

    /// A `Map<string, string>`, keys sorted so the output does not depend on hashing.
    func appendStringMap(_ map: [String: String]) {
        let lengthAt = count
        append(UInt32(0))
        for key in map.keys.sorted() {
            appendString(key)
            appendString(map[key]!)
        }
        patch(UInt32(count - lengthAt - 4), at: lengthAt)
    }

    /// A `Map<uint16, uint64>`, keys sorted.
    func appendIDMap(_ map: [UInt16: UInt64]) {
        append(UInt32(map.count * 10))
        for key in map.keys.sorted() {
            append(key)
            append(map[key]!)
        }
    }

    /// Overwrites an integer written earlier (a length placeholder).
    func patch<T: FixedWidthInteger>(_ value: T, at offset: Int) {
        precondition(offset + MemoryLayout<T>.size <= count)
        (base + offset).storeBytes(of: value.littleEndian, as: T.self)
    }

    /// Starts a record: the opcode and a placeholder length. Returns the record's start for ``endRecord(_:)``.
    func beginRecord(_ opcode: MCAPOpcode) -> Int {
        let start = count
        append(opcode.rawValue)
        append(UInt64(0))
        return start
    }

    /// Writes the content length of the record begun at `start`.
    func endRecord(_ start: Int) {
        patch(UInt64(count - start - 9), at: start + 1)
    }

    /// A copy of the contents.
    func toArray() -> [UInt8] { Array(bytes) }
}

