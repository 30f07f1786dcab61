// A live run's state once a second: what the status line and the web view show beside the counters.
public import TelemetryModel

/// What the run loop knows about a run once a second: its counters, its tracks and its recording.
/// The terminal's status line and the web view show it; a replay makes one at the replayed frames' times.
public struct RunHealth: Sendable {
    /// The ingest counters now.
    public var statistics: IngestStatistics
    /// The time the ages are measured at: the wall clock live, the replayed frame's receive time on replay.
    public var now: Timestamp
    /// Seconds since the run started.
    public var elapsedSeconds: Double
    /// Confirmed tracks held now, and confirmed since the start.
    public var tracksNow: Int?
    public var tracksConfirmed: Int?
    /// The recording (path, size) and the free space beside it.
    public var recordingPath: String?
    public var recordingBytes: UInt64?
    public var freeBytes: UInt64?

    public init(statistics: IngestStatistics, now: Timestamp, elapsedSeconds: Double, tracksNow: Int? = nil, tracksConfirmed: Int? = nil,
                recordingPath: String? = nil, recordingBytes: UInt64? = nil, freeBytes: UInt64? = nil) {
        self.statistics = statistics
        self.now = now
        self.elapsedSeconds = elapsedSeconds
        self.tracksNow = tracksNow
        self.tracksConfirmed = tracksConfirmed
        self.recordingPath = recordingPath
        self.recordingBytes = recordingBytes
        self.freeBytes = freeBytes
    }
}
