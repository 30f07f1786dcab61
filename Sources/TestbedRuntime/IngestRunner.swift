// `haechi ingest`: run the ingest thread until a signal, the duration or an idle timeout; then summarise.
public import Logging
import TelemetryIngest
import ZeroMQIngest
import TelemetryModel
import TransportSettings
import Tracking
import TrackingMath
import ZeroMQ
import SessionRecording
import LiveView
import Foundation
public import TestbedConfiguration

/// Runs `haechi ingest`.
public enum IngestRunner {
    /// How often the run loop checks its stop conditions; stopping takes at most this plus one poll.
    static let tick: Duration = .milliseconds(100)


    /// The tracking stage's hook: each track to the recorder and to `--tracks-out`.
    static func trackHook(recorder: SessionRecorder?, file: TrackLinesFile?) -> (@Sendable (TrackOutput, String) -> Void)? {
        if recorder == nil && file == nil { return nil }
        return { track, line in
            file?.write(line)
            let c = track.state.covariance
            recorder?.record(track: track.trackID, time: track.time, enu: track.state.position, velocity: track.state.velocity,
                             horizontalVariance: 0.5 * (c[0, 0] + c[1, 1]), verticalVariance: c[2, 2], line: line)
        }
    }

    /// The tracking stage's step hook: every step's tracks to the recorder, for its map picture and 3D
    /// scene, and to the web view, on the decode thread; and to the track outputs through `outputs`.
    static func stepHook(recorder: SessionRecorder?, outputs: OutputThread<TrackerStep>?,
                         view: LiveSituation? = nil) -> (@Sendable (TrackerStep) -> Void)? {
        guard recorder != nil || outputs != nil || view != nil else { return nil }
        return { step in
            view?.record(step: step)
            outputs?.submit(step)
            recorder?.record(step: step.time, tracks: step.tracks.map { track in
                let c = track.state.covariance
                return (id: track.trackID, enu: track.state.position, velocity: track.state.velocity,
                        horizontalVariance: 0.5 * (c[0, 0] + c[1, 1]), verticalVariance: c[2, 2])
            })
        }
    }

    /// The thread that sends each step to the configured track outputs (CoT, SAPIENT, CAT062), if any.
    static func outputThread(cot: CotOutput?, asterix062: Asterix062Output?, sapient: SapientOutput?) -> OutputThread<TrackerStep>? {
        guard cot != nil || asterix062 != nil || sapient != nil else { return nil }
        return OutputThread(name: "haechi-outputs") { step in
            sapient?.send(step)
            cot?.send(step)
            asterix062?.send(step)
        }
    }

    /// The web view of `configuration`'s `web:` section, serving (it is fed by the caller).
    static func startWebView(configuration: IngestConfiguration, mode: LiveSituation.Mode) throws(RuntimeError)
        -> (situation: LiveSituation, server: LiveViewServer, address: String) {
        let situation = LiveSituation(mode: mode, siteName: configuration.site.name, origin: configuration.site.origin,
                                      sensors: configuration.sensors, expected: configuration.expectedSensors,
                                      tiles: configuration.web.tiles != nil)
        do throws(LiveViewError) {
            let server = try LiveViewServer(settings: configuration.web, situation: situation)
            return (situation, server, try server.start())
        } catch {
            throw RuntimeError(code: .ingest, file: configuration.file, message: "web: \(error.message)")
        }
    }

