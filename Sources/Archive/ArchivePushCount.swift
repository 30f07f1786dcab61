// What one push wrote to the archive.

/// What ``RunArchive/append(_:range:site:recordings:)`` wrote.
public struct ArchivePushCount: Sendable, Hashable {
    /// The sequences of the entries it appended, in order.
    public var pushed: [Int64] = []
    /// Entries of the log the archive already held (checked to be the same).
    public var alreadyArchived = 0
    /// Recordings newly registered.
    public var recordingsRegistered = 0

    public init() {}
}
