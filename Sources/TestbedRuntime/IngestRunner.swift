// `haechi ingest`: run the ingest thread until a signal, the duration or an idle timeout; then summarise.
public import Logging
import TelemetryIngest
import TelemetryModel
import ZeroMQ
import Foundation

/// When an ingest run stops, and what it reports.
public struct IngestRunOptions: Sendable {
    /// Stop after this many seconds.
    public var duration: Double?
    /// Stop once a frame has arrived and then none for this many seconds.
    public var idleTimeout: Double?
    /// Write the JSON summary here.
    public var summaryPath: String?
    /// Show the live status line (only ever on a terminal).
    public var showStatus: Bool

    /// Options; with none set, the run lasts until a signal.
    public init(duration: Double? = nil, idleTimeout: Double? = nil, summaryPath: String? = nil, showStatus: Bool = true) {
        self.duration = duration
        self.idleTimeout = idleTimeout
        self.summaryPath = summaryPath
        self.showStatus = showStatus
    }
}

/// Runs `haechi ingest`.
public enum IngestRunner {
    /// How often the run loop checks its stop conditions; stopping takes at most this plus one poll.
    static let tick: Duration = .milliseconds(100)


    /// Runs ingest with `configuration` until a stop condition, writes the summary and returns it.
    ///
    /// Shuts down within about 200 ms of a signal: the loop ticks every 100 ms and the ingest
    /// thread polls every 50 ms.
    public static func run(configuration: IngestConfiguration, options: IngestRunOptions,
                           logger: Logger) throws(RuntimeError) -> IngestSummary {
        SignalTrap.install()
        let ingestor: TelemetryIngestor
        let tracking: LiveTrackingStage?
        do {
            let context = try ZMQContext()
            ingestor = try TelemetryIngestor(settings: configuration.ingestSettings, context: context, logger: logger)
            if configuration.tracking.enabled {
                do throws(ZMQError) {
                    tracking = try LiveTrackingStage(settings: configuration.tracking.settings, origin: configuration.site.origin,
                                                     sensors: configuration.sensors, publish: configuration.tracking.publish,
                                                     context: context)
                } catch {
                    throw RuntimeError(code: .ingest, file: configuration.file,
                                       message: "tracking.publish \(configuration.tracking.publish ?? ""): \(error.message)")
                }
                if let endpoint = tracking?.boundEndpoint { logger.info("publishing confirmed tracks on \(endpoint) (json/tracks)") }
            } else {
                tracking = nil
            }
            try ingestor.start(recordSinks: tracking.map { [$0] } ?? [])
        } catch let error as RuntimeError {
            throw error
        } catch let error as IngestError {
            throw RuntimeError(code: .ingest, file: configuration.file, message: error.message)
        } catch {
            throw RuntimeError(code: .ingest, file: configuration.file, message: "\(error)")
        }
        let started = WallClock.now()
        // Durations and idleness are measured on the monotonic clock: a GPS or NTP step of the
        // wall clock during a run must neither end it early nor keep it running.
        let clock = ContinuousClock()
        let startInstant = clock.now
        var status = StatusLine(enabled: options.showStatus)
        var lastStatus = startInstant
        var lastCount: UInt64 = 0
        var lastArrival: ContinuousClock.Instant?
        let reason: IngestStopReason
        while true {
            Thread.sleep(forTimeInterval: tick.inSeconds)
            let now = clock.now
            let elapsed = (now - startInstant).inSeconds
            if SignalTrap.stopSignal != nil { reason = .signal; break }
            if ingestor.hasEnded { reason = .failure; break }
            if let duration = options.duration, elapsed >= duration { reason = .duration; break }
            let snapshot = ingestor.snapshot()
            if snapshot.receiveSequence != lastCount {
                lastCount = snapshot.receiveSequence
                lastArrival = now
            }
            if let idle = options.idleTimeout, let lastArrival, (now - lastArrival).inSeconds >= idle {
                reason = .idle
                break
            }
            if now - lastStatus >= .seconds(1) {
                status.update(snapshot, now: WallClock.now(), elapsed: elapsed)
                lastStatus = now
            }
        }
        let statistics = ingestor.stop()
        tracking?.finish()
        status.finish()
        let summary = IngestSummary(configuration: configuration, statistics: statistics, started: started,
                                    ended: WallClock.now(), stopReason: reason, libzmqVersion: ZMQContext.libraryVersion,
                                    tracking: tracking?.counters)
        if let path = options.summaryPath {
            do {
                try summary.jsonText().write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw RuntimeError(code: .io, file: path, message: "cannot write the summary: \(error.localizedDescription)")
            }
        }
        if reason == .failure, let failure = ingestor.failure {
            throw RuntimeError(code: .ingest, file: configuration.file, message: failure.message)
        }
        return summary
    }
}
