// From a replayed run to the report's figures, verdicts and plots: the Evaluation module, applied.
import Evaluation
import Reporting
import TelemetryModel
import Tracking
import SessionRecording
import Foundation

/// Scores a recorded run against a plan. Nothing here is fabricated: a figure that cannot be computed
/// (no truth, no overlap in time, no detections) is `nil` with a note, and its criterion is
/// NOT_EVALUABLE.
struct Evaluator {
    let plan: TestPlan
    let data: RecordedRunData

    struct Output {
        var figures: [ReportFigure] = []
        var verdicts: [ReportVerdict] = []
        var notEvaluable: [String] = []
        var conditions: [String] = []
        var decisionRule = ""
        var mapTruth: [ReportSeries] = []
        var mapTracks: [ReportSeries] = []
        var pdByRange: ReportSeries?
        var positionErrorOverTime: [ReportSeries] = []
        var ospaOverTime: ReportSeries?
        var gospaOverTime: ReportSeries?
        var timelines: [ReportTimeline] = []
    }

    func evaluate() -> Output {
        var out = Output()
        out.decisionRule = "Simple acceptance on one-sided confidence bounds (ILAC-G8:09/2019): PASS when the one-sided lower "
            + "bound (upper for ≤ criteria) at the stated confidence meets the requirement; FAIL when the opposite bound misses it; "
            + "otherwise INCONCLUSIVE, with the further runs or hours needed. Figures without an interval are decided on their "
            + "point estimate. Intervals: Clopper–Pearson (exact binomial) for proportions, Garwood (exact Poisson) for rates."
        let truths = data.truth.keys.sorted().compactMap { id -> TruthPath? in
            let states = data.truth[id]!.map { KinematicState(time: $0.time, position: $0.enu, velocity: $0.velocity) }
            return states.isEmpty ? nil : TruthPath(id: id, states: states)
        }
        var byTrack: [Int: [KinematicState]] = [:]
        for track in data.tracks {
            byTrack[track.trackID, default: []].append(KinematicState(time: track.time, position: track.state.position,
                                                                      velocity: track.state.velocity))
        }
        let tracks = byTrack.keys.sorted().map { TrackPath(id: String($0), states: byTrack[$0]!) }
        out.conditions.append("Recorded run \(data.provenance.runID): \(data.frames) frames, \(data.scans.count) sensor scans, "
                              + "\(truths.count) drones with truth, \(tracks.count) confirmed tracks (Haechi's tracker, replayed).")

        // The evaluation window: where truth exists and scans exist.
        let truthTimes = truths.flatMap { $0.states.map(\.time) }
        let scanTimes = data.scans.map(\.time)
        guard let truthStart = truthTimes.min(), let truthEnd = truthTimes.max() else {
            out.notEvaluable.append("No drone truth in the recording: no figure against truth can be computed.")
            decide(&out)
            return out
        }
        if let scanStart = scanTimes.min(), let scanEnd = scanTimes.max(), scanEnd < truthStart || scanStart > truthEnd {
            out.notEvaluable.append("The truth and the sensors' scans do not overlap in time: detection figures are not evaluable.")
        }
        let duration = Double(truthEnd.nanosecondsSinceEpoch - truthStart.nanosecondsSinceEpoch) / 1e9
        let grid = EvaluationGrid(epoch: truthStart, stepSeconds: 1, durationSeconds: max(0, duration))
        out.conditions.append(String(format: "Evaluation window: %.1f s of truth on a 1 s grid; OSPA/GOSPA c = %g m, p = %g; "
                                     + "track-to-truth association %g m.", duration, plan.ospaCutoff, plan.ospaOrder, plan.associationMetres))

        // Detection level, per sensor, with the plan's range bins (and every `within` edge).
        var edges = Set(plan.rangeBins)
        for criterion in plan.criteria { if let within = criterion.withinMetres { edges.insert(within) } }
        let bins = edges.sorted()
        let detectionScans = data.scans.compactMap { scan -> DetectionScan? in
            guard let sensor = data.sensors[scan.sensorID], let enu = sensor.enu else { return nil }
            return DetectionScan(time: scan.time, sensorID: scan.sensorID, scanID: scan.scanID, sensorPosition: enu,
                                 detections: scan.detections)
        }
        let sensorScores = DetectionLevelEvaluator(settings: DetectionLevelSettings(rangeBinEdges: bins))
            .score(scans: detectionScans, truth: truths, sensors: data.sensors.values.map(\.description))
        var allBins: [Double: DetectionTally] = [:]
        var hits = 0, trials = 0, falseAlarms = 0, scans = 0
        var exposure = 0.0
        var rangeErrors: [(MeasurementErrorSummary, String)] = []
        for score in sensorScores {
            hits += score.overall.hits
            trials += score.overall.trials
            falseAlarms += score.falseAlarms.count
            scans += score.falseAlarms.scans
            exposure += score.falseAlarms.exposureSeconds ?? 0
            for bin in score.rangeBins {
                allBins[bin.upperBound, default: DetectionTally()].hits += bin.tally.hits
                allBins[bin.upperBound, default: DetectionTally()].trials += bin.tally.trials
            }
            if let e = score.rangeError { rangeErrors.append((e, "range")) }
            addProportion(&out, key: "pd_\(score.sensorID)", hits: score.overall.hits, trials: score.overall.trials,
                          note: "sensor \(score.sensorID), all ranges")
            for bin in score.rangeBins where bin.tally.trials > 0 {
                addProportion(&out, key: "pd_\(score.sensorID)_\(Int(bin.lowerBound))_\(Int(bin.upperBound))m", hits: bin.tally.hits,
                              trials: bin.tally.trials,
                              note: "sensor \(score.sensorID), slant range \(Int(bin.lowerBound))–\(Int(bin.upperBound)) m")
            }
            for (axis, unit, error) in [("range", "m", score.rangeError), ("azimuth", "deg", score.azimuthError),
                                        ("elevation", "deg", score.elevationError)] {
                guard let error else { continue }
                out.figures.append(ReportFigure(key: "\(axis)_bias_\(unit)_\(score.sensorID)", value: error.bias, unit: unit,
                                                numerator: Double(error.count), note: "mean of measured minus true"))
                out.figures.append(ReportFigure(key: "\(axis)_rmse_\(unit)_\(score.sensorID)", value: error.rmse, unit: unit,
                                                numerator: Double(error.count)))
            }
        }
        if sensorScores.isEmpty { out.notEvaluable.append("No placed sensor with scans: detection figures are not evaluable.") }
        addProportion(&out, key: "pd", hits: hits, trials: trials, note: "all sensors, all ranges")
        for criterion in plan.criteria {
            guard let within = criterion.withinMetres else { continue }
            var h = 0, n = 0
            for (upper, tally) in allBins where upper <= within { h += tally.hits; n += tally.trials }
            addProportion(&out, key: criterion.figureKey, hits: h, trials: n, note: "all sensors, slant range ≤ \(Int(within)) m")
        }
        var x: [Double] = [], y: [Double] = [], lo: [Double] = [], hi: [Double] = []
        var lower = 0.0
        for upper in bins.dropFirst() {
            let tally = allBins[upper] ?? DetectionTally()
            if let cp = ClopperPearson(successes: tally.hits, trials: tally.trials) {
                let interval = cp.interval(confidence: plan.confidence)
                x.append((lower + upper) / 2); y.append(cp.proportion); lo.append(interval.lowerBound); hi.append(interval.upperBound)
            }
            lower = upper
        }
        out.pdByRange = x.isEmpty ? nil : ReportSeries(name: "Pd", x: x, y: y, lower: lo, upper: hi)
        if exposure > 0, let poisson = PoissonInterval(events: falseAlarms, exposure: exposure / 3600) {
            let interval = poisson.interval(confidence: plan.confidence)
            out.figures.append(ReportFigure(key: "false_alarms_per_hour", value: poisson.rate, unit: "1/h", lower: interval.lowerBound,
                                            upper: interval.upperBound, confidence: plan.confidence, method: "garwood-poisson",
                                            numerator: Double(falseAlarms), denominator: exposure / 3600))
        } else {
            out.figures.append(ReportFigure(key: "false_alarms_per_hour", value: nil, unit: "1/h", note: "no scan exposure"))
        }
        if scans > 0, let poisson = PoissonInterval(events: falseAlarms, exposure: Double(scans)) {
            let interval = poisson.interval(confidence: plan.confidence)
            out.figures.append(ReportFigure(key: "false_alarms_per_scan", value: poisson.rate, unit: "1/scan", lower: interval.lowerBound,
                                            upper: interval.upperBound, confidence: plan.confidence, method: "garwood-poisson",
                                            numerator: Double(falseAlarms), denominator: Double(scans)))
        }
        if let first = rangeErrors.first {
            out.figures.append(ReportFigure(key: "range_rmse_m", value: first.0.rmse, unit: "m", numerator: Double(first.0.count)))
        }

        // Track scoring (OSPA, GOSPA, SIAP) and track level.
        let scores = TrackScorer(cutoff: plan.ospaCutoff, order: plan.ospaOrder,
                                 associator: TrackToTruthAssociator(associationThreshold: plan.associationMetres))
            .score(truths: truths, tracks: tracks, grid: grid)
        out.figures.append(ReportFigure(key: "ospa_mean_m", value: scores.ospaMean, unit: "m"))
        out.figures.append(ReportFigure(key: "gospa_mean", value: scores.gospaMean, unit: "m"))
        out.figures.append(ReportFigure(key: "completeness", value: scores.siap.completeness, unit: ""))
        out.figures.append(ReportFigure(key: "ambiguity", value: scores.siap.ambiguity, unit: ""))
        out.figures.append(ReportFigure(key: "spuriousness", value: scores.siap.spuriousness, unit: ""))
        out.figures.append(ReportFigure(key: "siap_position_accuracy_m", value: scores.siap.positionAccuracy, unit: "m"))
        out.figures.append(ReportFigure(key: "siap_velocity_accuracy_mps", value: scores.siap.velocityAccuracy, unit: "m/s"))
        out.figures.append(ReportFigure(key: "rate_of_track_number_change_per_s", value: scores.siap.rateOfTrackNumberChange, unit: "1/s"))
        out.figures.append(ReportFigure(key: "longest_track_segment", value: scores.siap.longestTrackSegment, unit: ""))
        let t0 = Double(truthStart.nanosecondsSinceEpoch) / 1e9
        func seconds(_ t: Timestamp) -> Double { Double(t.nanosecondsSinceEpoch) / 1e9 - t0 }
        out.ospaOverTime = ReportSeries(name: "OSPA", x: scores.steps.map { seconds($0.time) }, y: scores.steps.map(\.ospa))
        out.gospaOverTime = ReportSeries(name: "GOSPA", x: scores.steps.map { seconds($0.time) }, y: scores.steps.map(\.gospa.distance))

        let references = data.sensors.values.compactMap(\.enu)
        let trackLevel = TrackLevelEvaluator(settings: TrackLevelSettings(associationGate: plan.associationMetres, matchThreshold: plan.associationMetres))
            .score(truth: truths, tracks: tracks, grid: grid, detections: sensorScores.flatMap(\.associations),
                   rangeReferences: references.isEmpty ? [.zero] : references)
        if let error = trackLevel.positionError {
            out.figures.append(ReportFigure(key: "horizontal_rmse_m", value: error.horizontalRMSE, unit: "m", numerator: Double(error.count)))
            out.figures.append(ReportFigure(key: "vertical_rmse_m", value: error.verticalRMSE, unit: "m", numerator: Double(error.count)))
            out.figures.append(ReportFigure(key: "position_rmse_3d_m", value: error.rmse3D, unit: "m", numerator: Double(error.count)))
            out.figures.append(ReportFigure(key: "horizontal_p95_m", value: error.horizontalPercentile95, unit: "m"))
            out.figures.append(ReportFigure(key: "vertical_p95_m", value: error.verticalPercentile95, unit: "m"))
            out.figures.append(ReportFigure(key: "position_p95_3d_m", value: error.percentile95_3D, unit: "m"))
            for (axis, value) in [("east", error.bias.x), ("north", error.bias.y), ("up", error.bias.z)] {
                out.figures.append(ReportFigure(key: "position_bias_\(axis)_m", value: value, unit: "m", note: "mean of track minus truth"))
            }
            out.figures.append(ReportFigure(key: "cep50_m", value: error.cep50, unit: "m"))
        } else {
            out.notEvaluable.append("No track record lies within \(Int(plan.associationMetres)) m of a drone: position error is not evaluable.")
        }
        out.figures.append(ReportFigure(key: "latency_s", value: trackLevel.latency?.lagSeconds, unit: "s",
                                        note: trackLevel.latency == nil ? "too few associated track records" : nil))
        out.figures.append(ReportFigure(key: "mota", value: trackLevel.clearMOT.mota, unit: ""))
        out.figures.append(ReportFigure(key: "motp_m", value: trackLevel.clearMOT.motp, unit: "m"))
        out.figures.append(ReportFigure(key: "idf1", value: trackLevel.identity.idf1, unit: ""))
        out.figures.append(ReportFigure(key: "id_switches", value: Double(trackLevel.idSwitches), unit: ""))
        out.figures.append(ReportFigure(key: "fragmentations", value: Double(trackLevel.fragmentations), unit: ""))
        out.figures.append(ReportFigure(key: "false_tracks_per_hour", value: trackLevel.falseTracks.perHour, unit: "1/h",
                                        numerator: Double(trackLevel.falseTracks.count), denominator: trackLevel.falseTracks.exposureSeconds / 3600))
        let firstDetections = trackLevel.drones.compactMap { $0.firstDetection?.range }
        let firstTracks = trackLevel.drones.compactMap { $0.firstConfirmedTrack?.range }
        out.figures.append(ReportFigure(key: "first_detection_range_m", value: firstDetections.min(), unit: "m",
                                        note: "the least of the drones' first-detection ranges; \(trackLevel.drones.count - firstDetections.count) drone(s) never detected (censored)"))
        out.figures.append(ReportFigure(key: "first_track_range_m", value: firstTracks.min(), unit: "m",
                                        note: "the least of the drones' first-track ranges; \(trackLevel.drones.count - firstTracks.count) drone(s) never tracked (censored)"))

        // Plots: the map, the error over time, the timelines.
        out.mapTruth = truths.map { ReportSeries(name: $0.id, x: $0.states.map(\.position.x), y: $0.states.map(\.position.y)) }
        out.mapTracks = tracks.map { ReportSeries(name: "track \($0.id)", x: $0.states.map(\.position.x), y: $0.states.map(\.position.y)) }
        for drone in trackLevel.drones {
            let matches = trackLevel.frames.compactMap { frame -> (Double, Double)? in
                frame.matches.first { $0.droneID == drone.droneID }.map { (seconds(frame.time), $0.distance) }
            }
            if !matches.isEmpty {
                out.positionErrorOverTime.append(ReportSeries(name: drone.droneID, x: matches.map(\.0), y: matches.map(\.1)))
            }
            out.timelines.append(timeline(drone, frames: trackLevel.frames, detections: sensorScores.flatMap(\.associations),
                                          seconds: seconds))
        }
        decide(&out)
        return out
    }

