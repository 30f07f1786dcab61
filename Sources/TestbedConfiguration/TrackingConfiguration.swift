// The `tracking` section of the ingest config: the live tracking stage.
public import Tracking

/// The live tracking stage of `haechi ingest`.
public struct TrackingConfiguration: Hashable, Sendable {
    /// Whether decoded scans are tracked live (default: yes).
    public var enabled = true
    /// The tracker config file, if one is named (resolved against the ingest config's folder).
    public var trackerFile: String?
    /// That file's text, kept for the run's provenance (a recording stores it).
    public var trackerText: String?
    /// The tracker's settings (the built-in defaults without a file).
    public var settings = TrackerSettings()
    /// A ZeroMQ endpoint to bind a PUB socket on, publishing confirmed tracks as `json/tracks`.
    public var publish: String?

    /// The defaults: tracking on, built-in settings, nothing published.
    public init() {}
}
