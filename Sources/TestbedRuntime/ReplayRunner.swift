// `haechi replay`: a recording's frames back through the same decoders and tracker, on a virtual clock.
public import Logging
import SessionRecording
import MCAPCodec
import TelemetryIngest
import ZeroMQIngest
import TransportSettings
import TelemetryModel
import Tracking
import ZeroMQ
import LiveView
import Foundation
public import TestbedConfiguration

/// Runs `haechi replay`.
///
/// The recorded config (the `haechi.run` metadata) rebuilds the same `FrameProcessor` and tracking
/// stage as the live run, and the frames go through them in receive order with their recorded
/// receive times. Nothing reads the wall clock but the pacing, so the tracks are the live run's
/// byte for byte, at any speed.
public enum ReplayRunner {
    /// Replays `path`; returns the regenerated ingest summary.
    public static func run(path: String, options: ReplayOptions, logger: Logger) throws(RuntimeError) -> IngestSummary {
        let session = try RecordingAccess.open(path)
        if !session.isFinalised {
            logger.warning("\(path) was never finalised: replaying up to its last complete chunk (haechi recover repairs it)")
        }
        var configuration = try IngestConfiguration.parse(session.provenance.configText, file: session.provenance.configFile,
                                                          recordedTrackerText: session.provenance.trackerText)
        // The recorded `web:` is not served again: a replay often runs beside a live ingest that serves
        // that port. Only `--web` serves the replay's view, on the address it names.
        configuration.web.enabled = false
        if let web = options.web, let (address, port) = ReplayOptions.webAddress(web) {
            configuration.web.enabled = true
            configuration.web.address = address
            configuration.web.port = port
        }
        let view = configuration.web.enabled ? try IngestRunner.startWebView(configuration: configuration, mode: .replay) : nil
        defer { view?.server.stop() }
        if let view { options.progress?.announce("web view at \(view.address)") }
        let started = WallClock.now()
        let tracksFile = try options.tracksOut.map { path throws(RuntimeError) in try TrackLinesFile(path: path) }
        let comparison = TrackComparison()
        let context: ZMQContext
        let stage: LiveTrackingStage?
        var publisher = ZMQSocketGroup()
        do throws(ZMQError) {
            context = try ZMQContext()
            let file = tracksFile
            var stepHook: (@Sendable (TrackerStep) -> Void)?
            if let situation = view?.situation { stepHook = { step in situation.record(step: step) } }
            // As live: the tracker runs when the recorded config tracked (or tracks are asked for).
            stage = !configuration.tracking.enabled && tracksFile == nil ? nil : try LiveTrackingStage(settings: configuration.tracking.settings, origin: configuration.site.origin,
                                          sensors: configuration.sensors, publish: nil, context: context,
                                          trackHook: { _, line in
                                              file?.write(line)
                                              comparison.replayed(line)
                                          }, stepHook: stepHook)
            if let endpoint = options.publish {
                let socket = try ZMQSocket(context: context, type: .pub)
                try socket.setOption(.sendHighWaterMark, 1_000_000)
                try socket.setOption(.linger, 2_000)
                try socket.bind(endpoint)
                publisher.add(socket)
                // PUB drops what is sent before a subscriber has joined (ZeroMQ's slow joiner).
                Thread.sleep(forTimeInterval: 1)
            }
        } catch {
            throw RuntimeError(code: .ingest, message: "replay: \(error.message)")
        }
        var sinks: [any TelemetryRecordSink] = stage.map { [$0] } ?? []
        if let view { sinks.append(view.situation) }
        let processor = configuration.ingestSettings.pipelineConfiguration.makeFrameProcessor(recordSinks: sinks)
        let clock = ContinuousClock()
        let wallStart = clock.now
        var lastHealth = wallStart
        let progress = options.progress
        progress?.begin(total: session.frameTimeRange.map { Double($0.upperBound - $0.lowerBound) / 1e9 }, unit: .seconds)
        var firstTime: Int64?, paceStart: Int64?, firstReplayed: Int64?
        var replayed: UInt64 = 0, skipped: UInt64 = 0, published: UInt64 = 0, lastTime: Int64 = 0
        var publishFailure: String?
        let windowed = options.from != nil || options.to != nil
        let stop: MCAPError?
        var badFrame: RuntimeError?
        do {
            stop = try session.forEachFrame({ frame in
                let t = frame.receiveTime.nanosecondsSinceEpoch
                let first = firstTime ?? t
                firstTime = first
                let offset = Double(t - first) / 1e9
                if let from = options.from, offset < from { skipped += 1; return true }
                if let to = options.to, offset > to { return false }
                if case .factor(let factor) = options.speed {
                    let start = paceStart ?? t
                    paceStart = start
                    let due = wallStart + .nanoseconds(Int64(Double(t - start) / factor))
                    if due > clock.now { Thread.sleep(forTimeInterval: (due - clock.now).inSeconds) }
                }
                if firstReplayed == nil { firstReplayed = t }
                do throws(RuntimeError) { try Self.feed(frame, into: processor) } catch {
                    badFrame = error
                    return false
                }
                if publisher.count > 0, publishFailure == nil {
                    do throws(ZMQError) {
                        if try publisher.withSocket(at: 0, { (socket) throws(ZMQError) -> Bool in try socket.send(frame.parts, blocking: true) }) {
                            published += 1
                        }
                    } catch {
                        publishFailure = error.message
                    }
                }
                replayed += 1
                lastTime = t
                if let view, clock.now - lastHealth >= .seconds(1) {
                    // The view's ages are the recording's: measured at this frame's receive time.
                    lastHealth = clock.now
                    view.situation.update(health: .init(statistics: processor.statistics, now: frame.receiveTime, elapsedSeconds: offset,
                                                        tracksNow: stage?.confirmedTracks, tracksConfirmed: stage?.counters.tracker.confirmed,
                                                        recordingPath: path, recordingBytes: DiskSpace.fileSize(path)))
                }
                progress?.update(done: offset, note: "\(replayed) frames")
                return true
            }, tracks: { line in comparison.recorded(line) })
        } catch {
            throw RuntimeError(code: .io, file: path, message: error.message)
        }
        stage?.finish()
        progress?.finish()
        if let badFrame { throw RuntimeError(code: .io, file: path, message: badFrame.message) }
        if let stop { logger.warning("\(path): read up to \(stop.message)") }
        try tracksFile?.close()
        if let publishFailure { throw RuntimeError(code: .ingest, message: "replay --publish \(options.publish ?? ""): \(publishFailure)") }
        let wall = (clock.now - wallStart).inSeconds
        let span = firstReplayed.map { Double(lastTime - $0) / 1e9 } ?? 0
        let counters = ReplayCounters(
            recording: path, runID: session.provenance.runID, speed: options.speed.description, framesReplayed: replayed,
            framesSkipped: skipped, framesPublished: published, trackLines: comparison.replayedCount,
            recordedTrackLines: comparison.recordedCount,
            tracksMatchRecording: windowed || !configuration.tracking.enabled ? nil : comparison.matches,
            firstTrackDifference: windowed ? nil : comparison.firstDifference, recordedSeconds: span, wallSeconds: wall,
            realTimeFactor: wall > 0 ? span / wall : nil, recordingFinalised: session.isFinalised)
        var statistics = processor.statistics
        statistics.pipeline.ringSlots = configuration.pipeline.ringSlots
        statistics.pipeline.arenaBytes = configuration.pipeline.arenaBytes
        statistics.pipeline.trackingOverload = configuration.pipeline.trackingOverload
        let summary = IngestSummary(configuration: configuration, statistics: statistics, started: started,
                                    ended: WallClock.now(), stopReason: .endOfRecording, libzmqVersion: ZMQContext.libraryVersion,
                                    tracking: stage?.counters, replay: counters)
        if let path = options.summaryPath {
            do {
                try OutputFile.write(summary.jsonText(), to: path)
            } catch {
                throw RuntimeError(code: .io, file: path, message: "cannot write the summary: \(RuntimeError.reason(error))")
            }
        }
        return summary
    }

    /// One recorded frame through the decode stage, as the live pipeline did it. Throws, without
    /// feeding it, for a frame whose endpoint the recorded config does not have: a recording is
    /// input too, and a file edited to name endpoint 99 must give an error, not an index out of range.
    static func feed(_ frame: RecordedFrame, into processor: FrameProcessor) throws(RuntimeError) {
        guard frame.endpointIndex >= 0 && frame.endpointIndex < processor.endpointCount else {
            throw RuntimeError(code: .io, message: "frame \(frame.receiveSequence) names endpoint \(frame.endpointIndex), and the recorded "
                               + "config has \(processor.endpointCount): the recording was edited or is damaged")
        }
        FrameProcessor.lend(frame.parts) { parts in
            if frame.kind == .shed {
                processor.countShed(parts: parts, endpoint: frame.endpointIndex, receivedAt: frame.receiveTime,
                                    sequence: frame.receiveSequence, payloadBytes: frame.payloadBytes)
            } else {
                processor.process(parts: parts, endpoint: frame.endpointIndex, receivedAt: frame.receiveTime,
                                  sequence: frame.receiveSequence, payloadBytes: frame.payloadBytes, sender: frame.sender)
            }
        }
    }
}
