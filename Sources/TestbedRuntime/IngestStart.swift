// What a live ingest run tells its observer as it starts: where it listens, records, publishes and serves.
public import TestbedConfiguration

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
