// What a live ingest run tells whoever watches it: its start, a tick a second, its end.
public import TelemetryIngest
public import TelemetryModel
public import TestbedConfiguration

/// Watches an ingest run; the command line's is the start banner and the status line.
///
/// Calls come from the run loop's thread: ``started(_:)`` once everything listens, ``tick(_:)`` about
/// once a second, ``stopped()`` when the run is over (before the end-of-run report).
public protocol IngestObserver: AnyObject, Sendable {
    func started(_ start: IngestStart)
    func tick(_ tick: IngestTick)
    func stopped()
}

/// What ingest is doing as it starts: where it listens, records, publishes and serves, and what stops it.
public struct IngestStart: Sendable {
    public var configuration: IngestConfiguration
    public var version: String
    /// The recording's path (`nil`: not recording).
    public var recordingPath: String?
    /// Where confirmed tracks are published (`json/tracks`), if anywhere.
    public var tracksEndpoint: String?
    /// The web view's address, if it is served.
    public var webAddress: String?
    /// The stop conditions besides a signal.
    public var idleTimeout: Double?
    public var duration: Double?

    public init(configuration: IngestConfiguration, version: String, recordingPath: String?, tracksEndpoint: String?, webAddress: String?,
                idleTimeout: Double?, duration: Double?) {
        self.configuration = configuration
        self.version = version
        self.recordingPath = recordingPath
        self.tracksEndpoint = tracksEndpoint
        self.webAddress = webAddress
        self.idleTimeout = idleTimeout
        self.duration = duration
    }
}

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
