// `haechi evaluate`: scores a track file against the truth of a cuas-scenario/1 file.
import Evaluation
import RunLog
import Reporting
import TelemetryModel
import Foundation
public import TestbedConfiguration

/// Reads a scenario's truth and a track file, scores the tracks (OSPA, GOSPA, SIAP; docs/evaluation.md)
/// and writes the scores as JSON.
public enum EvaluateRunner {
    /// How tracks are put on the truth grid (`--resample`).
    public enum Resampling: String, Sendable, CaseIterable {
        /// The latest state at most the hold old, moved forward with its velocity (the default).
        case hold
        /// Only the states exactly on the grid.
        case none
    }

    /// What to score, and how.
    public struct Options: Sendable {
        /// The cuas-scenario/1 file: its `meta` record and its `truth` records are read.
        public var scenarioPath: String
        /// The track file (`track` records; other record types are ignored).
        public var tracksPath: String
        /// Where to write the scores (JSON).
        public var outputPath: String
        /// OSPA and GOSPA cut-off c, metres.
        public var cutoff: Double = 100
        /// OSPA and GOSPA order p.
        public var order: Double = 1
        /// How tracks are put on the grid.
        public var resampling: Resampling = .hold
        /// The oldest a track state may be and still stand for a grid time, seconds.
        public var maximumHoldSeconds: Double = 2
        /// A test plan whose evaluation settings (c, p, association, hold, gates, bins, bootstrap)
        /// replace the options above, so that the figures equal `haechi report`'s.
        public var planPath: String?
        /// A recording whose truth (and scans) to score against instead of a scenario's.
        public var recordingPath: String?
        /// Where progress goes (the command line's progress bar); `nil`: nowhere.
        public var progress: (any RunProgress)?

        /// Options with the Stone Soup scorer's defaults.
        public init(scenarioPath: String, tracksPath: String, outputPath: String) {
            self.scenarioPath = scenarioPath
            self.tracksPath = tracksPath
            self.outputPath = outputPath
        }
    }

    /// Scores `options.tracksPath` against the truth of `options.scenarioPath`, writes the JSON to
    /// `options.outputPath` and returns it.
    ///
    /// A line of either file that does not decode is an error (a score is never made from part of a
    /// file); so are a scenario without a usable `meta` record (`epoch_ns`, `truth_dt_s`,
    /// `duration_s`) or without truth, and a truth record without `enu`.
    public static func run(_ options: Options) throws(RuntimeError) -> TrackScoreSummary {
        var options = options
        let plan: TestPlan
        if let planPath = options.planPath {
            plan = try TestPlan.load(path: planPath)
            options.cutoff = plan.ospaCutoff
            options.order = plan.ospaOrder
            options.maximumHoldSeconds = plan.holdSeconds
        } else {
            plan = TestPlan.evaluationDefaults(cutoff: options.cutoff, order: options.order, holdSeconds: options.maximumHoldSeconds)
        }
        let progress = options.progress
        defer { progress?.finish() }
        progress?.phase(options.recordingPath == nil ? "reading the truth of \(options.scenarioPath)" : "reading \(options.recordingPath ?? "")")
        let scenarioTruth = options.recordingPath == nil
            ? try ScenarioLines.with(options.scenarioPath) { (lines) throws(RuntimeError) in try readTruth(lines) } : nil
        progress?.phase("reading the tracks of \(options.tracksPath)")
        let tracks = try readTracks(options.tracksPath)
        let input: EvaluationInput
        let epoch: Timestamp
        let trackSHA = RunLog.sha256Hex(file: options.tracksPath) ?? ""
        var recorded: RecordedRunData?
        if let recordingPath = options.recordingPath {
            let data = try RecordedRunData.load(path: recordingPath)
            recorded = data
            input = try EvaluationInput.recorded(data, tracks: .file(path: options.tracksPath, tracks: tracks, sha256: trackSHA))
            epoch = input.span?.lowerBound ?? Timestamp(nanosecondsSinceEpoch: 0)
        } else if let truth = scenarioTruth {
            epoch = truth.epoch
            let end = Timestamp(nanosecondsSinceEpoch: truth.epoch.nanosecondsSinceEpoch + Int64((truth.durationSeconds * 1e9).rounded()))
            input = EvaluationInput(runID: (options.scenarioPath as NSString).lastPathComponent, truths: truth.paths, truthAccuracy: [:],
                                    tracks: tracks, trackSource: .file(path: options.tracksPath, sha256: trackSHA),
                                    scans: [], sensors: [], sensorPositions: [], span: truth.epoch...end, frames: 0)
        } else {
            throw RuntimeError(code: .io, file: options.scenarioPath, message: "no truth to score against")
        }
        progress?.phase("scoring \(tracks.count) tracks against \(input.truths.count) truths")
        var evaluation = Evaluator(plan: plan, input: input).evaluate()
        // As `haechi report --tracks` does: Haechi's own tracker beside the system's, from the recording.
        if let recorded { try evaluation.addReferenceTracker(plan: plan, data: recorded) }
        let grid = evaluation.grid ?? EvaluationGrid(times: [], nominalStepNanoseconds: 1)
        let associator = TrackToTruthAssociator(associationThreshold: plan.associationMetres)
        // The Evaluator's own scores unless the tracks are to be taken only where they fall on the grid.
        let scores = if options.resampling == .hold, let scored = evaluation.trackScores { scored } else {
            TrackScorer(cutoff: options.cutoff, order: options.order, associator: associator, resampler: GridAlignedTrackResampler(),
                        maximumTruthGapSeconds: plan.truthGapSeconds)
                .score(truths: input.truths, tracks: tracks, grid: grid)
        }
        var summary = TrackScoreSummary(options: options, epoch: epoch, grid: grid, associator: associator,
                                        truths: input.truths, scores: scores)
        summary.figures = evaluation.figures
        do {
            try OutputFile.write(summaryJSON(summary), to: options.outputPath)
        } catch {
            throw RuntimeError(code: .io, file: options.outputPath, message: "cannot write the scores: \(RuntimeError.reason(error))")
        }
        return summary
    }

