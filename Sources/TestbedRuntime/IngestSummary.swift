// The `--summary` file of `haechi ingest` (schema: docs/schemas/ingest-summary.schema.json).
public import TelemetryModel
import TransportSettings
public import TelemetryIngest
import ZeroMQIngest
import Foundation
public import TestbedConfiguration

/// The summary of one ingest run, as written to `--summary`.
public struct IngestSummary: Encodable, Sendable {
    /// Identifies the file's layout.
    public static let format = "haechi-ingest-summary/1"

    struct Software: Encodable { var name: String; var version: String; var libzmq: String }
    struct Endpoint: Encodable {
        var name: String, address: String, socket: String, mode: String
        var framesReceived: UInt64
        /// The `ZMQ_MAXMSGSIZE` in force.
        var maxMessageBytes: Int
        /// What libzmq's monitor reported (absent in a replay, which has no sockets).
        var connections: UInt64?, disconnects: UInt64?, reconnects: UInt64?
        enum CodingKeys: String, CodingKey {
            case name, address, socket, mode, framesReceived = "frames_received", maxMessageBytes = "max_message_bytes"
            case connections, disconnects, reconnects
        }
    }

    let format = IngestSummary.format
    let software: Software
    let configFile: String
    let startedUTC: String
    let endedUTC: String
    /// Why the run stopped.
    public let stopReason: IngestStopReason
    let endpoints: [Endpoint]
    /// Per source, keyed by topic.
    public let sources: [String: SourceStatistics]
    /// All sources together.
    public let totals: SourceStatistics
    /// The ring-buffer core's sizes, policy and waits.
    public let pipeline: PipelineCounters
    /// What the truth checks found, per drone.
    public let truth: TruthIntegrityStatistics
    /// Per endpoint: its mechanism, connections admitted and refused, frames refused; `nil` in a replay
    /// (which has no connections).
    public let security: [EndpointSecurity]?

