// One re-evaluation job as a worker holds it.

/// A job leased to a worker: score one recording under one plan.
public struct ArchiveJob: Sendable, Hashable {
    public var id: Int64
    public var recordingSHA256: String
    public var range: String
    public var runID: String
    /// Which attempt this is (1 for the first; more when earlier workers' leases expired).
    public var attempt: Int
    public var plan: ArchivePlan
}