    /// The truth paths, in the order of their first record, and the evaluation grid of the `meta` record.
    static func readTruth(_ path: String) throws(RuntimeError) -> (paths: [TruthPath], epoch: Timestamp, durationSeconds: Double) {
        let reader = try TelemetryLineReader(path: path, noun: "scenario")
        var meta: ScenarioMeta?
        var order: [String] = []
        var states: [String: [KinematicState]] = [:]
        var failure: RuntimeError?
        reader.forEachRecord { line, result in
            switch result {
            case .failure(let error):
                failure = RuntimeError(code: .io, file: path, line: line, message: "\(error.message) (\(error.reason.rawValue))")
            case .success(let decoded):
                switch decoded.record {
                case .meta(let record):
                    if meta == nil { meta = record }
                case .truth(let fix):
                    guard let enu = fix.enu else {
                        failure = RuntimeError(code: .io, file: path, line: line, field: "enu",
                                               message: "a truth record needs its ENU position to be scored")
                        break
                    }
                    if states[fix.droneID] == nil { order.append(fix.droneID) }
                    states[fix.droneID, default: []].append(KinematicState(time: fix.time, position: enu, velocity: fix.velocityENU))
                default:
                    break
                }
            }
            return failure == nil
        }
        if let failure { throw failure }
        guard let meta else { throw RuntimeError(code: .io, file: path, message: "no meta record: the evaluation grid comes from its epoch_ns, truth_dt_s and duration_s") }
        guard let epoch = meta.epoch, let step = meta.truthStepSeconds, let duration = meta.durationSeconds else {
            let missing = [("epoch_ns", meta.epoch == nil), ("truth_dt_s", meta.truthStepSeconds == nil), ("duration_s", meta.durationSeconds == nil)]
                .filter(\.1).map(\.0).joined(separator: ", ")
            throw RuntimeError(code: .io, file: path, field: "meta", message: "the meta record lacks \(missing): the evaluation grid comes from them")
        }
        guard step >= 1e-9, duration >= 0, duration / step <= 10_000_000 else {
            throw RuntimeError(code: .io, file: path, field: "meta",
                               message: "truth_dt_s \(step) and duration_s \(duration) do not make an evaluation grid (a positive step, at most 10 million points)")
        }
        guard !order.isEmpty else {
            throw RuntimeError(code: .io, file: path, message: "no truth records: there is nothing to score the tracks against")
        }
        _ = step
        return (order.map { TruthPath(id: $0, states: states[$0]!) }, epoch, duration)
    }

    /// The tracks, in the order of their first record; integer and text ids with the same text are one track.
    static func readTracks(_ path: String) throws(RuntimeError) -> [TrackPath] {
        let reader = try TelemetryLineReader(path: path, noun: "track file")
        var order: [String] = []
        var states: [String: [KinematicState]] = [:]
        var failure: RuntimeError?
        reader.forEachRecord { line, result in
            switch result {
            case .failure(let error):
                failure = RuntimeError(code: .io, file: path, line: line, message: "\(error.message) (\(error.reason.rawValue))")
            case .success(let decoded):
                if case .track(let report) = decoded.record {
                    if states[report.trackID] == nil { order.append(report.trackID) }
                    states[report.trackID, default: []].append(KinematicState(time: report.time, position: report.enu, velocity: report.velocity))
                }
            }
            return failure == nil
        }
        if let failure { throw failure }
        return order.map { TrackPath(id: $0, states: states[$0]!) }
    }
}
