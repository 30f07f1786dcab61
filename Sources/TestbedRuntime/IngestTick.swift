// What a live ingest run tells its observer once a second: its counters, tracks and recording.
public import TelemetryIngest
public import TelemetryModel

/// The run's state once a second.
public struct IngestTick: Sendable {
    /// The counters now, read at `now` (the wall clock), `elapsedSeconds` after the start.
    public var statistics: IngestStatistics
    public var now: Timestamp
    public var elapsedSeconds: Double
    /// Confirmed tracks held now, and confirmed since the start (`nil`: no tracker).
    public var tracksNow: Int?
    public var tracksConfirmed: Int?
    /// The recording's path (`nil`: not recording).
    public var recordingPath: String?
    /// The configured sensors, for the silent ones.
    public var expectedSensors: [ExpectedSensor]

    public init(statistics: IngestStatistics, now: Timestamp, elapsedSeconds: Double, tracksNow: Int?, tracksConfirmed: Int?,
                recordingPath: String?, expectedSensors: [ExpectedSensor]) {
        self.statistics = statistics
        self.now = now
        self.elapsedSeconds = elapsedSeconds
        self.tracksNow = tracksNow
        self.tracksConfirmed = tracksConfirmed
        self.recordingPath = recordingPath
        self.expectedSensors = expectedSensors
    }
}
