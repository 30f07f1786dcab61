// The `--summary` file of `haechi ingest` (schema: docs/schemas/ingest-summary.schema.json).
public import TelemetryModel
public import TelemetryIngest
import Foundation

/// Why an ingest run ended.
public enum IngestStopReason: String, Sendable, Codable {
    /// SIGINT (Ctrl-C) or SIGTERM.
    case signal
    /// `--duration` elapsed.
    case duration
    /// `--idle-timeout` elapsed without a frame.
    case idle
    /// A socket failed.
    case failure
}

/// The summary of one ingest run, as written to `--summary`.
public struct IngestSummary: Encodable, Sendable {
    /// Identifies the file's layout.
    public static let format = "haechi-ingest-summary/1"

    struct Software: Encodable { var name: String; var version: String; var libzmq: String }
    struct Endpoint: Encodable {
        var name: String, address: String, socket: String, mode: String
        var framesReceived: UInt64
        enum CodingKeys: String, CodingKey { case name, address, socket, mode, framesReceived = "frames_received" }
    }

    let format = IngestSummary.format
    let software: Software
    let configFile: String
    let startedUTC: String
    let endedUTC: String
    let stopReason: IngestStopReason
    let endpoints: [Endpoint]
    /// Per source, keyed by topic.
    public let sources: [String: SourceStatistics]
    /// All sources together.
    public let totals: SourceStatistics
    /// The ring-buffer core's sizes, policy and waits.
    public let pipeline: PipelineCounters
    /// The live tracking stage's counters; `nil` when tracking was off.
    public let tracking: TrackingCounters?

    enum CodingKeys: String, CodingKey {
        case format, software, endpoints, sources, totals, pipeline, tracking
        case configFile = "config_file", startedUTC = "started_utc", endedUTC = "ended_utc", stopReason = "stop_reason"
    }

    /// Builds the summary of a finished run.
    public init(configuration: IngestConfiguration, statistics: IngestStatistics, started: Timestamp, ended: Timestamp,
                stopReason: IngestStopReason, libzmqVersion: String, tracking: TrackingCounters? = nil) {
        software = Software(name: HaechiVersion.name, version: HaechiVersion.version, libzmq: libzmqVersion)
        configFile = configuration.file
        startedUTC = Self.iso8601(started)
        endedUTC = Self.iso8601(ended)
        self.stopReason = stopReason
        endpoints = zip(configuration.endpoints, statistics.endpointFrames).map { endpoint, frames in
            Endpoint(name: endpoint.name, address: endpoint.address, socket: endpoint.socket.rawValue,
                     mode: endpoint.mode.rawValue, framesReceived: frames)
        }
        sources = statistics.sources
        totals = statistics.totals
        pipeline = statistics.pipeline
        self.tracking = tracking
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
