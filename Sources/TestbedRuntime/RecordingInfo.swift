// `haechi info`: what a recording holds, without replaying it through the tracker.
import SessionRecording
public import TelemetryIngest
import TelemetryModel

/// What `haechi info` reports of a recording (docs/cli.md).
///
/// The frames go through the decode stage the recorded config describes, as in a replay but without
/// the tracker, so the per-source counts (frames, records, malformed frames by reason, sequence
/// gaps, first and last record times) are the ones the live run counted.
public struct RecordingInfo: Encodable, Sendable {
    /// A stretch of time: its first and last instants and its length in seconds.
    public struct Span: Encodable, Sendable {
        public var first: String
        public var last: String
        public var seconds: Double

        init(first: Timestamp, last: Timestamp) {
            self.first = RunProvenance.utc(first)
            self.last = RunProvenance.utc(last)
            seconds = last.seconds(since: first)   // saturating: a file's record times can be anything
        }
    }

    /// One channel: topic, encoding, schema and message count.
    public struct Channel: Encodable, Sendable {
        public var topic: String
        public var encoding: String
        public var schema: String
        public var messages: UInt64
    }

    public var path: String
    public var bytes: Int
    public var sha256: String
    /// Whether the file ends with its footer: `false` for a run that was killed (`haechi recover`).
    public var finalised: Bool
    /// Whether `haechi recover` wrote it.
    public var recovered: Bool
    /// Why reading stopped before the end of a file never finalised.
    public var readStopped: String?
    public var runID: String
    public var started: String
    public var configFile: String
    public var version: String
    public var commit: String
    public var site: String
    /// Frames recorded (decoded, malformed and shed).
    public var frames: UInt64
    /// The frames' receive times, and the record times (data time) their records carried.
    public var receiveTime: Span?
    public var dataTime: Span?
    /// Per source, as the decode stage counted them, and over all sources.
    public var sources: [String: SourceStatistics]
    public var totals: SourceStatistics
    /// Every channel of the file.
    public var channels: [Channel]
    /// Truth: drones with a channel of their own, and fixes (overflow channel included).
    public var truthDrones: Int
    public var truthFixes: UInt64
    /// Tracks: confirmed tracks with a channel of their own, fixes, and the live tracker's lines.
    public var trackChannels: Int
    public var trackFixes: UInt64
    public var trackLines: UInt64

    enum CodingKeys: String, CodingKey {
        case path, bytes, sha256, finalised, recovered, frames, sources, totals, channels, started, version, commit, site
        case readStopped = "read_stopped", runID = "run_id", configFile = "config_file", receiveTime = "receive_time"
        case dataTime = "data_time", truthDrones = "truth_drones", truthFixes = "truth_fixes", trackChannels = "track_channels"
        case trackFixes = "track_fixes", trackLines = "track_lines"
    }

    /// The report as pretty, key-sorted JSON text.
    public func jsonText() throws -> String { try summaryJSON(self) }
}
