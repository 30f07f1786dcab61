// What an ingest run needs to know.

/// What an ingest run needs to know.
public struct IngestSettings: Hashable, Sendable {
    /// The endpoints, in order; an endpoint's index is its number in counters.
    public var endpoints: [IngestEndpoint]
    /// Payloads above this are counted as `oversize_frame`, bytes.
    public var maximumFrameBytes: Int
    /// The site's geoid separation N, metres, for MAVLink heights.
    public var siteGeoidSeparation: Double
    /// At most this many messages are read from one socket before the others get a turn.
    public var fairnessBatch: Int
    /// At most this many sources are counted apart; further new topics are counted under
    /// `!overflow@<endpoint>`, so a sender inventing topics cannot exhaust memory.
    public var maximumSources: Int
    /// The ring-buffer core's sizes, wait strategy and overload policy.
    public var pipeline: PipelineSettings
    /// The checks every truth fix passes before it is a drone's truth.
    public var truthIntegrity = TruthIntegritySettings()

    /// Creates settings.
    public init(endpoints: [IngestEndpoint], maximumFrameBytes: Int = 1 << 20, siteGeoidSeparation: Double = 0,
                fairnessBatch: Int = 256, maximumSources: Int = 4096, pipeline: PipelineSettings = PipelineSettings()) {
        precondition(fairnessBatch > 0 && maximumSources > 0 && maximumFrameBytes > 0, "limits must be positive")
        self.endpoints = endpoints
        self.maximumFrameBytes = maximumFrameBytes
        self.siteGeoidSeparation = siteGeoidSeparation
        self.fairnessBatch = fairnessBatch
        self.maximumSources = maximumSources
        self.pipeline = pipeline
    }

    /// The arena room kept for one message while it is received: its payload and its topic up to
    /// the frame limit (+1 each, so an oversize part is seen to be oversize), and a little for
    /// length prefixes and extra parts.
    public static func messageBudget(maximumFrameBytes: Int) -> Int { 2 * (maximumFrameBytes + 1) + 1024 }

    /// The smallest arena that holds four messages of `maximumFrameBytes`.
    public static func minimumArenaBytes(maximumFrameBytes: Int) -> Int { 4 * messageBudget(maximumFrameBytes: maximumFrameBytes) }
}
