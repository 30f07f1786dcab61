// The bytes an MCAPReader reads: an array, or any contiguous memory the caller keeps alive (an mmap).

/// Contiguous bytes of a whole MCAP file (or of the part of it that exists), lent to the reader
/// inside a closure.
///
/// `[UInt8]` conforms. A memory-mapped file can conform through a small final class that owns the
/// mapping and unmaps it in `deinit`; it must be `Sendable`, so its pointer must never change.
public protocol MCAPByteSource: Sendable {
    /// Calls `body` with the bytes; the pointer is valid only during the call.
    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R

    /// Says that a pass over the bytes (a reading front to back, or a CRC of the data section) has
    /// gone past `offset` and will not come back to what is before it soon: a memory-mapped source
    /// may hand those pages back, so that reading a file takes a window of memory, not the whole file.
    /// The bytes must stay readable. The default does nothing.
    func passed(_ offset: Int)
}

extension MCAPByteSource {
    public func passed(_ offset: Int) {}
}

extension Array: MCAPByteSource where Element == UInt8 {}

extension MCAPByteSource {
    /// `withUnsafeBytes` with a typed error: the requirement `rethrows`, which erases `MCAPError`.
    @inline(__always)
    func withBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let result: Result<R, E> = withUnsafeBytes { bytes in Result { () throws(E) -> R in try body(bytes) } }
        return try result.get()
    }
}
