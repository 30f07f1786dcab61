// How far a re-evaluation has got.

/// Jobs by state, and the first failures' reasons.
public struct ArchiveJobCounts: Sendable, Hashable {
    public var queued = 0
    public var running = 0
    public var done = 0
    public var failed = 0
    /// Up to 20 failed jobs: run, recording and why.
    public var failures: [String] = []

    /// Jobs not yet done or failed.
    public var left: Int { queued + running }

    public init() {}
}
