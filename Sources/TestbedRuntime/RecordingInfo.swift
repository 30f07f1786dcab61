// `haechi info`: what a recording holds, without replaying it through the tracker.
import SessionRecording
public import TelemetryIngest
import TelemetryModel
import TransportSettings
import RunLog
import MCAPCodec
import ZeroMQIngest
import Foundation
public import TestbedConfiguration

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

/// Runs `haechi info`.
public enum RecordingInfoRunner {
    /// Reads `path` through: its provenance, channels and frames.
    public static func run(path: String) throws(RuntimeError) -> RecordingInfo {
        let session = try RecordingAccess.open(path)
        let configuration = try RecordingAccess.configuration(of: session)
        let processor = configuration.ingestSettings.pipelineConfiguration.makeFrameProcessor()
        var frames: UInt64 = 0, trackLines: UInt64 = 0
        var firstReceive: Timestamp?, lastReceive: Timestamp?
        var badFrame: RuntimeError?
        let stop: MCAPError?
        do {
            stop = try session.forEachFrame({ frame in
                do throws(RuntimeError) { try ReplayRunner.feed(frame, into: processor) } catch {
                    badFrame = error
                    return false
                }
                frames += 1
                firstReceive = firstReceive ?? frame.receiveTime
                lastReceive = frame.receiveTime
                return true
            }, tracks: { _ in trackLines += 1 })
        } catch {
            throw RuntimeError(code: .io, file: path, message: error.message)
        }
        if let badFrame { throw RuntimeError(code: .io, file: path, message: badFrame.message) }
        let channels: [RecordedChannel]
        do {
            channels = try session.channels().channels
        } catch {
            throw RuntimeError(code: .io, file: path, message: error.message)
        }
        let statistics = processor.statistics
        let totals = statistics.totals
        var dataTime: RecordingInfo.Span?
        if let first = totals.firstRecordTime, let last = totals.lastRecordTime { dataTime = .init(first: first, last: last) }
        let truth = channels.filter { $0.topic.hasPrefix("/truth/") }
        let tracks = channels.filter { $0.topic.hasPrefix("/tracks/") }
        let provenance = session.provenance
        return RecordingInfo(
            path: path, bytes: session.byteCount, sha256: RunLog.sha256Hex(file: path) ?? "", finalised: session.isFinalised,
            recovered: session.library.hasPrefix("haechi recover"), readStopped: stop?.message, runID: provenance.runID,
            started: RunProvenance.utc(provenance.started), configFile: provenance.configFile, version: provenance.version,
            commit: provenance.commit, site: provenance.siteName, frames: frames,
            receiveTime: firstReceive.flatMap { first in lastReceive.map { .init(first: first, last: $0) } }, dataTime: dataTime,
            sources: statistics.sources, totals: totals,
            channels: channels.map { .init(topic: $0.topic, encoding: $0.messageEncoding, schema: $0.schemaName, messages: $0.messages) },
            truthDrones: truth.filter { $0.topic != RecordingLayout.truthOverflowTopic }.count,
            truthFixes: truth.reduce(0) { $0 + $1.messages },
            trackChannels: tracks.filter { $0.topic != RecordingLayout.trackOverflowTopic }.count,
            trackFixes: tracks.reduce(0) { $0 + $1.messages }, trackLines: trackLines)
    }
}
