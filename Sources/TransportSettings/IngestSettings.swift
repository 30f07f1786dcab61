// What an ingest run over ZeroMQ needs to know.
public import TelemetryIngest
public import Asterix
public import TelemetryModel

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
    /// The site origin (the local ENU frame's), for positions that arrive in WGS-84 (CAT062 tracks).
    public var siteOrigin: GeodeticPosition?
    /// The known ASTERIX radars, by SAC/SIC.
    public var asterixSensors: [AsterixSource: SensorDescription] = [:]
    /// The known SAPIENT nodes, which may register, and the ICD's time window.
    public var sapient = SapientSettings()
    /// Haechi's own SAPIENT node id (a UUID v4): the sender of every RegistrationAck and Error.
    public var sapientDecisionModuleID = IngestSettings.defaultSapientDecisionModuleID
    /// The node id Haechi answers with when the configuration gives none (`sapient.decision_module_id`).
    /// ("haechi" in ASCII hex, then the UUID v4 marks).
    public static let defaultSapientDecisionModuleID = "68616563-6869-4000-8000-000000000001"

    /// How the pipeline counts and decodes frames with these settings.
    public var pipelineConfiguration: IngestPipeline.Configuration {
        IngestPipeline.Configuration(endpointNames: endpoints.map(\.name), maximumFrameBytes: maximumFrameBytes,
                                     maximumSources: maximumSources, siteGeoidSeparation: siteGeoidSeparation,
                                     truthIntegrity: truthIntegrity, pipeline: pipeline, asterixSensors: asterixSensors,
                                     sapient: sapient, siteOrigin: siteOrigin)
    }

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

    /// The `ZMQ_MAXMSGSIZE` set on `endpoint`'s socket: its own ``IngestEndpoint/maximumMessageSize``,
    /// or by default twice ``maximumFrameBytes``.
    public func messageSizeLimit(of endpoint: IngestEndpoint) -> Int {
        endpoint.maximumMessageSize ?? Self.defaultMessageSizeLimit(maximumFrameBytes: maximumFrameBytes)
    }

    /// The default `ZMQ_MAXMSGSIZE`: twice the frame limit, so that a payload somewhat over it is still
    /// received, counted as `oversize_frame` and recorded whole (the arena keeps room for it), while
    /// libzmq refuses anything larger before allocating it.
    public static func defaultMessageSizeLimit(maximumFrameBytes: Int) -> Int { 2 * maximumFrameBytes }

    /// The largest `limits.max_frame_bytes`: 512 MiB, so that twice it (the default `ZMQ_MAXMSGSIZE`)
    /// stays below 2 GiB, the largest size `zmq_recv` reports exactly.
    public static let maximumFrameBytesLimit = 512 << 20
}
