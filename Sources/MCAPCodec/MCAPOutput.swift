// Where an MCAPWriter puts its bytes: the MCAPOutput protocol and its in-memory implementation.

/// A sink for the bytes of an MCAP file, written strictly in order.
///
/// The writer calls ``write(_:)`` a few times per chunk (never per message) and reads ``position``
/// to fill in the offsets of the summary, so ``position`` must be the file offset the next byte lands
/// at. An output belongs to one writer at a time.
public protocol MCAPOutput: AnyObject {
    /// The offset from the start of the file at which the next byte will be written.
    var position: UInt64 { get }

    /// Writes all of `bytes`, or throws. A partial write must not be reported as success.
    func write(_ bytes: UnsafeRawBufferPointer) throws

    /// Starts putting what was written so far on storage, without waiting for it (a hint; the
    /// default does nothing). The write-behind writer calls it after each chunk, so that the pages
    /// go to disk while the next chunk fills instead of all at the final `fsync`.
    func beginWriteback()
}

extension MCAPOutput {
    public func beginWriteback() {}
}

/// An output that collects the file in memory, for tests and for small files.
public final class InMemoryOutput: MCAPOutput {
    /// Everything written so far.
    public private(set) var bytes: [UInt8]

    /// Creates an empty output, optionally reserving room for `capacity` bytes.
    public init(reservingCapacity capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// ``bytes``'s count.
    public var position: UInt64 { UInt64(bytes.count) }

    /// Appends `bytes`.
    public func write(_ bytes: UnsafeRawBufferPointer) {
        self.bytes.append(contentsOf: bytes)
    }
}