    private func addProportion(_ out: inout Output, key: String, hits: Int, trials: Int, note: String) {
        if let cp = ClopperPearson(successes: hits, trials: trials) {
            let interval = cp.interval(confidence: plan.confidence)
            out.figures.append(ReportFigure(key: key, value: cp.proportion, unit: "", lower: interval.lowerBound, upper: interval.upperBound,
                                            confidence: plan.confidence, method: "clopper-pearson", numerator: Double(hits),
                                            denominator: Double(trials), note: note))
        } else {
            out.figures.append(ReportFigure(key: key, value: nil, unit: "", note: "no detection opportunity (\(note))"))
        }
    }

    /// Per-drone timeline on the grid: tracked where a frame matched it, detected where a detection
    /// was associated within half a step, missed otherwise.
    private func timeline(_ drone: DroneTrackScore, frames: [TrackingFrame], detections: [DetectionAssociation],
                          seconds: (Timestamp) -> Double) -> ReportTimeline {
        let detected = Set(detections.filter { $0.droneID == drone.droneID }.map { Int(seconds($0.time).rounded()) })
        var segments: [[Double]] = []
        for frame in frames where frame.matches.contains(where: { $0.droneID == drone.droneID }) || frame.missedDroneIDs.contains(drone.droneID) {
            let t = seconds(frame.time)
            let state: Double = frame.matches.contains { $0.droneID == drone.droneID } ? 2 : (detected.contains(Int(t.rounded())) ? 1 : 0)
            if let last = segments.last, last[2] == state, abs(last[1] - t) < 1.5 {
                segments[segments.count - 1][1] = t + 1
            } else {
                segments.append([t, t + 1, state])
            }
        }
        return ReportTimeline(drone: drone.droneID, segments: segments,
                              firstDetectionSeconds: drone.firstDetection.map { seconds($0.time) }, firstDetectionRangeM: drone.firstDetection?.range,
                              firstTrackSeconds: drone.firstConfirmedTrack.map { seconds($0.time) }, firstTrackRangeM: drone.firstConfirmedTrack?.range)
    }

