// The counters of the ASTERIX CAT062 output: blocks sent and dropped, tracks sent.

/// What the CAT062 output sent.
public struct Asterix062Counters: Sendable, Hashable {
    /// Data blocks handed to the kernel, and dropped (a full socket buffer).
    public var blocksSent: UInt64 = 0
    public var blocksDropped: UInt64 = 0
    /// Track records in the blocks sent.
    public var tracksSent: UInt64 = 0
}
