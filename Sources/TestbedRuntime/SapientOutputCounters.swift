// The counters of the SAPIENT output: registrations, reports sent, messages dropped.

/// What the SAPIENT output sent.
public struct SapientOutputCounters: Sendable, Hashable {
    public var registrations: UInt64 = 0
    public var detectionReports: UInt64 = 0
    public var statusReports: UInt64 = 0
    /// Messages not sent: no connection, or a full socket buffer.
    public var dropped: UInt64 = 0
}