    /// One endpoint's security counters.
    public struct EndpointSecurity: Encodable, Sendable {
        public var name: String
        public var counters: EndpointSecurityCounters
        enum CodingKeys: String, CodingKey {
            case name, mechanism, connectionsAdmitted = "connections_admitted", refusedPlaintext = "refused_plaintext"
            case refusedUnlistedKeys = "refused_unlisted_keys", handshakeFailures = "handshake_failures", framesRefused = "frames_refused"
        }
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(counters.mechanism.rawValue, forKey: .mechanism)
            try c.encode(counters.connectionsAdmitted, forKey: .connectionsAdmitted)
            try c.encode(counters.refusedPlaintext, forKey: .refusedPlaintext)
            try c.encode(counters.refusedUnlistedKeys, forKey: .refusedUnlistedKeys)
            try c.encode(counters.handshakeFailures, forKey: .handshakeFailures)
            try c.encode(counters.framesRefused, forKey: .framesRefused)
        }
    }
    /// The live tracking stage's counters; `nil` when tracking was off.
    public let tracking: TrackingCounters?
    /// The recorder's counters; `nil` when the run was not recorded.
    public let recording: RecordingCounters?
    /// What a replay did; `nil` for a live run.
    public let replay: ReplayCounters?
    /// What the outputs sent (`outputs.cot`); `nil` when none is on.
    public let outputs: Outputs?

    /// The outputs' counters.
    public struct Outputs: Encodable, Sendable {
        public var cot: CotCounters?
        public var asterix062: Asterix062Counters?
        public var sapient: SapientOutputCounters?

        public func encode(to encoder: any Encoder) throws {
            enum Keys: String, CodingKey { case cot, asterix062, sapient }
            enum SapientKeys: String, CodingKey {
                case registrations, detectionReports = "detection_reports", statusReports = "status_reports", dropped
            }
            enum AsterixKeys: String, CodingKey { case blocksSent = "blocks_sent", blocksDropped = "blocks_dropped", tracksSent = "tracks_sent" }
            enum CotKeys: String, CodingKey {
                case udpSent = "udp_sent", tcpSent = "tcp_sent", udpDropped = "udp_dropped", tcpDropped = "tcp_dropped"
                case tcpConnections = "tcp_connections"
            }
            var c = encoder.container(keyedBy: Keys.self)
            if let cot {
                var n = c.nestedContainer(keyedBy: CotKeys.self, forKey: .cot)
                try n.encode(cot.udpSent, forKey: .udpSent)
                try n.encode(cot.udpDropped, forKey: .udpDropped)
                try n.encode(cot.tcpSent, forKey: .tcpSent)
                try n.encode(cot.tcpDropped, forKey: .tcpDropped)
                try n.encode(cot.tcpConnections, forKey: .tcpConnections)
            }
            if let sapient {
                var n = c.nestedContainer(keyedBy: SapientKeys.self, forKey: .sapient)
                try n.encode(sapient.registrations, forKey: .registrations)
                try n.encode(sapient.detectionReports, forKey: .detectionReports)
                try n.encode(sapient.statusReports, forKey: .statusReports)
                try n.encode(sapient.dropped, forKey: .dropped)
            }
            if let asterix062 {
                var n = c.nestedContainer(keyedBy: AsterixKeys.self, forKey: .asterix062)
                try n.encode(asterix062.blocksSent, forKey: .blocksSent)
                try n.encode(asterix062.blocksDropped, forKey: .blocksDropped)
                try n.encode(asterix062.tracksSent, forKey: .tracksSent)
            }
        }
    }

    enum CodingKeys: String, CodingKey {
        case format, software, endpoints, sources, totals, pipeline, truth, security, tracking, recording, replay, outputs
        case configFile = "config_file", startedUTC = "started_utc", endedUTC = "ended_utc", stopReason = "stop_reason"
    }

    /// Builds the summary of a finished run.
    public init(configuration: IngestConfiguration, statistics: IngestStatistics, started: Timestamp, ended: Timestamp,
                stopReason: IngestStopReason, libzmqVersion: String, tracking: TrackingCounters? = nil,
                recording: RecordingCounters? = nil, replay: ReplayCounters? = nil, cot: CotCounters? = nil,
                asterix062: Asterix062Counters? = nil, sapient: SapientOutputCounters? = nil) {
        software = Software(name: HaechiVersion.name, version: HaechiVersion.version, libzmq: libzmqVersion)
        configFile = configuration.file
        startedUTC = Self.iso8601(started)
        endedUTC = Self.iso8601(ended)
        self.stopReason = stopReason
        let settings = configuration.ingestSettings
        endpoints = zip(configuration.endpoints, statistics.endpointFrames).enumerated().map { index, pair in
            let (endpoint, frames) = pair
            let links = index < statistics.endpointLinks.count ? statistics.endpointLinks[index] : nil
            return Endpoint(name: endpoint.name, address: endpoint.address, socket: endpoint.socket.rawValue,
                            mode: endpoint.mode.rawValue, framesReceived: frames, maxMessageBytes: settings.messageSizeLimit(of: endpoint),
                            connections: links?.connections, disconnects: links?.disconnects, reconnects: links?.reconnects)
        }
        sources = statistics.sources
        totals = statistics.totals
        pipeline = statistics.pipeline
        truth = statistics.truth
        security = replay != nil ? nil : zip(configuration.endpoints, statistics.endpointSecurity).map { endpoint, counters in
            var counters = counters
            counters.mechanism = endpoint.curve == nil ? .null : .curve
            return EndpointSecurity(name: endpoint.name, counters: counters)
        }
        self.tracking = tracking
        self.recording = recording
        self.replay = replay
        outputs = cot == nil && asterix062 == nil && sapient == nil ? nil : Outputs(cot: cot, asterix062: asterix062, sapient: sapient)
    }

    /// The summary as pretty, key-sorted JSON text.
    public func jsonText() throws -> String { try summaryJSON(self) }

    static func iso8601(_ time: Timestamp) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: Date(timeIntervalSince1970: time.secondsSinceEpoch))
    }
}

/// A summary file's text: pretty-printed, keys sorted (so files diff cleanly), slashes unescaped.
func summaryJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self) + "\n"
}
