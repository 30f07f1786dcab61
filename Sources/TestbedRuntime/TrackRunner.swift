// `haechi track`: the tracker in batch mode over a cuas-scenario/1 file.
public import Tracking
public import TelemetryModel
public import Geodesy
import Foundation

/// Runs the tracker over a recorded scenario file and writes the confirmed tracks as a track file.
public enum TrackRunner {
    /// Tracks `scenarioPath` with `settings`, writes the tracks to `outputPath`, and returns the summary
    /// (also written to `summaryPath`).
    ///
    /// Each line is decoded with the same decoder as live ingest. Lines that do not decode are counted
    /// by reason and skipped (the first few are listed by line number); nothing stops the run. Only the
    /// tracker's steps are timed, as the Stone Soup peer times only its `update_tracker` calls.
    public static func run(scenarioPath: String, outputPath: String, settings: TrackerSettings,
                           trackerPath: String?, summaryPath: String? = nil) throws(RuntimeError) -> TrackSummary {
        let reader = try TelemetryLineReader(path: scenarioPath, noun: "scenario")
        let writer = try LineWriter(path: outputPath, noun: "track file")
        var session = TrackingSession(settings: settings)
        var summary = TrackSummary(scenario: scenarioPath, out: outputPath, trackerConfig: trackerPath, settings: settings)
        let clock = ContinuousClock()
        var stepNanoseconds: [Int64] = []
        var writeError: RuntimeError?

        /// One timed tracker step, and its confirmed tracks written out.
        func step(_ scan: SensorScan) {
            let before = clock.now
            let result = session.process(scan)
            stepNanoseconds.append((clock.now - before).nanoseconds)
            guard let result else { return }
            for track in result.tracks where writeError == nil {
                do throws(RuntimeError) {
                    try writer.write(track.json(epoch: session.epoch))
                    summary.trackLines += 1
                } catch {
                    writeError = error
                }
            }
        }

        reader.forEachRecord { lineNumber, result in
            summary.lines += 1
            switch result {
            case .failure(let error):
                summary.noteBadLine(lineNumber, error)
            case .success(let decoded):
                session.observe(decoded.record)
                for scan in session.assembler.add(decoded.record) { step(scan) }
            }
            return writeError == nil
        }
        for scan in session.assembler.finish() { step(scan) }
        if let writeError { throw writeError }
        try writer.close()
        summary.finish(session: session, stepNanoseconds: stepNanoseconds)
        if let summaryPath {
            do {
                try (summary.jsonText() + "\n").write(toFile: summaryPath, atomically: true, encoding: .utf8)
            } catch {
                throw RuntimeError(code: .io, file: summaryPath, message: "cannot write the summary: \(error.localizedDescription)")
            }
        }
        return summary
    }
}

/// The tracker with what it needs from a feed: the site's frame (from a `meta` record or the config),
/// the sensors (from `sensor` records or the config), and scan assembly.
public struct TrackingSession: Sendable {
    /// The tracker.
    public var tracker: MultiTargetTracker
    /// Gathers records into scans.
    public var assembler = ScanAssembler()
    /// The site's ENU frame, once known.
    public private(set) var plane: LocalTangentPlane?
    /// The feed's epoch (a scenario's start), once known: track lines then carry `t_rel`.
    public private(set) var epoch: Timestamp?
    /// Sensors described without a position the tracker could use.
    public private(set) var unplacedSensors: Set<String> = []
    private var firstScan: Timestamp?, lastScan: Timestamp?

    /// Seconds of feed time between the first and the last scan.
    public var scenarioSpan: Double {
        guard let firstScan, let lastScan else { return 0 }
        return Double(lastScan.nanosecondsSinceEpoch - firstScan.nanosecondsSinceEpoch) / 1e9
    }

    /// A session with `settings`, optionally with the site and sensors already known (live ingest's config).
    public init(settings: TrackerSettings, origin: GeodeticPosition? = nil, sensors: [SensorDescription] = []) {
        tracker = MultiTargetTracker(settings: settings)
        plane = origin.map(LocalTangentPlane.init(origin:))
        for sensor in sensors { place(sensor) }
    }

    /// One tracker step.
    public mutating func process(_ scan: SensorScan) -> TrackerStep? {
        if firstScan == nil { firstScan = scan.time }
        lastScan = max(lastScan ?? scan.time, scan.time)
        return tracker.process(scan)
    }

    /// Takes what the tracker needs from a record that is not part of a scan.
    public mutating func observe(_ record: TelemetryRecord) {
        switch record {
        case .meta(let meta):
            if plane == nil, let origin = meta.origin { plane = LocalTangentPlane(origin: origin) }
            if epoch == nil { epoch = meta.epoch }
        case .sensor(let sensor):
            place(sensor)
        default:
            break
        }
    }

    private mutating func place(_ description: SensorDescription) {
        if let sensor = TrackerSensor(description, plane: plane, defaults: tracker.settings.sensors) {
            tracker.register(sensor)
            unplacedSensors.remove(description.sensorID)
        } else {
            unplacedSensors.insert(description.sensorID)
        }
    }
}
