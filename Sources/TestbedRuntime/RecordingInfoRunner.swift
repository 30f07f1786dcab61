// `haechi info`: a recording read through the recorded config's decode stage, without the tracker.
import SessionRecording
import TelemetryIngest
import TelemetryModel
import TransportSettings
import RunLog
import MCAPCodec
public import TestbedConfiguration

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
