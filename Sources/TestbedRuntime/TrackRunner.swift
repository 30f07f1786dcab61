// `haechi track`: the tracker in batch mode over a cuas-scenario/1 file.
public import Tracking
import TelemetryModel
import Geodesy
import Foundation
public import TestbedConfiguration

/// Runs the tracker over a recorded scenario file and writes the confirmed tracks as a track file.
public enum TrackRunner {
    /// Tracks `scenarioPath` with `settings`, writes the tracks to `outputPath`, and returns the summary
    /// (also written to `summaryPath`).
    ///
    /// Each line is decoded with the same decoder as live ingest. Lines that do not decode are counted
    /// by reason and skipped (the first few are listed by line number); nothing stops the run. Only the
    /// tracker's steps are timed, as the Stone Soup peer times only its `update_tracker` calls.
    ///
    /// `scenarioPath` names the scenario's JSON lines or its description (``ScenarioLines``).
    public static func run(scenarioPath: String, outputPath: String, settings: TrackerSettings,
                           trackerPath: String?, summaryPath: String? = nil, progress: (any RunProgress)? = nil) throws(RuntimeError) -> TrackSummary {
        try ScenarioLines.with(scenarioPath) { (lines) throws(RuntimeError) in
            try track(lines: lines, scenarioPath: scenarioPath, outputPath: outputPath, settings: settings, trackerPath: trackerPath,
                      summaryPath: summaryPath, progress: progress)
        }
    }

    private static func track(lines: String, scenarioPath: String, outputPath: String, settings: TrackerSettings,
                              trackerPath: String?, summaryPath: String?, progress: (any RunProgress)?) throws(RuntimeError) -> TrackSummary {
        let reader = try TelemetryLineReader(path: lines, noun: "scenario")
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

        progress?.begin(total: Double(reader.byteCount), unit: .bytes)
        defer { progress?.finish() }
        reader.forEachRecord(progress: { done in progress?.update(done: Double(done), note: "\(stepNanoseconds.count) scans") }) { lineNumber, result in
            summary.lines += 1
            switch result {
            case .failure(let error):
                summary.noteBadLine(lineNumber, error)
            case .success(let decoded):
                for scan in session.feed(decoded.record) { step(scan) }
            }
            return writeError == nil
        }
        for scan in session.finishScans() { step(scan) }
        if let writeError { throw writeError }
        try writer.close()
        summary.finish(session: session, stepNanoseconds: stepNanoseconds)
        if let summaryPath {
            do {
                try OutputFile.write(summary.jsonText() + "\n", to: summaryPath)
            } catch {
                throw RuntimeError(code: .io, file: summaryPath, message: "cannot write the summary: \(RuntimeError.reason(error))")
            }
        }
        return summary
    }
}