    /// Runs ingest with `configuration` until a stop condition, writes the summary and returns it.
    ///
    /// Shuts down within about 200 ms of a signal: the loop ticks every 100 ms and the ingest
    /// thread polls every 50 ms.
    public static func run(configuration: IngestConfiguration, options: IngestRunOptions,
                           logger: Logger) throws(RuntimeError) -> IngestSummary {
        SignalTrap.install()
        let started = WallClock.now()
        if let directory = options.recordDirectory {
            let unfinished = SessionFiles.unfinished(in: directory)
            if !unfinished.isEmpty {
                let list = unfinished.map { "  \($0)   (repair: haechi recover \($0))" }.joined(separator: "\n")
                let message = "haechi: \(unfinished.count) unfinished recording(s) in \(directory), "
                    + "left by a run that did not stop cleanly:\n\(list)\n"
                FileHandle.standardError.write(Data(message.utf8))
            }
        }
        // The range's key signs the run-log entry: checked before anything is received.
        let rangeKey = try options.recordDirectory.map { directory throws(RuntimeError) in
            try RangeKey.load(path: options.rangeKeyPath, logPath: RunLogging.logPath(recordDirectory: directory)).0
        }
        // CURVE endpoints' server keys are read now (never at a replay); exposed binds are said out loud.
        let settings = try CurveKeys.loadServerKeys(configuration.ingestSettings, recordDirectory: options.recordDirectory)
        for warning in configuration.exposureWarnings {
            FileHandle.standardError.write(Data("haechi: warning: \(warning)\n".utf8))
        }
        let ingestor: TelemetryIngestor
        let tracking: LiveTrackingStage?
        var recorder: SessionRecorder?
        let tracksFile: TrackLinesFile?
        var cot: CotOutput?
        var asterix062: Asterix062Output?
        var sapientOutput: SapientOutput?
        var outputs: OutputThread<TrackerStep>?
        var view: (situation: LiveSituation, server: LiveViewServer, address: String)?
        do {
            tracksFile = try options.tracksOut.map { path throws(RuntimeError) in try TrackLinesFile(path: path) }
            recorder = try options.recordDirectory.map { directory throws(RuntimeError) in
                try SessionFiles.makeRecorder(directory: directory, configuration: configuration, started: started, options: options.recording)
            }
            recorder?.recordSites(configuration.sensors, at: started)
            let context = try ZMQContext()
            ingestor = try TelemetryIngestor(settings: settings, context: context, logger: logger)
            if configuration.cot.enabled {
                cot = try CotOutput(settings: configuration.cot, origin: configuration.site.origin)
            }
            if configuration.sapientOutput.enabled {
                sapientOutput = try SapientOutput(settings: configuration.sapientOutput, origin: configuration.site.origin)
            }
            if configuration.asterix062.enabled {
                asterix062 = try Asterix062Output(settings: configuration.asterix062, origin: configuration.site.origin)
            }
            if configuration.web.enabled {
                view = try Self.startWebView(configuration: configuration, mode: .live)
            }
            outputs = Self.outputThread(cot: cot, asterix062: asterix062, sapient: sapientOutput)
            if configuration.tracking.enabled || tracksFile != nil {
                let hook = Self.trackHook(recorder: recorder, file: tracksFile)
                do throws(ZMQError) {
                    tracking = try LiveTrackingStage(settings: configuration.tracking.settings, origin: configuration.site.origin,
                                                     sensors: configuration.sensors,
                                                     publish: configuration.tracking.enabled ? configuration.tracking.publish : nil,
                                                     context: context, trackHook: hook, stepHook: Self.stepHook(recorder: recorder, outputs: outputs,
                                                                                             view: view?.situation))
                } catch {
                    throw RuntimeError(code: .ingest, file: configuration.file,
                                       message: "tracking.publish \(configuration.tracking.publish ?? ""): \(error.message)")
                }
                if let endpoint = tracking?.boundEndpoint { logger.info("publishing confirmed tracks on \(endpoint) (json/tracks)") }
            } else {
                tracking = nil
            }
            var recordSinks: [any TelemetryRecordSink] = []
            if let recorder { recordSinks.append(RecorderRecordSink(recorder: recorder)) }
            if let tracking { recordSinks.append(tracking) }
            if let view { recordSinks.append(view.situation) }
            try ingestor.start(rawSinks: recorder.map { [$0] } ?? [], recordSinks: recordSinks)
            if let recorder, let directory = options.recordDirectory {
                // Logged as soon as it runs, so that a run killed before it ends is still in the log.
                do {
                    try RunLogging.logRunStart(recorder: recorder, configuration: configuration, started: started,
                                               log: RunLogging.logPath(recordDirectory: directory), signingKey: rangeKey)
                } catch {
                    _ = ingestor.stop()
                    tracking?.finish()
                    throw error
                }
                logger.info("recording to \(recorder.path)")
            }
            if let view { logger.info("web view at \(view.address)") }
            options.observer?.started(IngestStart(configuration: configuration, version: HaechiVersion.version, recordingPath: recorder?.path,
                                                  tracksEndpoint: tracking?.boundEndpoint, webAddress: view?.address,
                                                  idleTimeout: options.idleTimeout, duration: options.duration))
        } catch let error as RuntimeError {
            recorder?.abandon()
            view?.server.stop()
            outputs?.finish()
            throw error
        } catch let error as IngestError {
            recorder?.abandon()
            view?.server.stop()
            outputs?.finish()
            throw RuntimeError(code: .ingest, file: configuration.file, message: error.message)
        } catch {
            recorder?.abandon()
            view?.server.stop()
            outputs?.finish()
            throw RuntimeError(code: .ingest, file: configuration.file, message: "\(error)")
        }
        // Durations and idleness are measured on the monotonic clock: a GPS or NTP step of the
        // wall clock during a run must neither end it early nor keep it running.
        let clock = ContinuousClock()
        let startInstant = clock.now
        var lastStatus = startInstant
        var lastSummary = startInstant
        var lastCount: UInt64 = 0
        var lastArrival: ContinuousClock.Instant?
        let reason: IngestStopReason
        while true {
            Thread.sleep(forTimeInterval: tick.inSeconds)
            let now = clock.now
            let elapsed = (now - startInstant).inSeconds
            if SignalTrap.stopSignal != nil { reason = .signal; break }
            if ingestor.hasEnded { reason = .failure; break }
            if recorder?.failure != nil { reason = .recordingFailure; break }
            if let duration = options.duration, elapsed >= duration { reason = .duration; break }
            let snapshot = ingestor.snapshot()
            if snapshot.receiveSequence != lastCount {
                lastCount = snapshot.receiveSequence
                lastArrival = now
            }
            if let startup = options.startupTimeout, lastArrival == nil, elapsed >= startup {
                reason = .noFrames
                break
            }
            if let idle = options.idleTimeout, let lastArrival, (now - lastArrival).inSeconds >= idle {
                reason = .idle
                break
            }
            if now - lastStatus >= .seconds(1) {
                // One reading a second, for the terminal and the web view alike.
                let health = RunHealth(statistics: snapshot, now: WallClock.now(), elapsedSeconds: elapsed, tracksNow: tracking?.confirmedTracks,
                                       tracksConfirmed: tracking?.counters.tracker.confirmed, recordingPath: recorder?.path,
                                       recordingBytes: recorder.map { DiskSpace.fileSize($0.path) },
                                       freeBytes: recorder.flatMap { DiskSpace.freeBytes(near: $0.path) })
                options.observer?.tick(health)
                view?.situation.update(health: health)
                lastStatus = now
            }
            if let interval = options.summaryInterval, let path = options.summaryPath, (now - lastSummary).inSeconds >= interval {
                lastSummary = now
                let interim = IngestSummary(configuration: configuration, statistics: snapshot, started: started, ended: WallClock.now(),
                                            stopReason: .running, libzmqVersion: ZMQContext.libraryVersion, tracking: tracking?.counters,
                                            recording: recorder.map { RecordingCounters(recorder: $0, finalised: false) })
                // Atomic: a reader never sees half a summary. A failure here is not the run's: it is logged.
                do { try OutputFile.write(interim.jsonText(), to: path) } catch {
                    logger.warning("cannot write the interim summary \(path): \(RuntimeError.reason(error))")
                }
            }
        }
        let statistics = ingestor.stop()
        tracking?.finish()
        outputs?.finish()
        view?.server.stop()
        options.observer?.stopped()
        let ended = WallClock.now()
        var recordingFailure: RuntimeError?
        if let recorder {
            do {
                try recorder.finish(end: ["ended_ns": "\(ended.nanosecondsSinceEpoch)", "ended_utc": RunProvenance.utc(ended),
                                          "stop_reason": reason.rawValue, "frames_received": "\(statistics.receiveSequence)"])
            } catch {
                recordingFailure = RuntimeError(code: .io, file: recorder.path, message: error.message)
            }
        }
        if let recorder, let directory = options.recordDirectory {
            let log = RunLogging.logPath(recordDirectory: directory)
            if let failure = recordingFailure ?? recorder.failure.map({ RuntimeError(code: .io, file: recorder.path, message: $0.message) }) {
                // The run's end, though its recording is unfinished: without it, the run would look killed.
                do {
                    try RunLogging.logRunFailure(recorder: recorder, configuration: configuration, statistics: statistics,
                                                 failure: failure.message, log: log, signingKey: rangeKey)
                } catch {
                    logger.error("\(error.message)")
                }
            } else {
                do {
                    try RunLogging.logRecording(recorder: recorder, configuration: configuration, statistics: statistics, log: log,
                                                signingKey: rangeKey)
                } catch {
                    logger.error("\(error.message)")
                    recordingFailure = error
                }
            }
        }
        var tracksFailure: RuntimeError?
        do { try tracksFile?.close() } catch { tracksFailure = error }
        let summary = IngestSummary(configuration: configuration, statistics: statistics, started: started,
                                    ended: ended, stopReason: reason, libzmqVersion: ZMQContext.libraryVersion,
                                    tracking: tracking?.counters,
                                    recording: recorder.map { RecordingCounters(recorder: $0, finalised: recordingFailure == nil) },
                                    cot: cot?.counters, asterix062: asterix062?.counters, sapient: sapientOutput?.counters)
        if let path = options.summaryPath {
            do {
                try OutputFile.write(summary.jsonText(), to: path)
            } catch {
                throw RuntimeError(code: .io, file: path, message: "cannot write the summary: \(RuntimeError.reason(error))")
            }
        }
        if reason == .noFrames {
            throw RuntimeError(code: .ingest, file: configuration.file,
                               message: "no frame arrived in the first \((options.startupTimeout ?? 0).formatted()) s (--startup-timeout): "
                                   + "is the sender running, and pointed at \(configuration.endpoints.map(\.address).joined(separator: ", "))?")
        }
        if reason == .failure, let failure = ingestor.failure {
            throw RuntimeError(code: .ingest, file: configuration.file, message: failure.message)
        }
        if let failure = recorder?.failure {
            throw RuntimeError(code: .io, file: recorder?.path, message: failure.message + " (ingest stopped; what was recorded before is kept"
                               + (recordingFailure == nil ? " and finalised)" : ": `haechi recover` rebuilds it)"))
        }
        if let recordingFailure { throw recordingFailure }
        if let tracksFailure { throw tracksFailure }
        return summary
    }
}
