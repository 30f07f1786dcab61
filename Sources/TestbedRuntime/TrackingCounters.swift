// What the live tracking stage did: the `tracking` object of the ingest summary.
public import Tracking

/// What the live tracking stage did (the `tracking` object of the ingest summary).
public struct TrackingCounters: Sendable, Encodable {
    /// The tracker's counters.
    public var tracker: TrackerStatistics
    /// Scans released short of their announced detections.
    public var incompleteScans: Int
    /// `json/tracks` messages handed to ZeroMQ.
    public var published: UInt64
    /// Messages ZeroMQ refused (none expected: PUB drops for slow subscribers without saying).
    public var publishFailures: UInt64

    enum CodingKeys: String, CodingKey {
        case tracker, incompleteScans = "incomplete_scans", published, publishFailures = "publish_failures"
    }
}