    /// Each criterion under the decision rule.
    private func decide(_ out: inout Output) {
        for criterion in plan.criteria {
            let requirement: ThresholdRequirement = criterion.sense == .atLeast ? .atLeast(criterion.requirement) : .atMost(criterion.requirement)
            guard let figure = out.figures.first(where: { $0.key == criterion.figureKey }), let value = figure.value else {
                out.verdicts.append(ReportVerdict(criterion: criterion.text, figureKey: criterion.figureKey, outcome: "NOT_EVALUABLE",
                                                  compared: nil, requirement: criterion.requirement,
                                                  explanation: "The figure could not be computed from this run; no verdict is given."))
                continue
            }
            var decision: ConformityDecision
            var further: Int?
            if figure.method == "clopper-pearson", let k = figure.numerator, let n = figure.denominator,
               let cp = ClopperPearson(successes: Int(k), trials: Int(n)) {
                decision = cp.decision(for: requirement, confidence: criterion.confidence)
                further = decision.furtherTrials?.fewestToPass
            } else if figure.method == "garwood-poisson", let k = figure.numerator, let exposure = figure.denominator,
                      let poisson = PoissonInterval(events: Int(k), exposure: exposure) {
                decision = poisson.decision(for: requirement, confidence: criterion.confidence)
                further = decision.furtherExposure?.fewestToPass.map { Int($0.rounded(.up)) }
            } else {
                decision = ConformityDecision(requirement: requirement, pointEstimate: value)
            }
            let outcome = decision.verdict.rawValue.uppercased()
            let compared = criterion.sense == .atLeast ? (decision.lowerBound ?? value) : (decision.upperBound ?? value)
            var explanation = decision.basis == .pointEstimate
                ? "Point estimate \(String(format: "%.4g", value)) against \(criterion.sense.rawValue) \(AcceptanceCriterion.number(criterion.requirement))."
                : "One-sided \(Int((criterion.confidence * 100).rounded())) % bound \(String(format: "%.4g", compared)) against \(criterion.sense.rawValue) \(AcceptanceCriterion.number(criterion.requirement)) (estimate \(String(format: "%.4g", value)))."
            if decision.verdict == .inconclusive, let further {
                explanation += figure.method == "garwood-poisson"
                    ? " About \(further) more hour(s) without events would settle it."
                    : " \(further) further successful trial(s) would settle it."
            }
            out.verdicts.append(ReportVerdict(criterion: criterion.text, figureKey: criterion.figureKey, outcome: outcome, compared: compared,
                                              requirement: criterion.requirement, furtherRunsNeeded: decision.verdict == .inconclusive ? further : nil,
                                              explanation: explanation))
        }
    }
}
