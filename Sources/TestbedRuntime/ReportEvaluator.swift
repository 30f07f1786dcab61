// From an evaluation's inputs to its figures, bounds and verdicts: the one path of evaluate, report and campaign.
import Evaluation
import Geodesy
import Reporting
import TelemetryIngest
import TelemetryModel
import Foundation
import TestbedConfiguration

/// Scores one run against a plan. `haechi evaluate`, `haechi report` and `haechi campaign` all call
/// this, with the plan's settings, so a figure cannot differ between them.
///
/// - Every figure on a grid is computed on truth's own timeline (``EvaluationGrid/truthTimeline(of:span:)``).
/// - Every figure a criterion can use carries a bound with its method named: Pd an interval on an
///   effective sample size (Korn–Graubard, AR(1) design effect along each drone's scans); continuous
///   figures a seeded moving-block bootstrap over time blocks, resampling whole drones; counts of
///   false alarms and false tracks the exact Poisson (Garwood) interval, per sensor-hour and per
///   system-hour. A figure that cannot be computed is `nil` with a note, and its criterion is
///   NOT_EVALUABLE. Nothing here reads the wall clock.
struct Evaluator {
    let plan: TestPlan
    let input: EvaluationInput

    struct Output {
        var figures: [ReportFigure] = []
        var verdicts: [ReportVerdict] = []
        var notEvaluable: [ReportText] = []
        var deviations: [ReportText] = []
        var conditions: [ReportText] = []
        var settings: [ReportField] = []
        var budget: [ReportField] = []
        var budgetNotes: [ReportText] = []
        var decisionRule = ReportText(verbatim: "")
        var mapTruth: [ReportSeries] = []
        var mapTracks: [ReportSeries] = []
        var pdByRange: ReportSeries?
        var positionErrorOverTime: [ReportSeries] = []
        var ospaOverTime: ReportSeries?
        var gospaOverTime: ReportSeries?
        var timelines: [ReportTimeline] = []
        /// The scores behind the figures, for `haechi evaluate`'s Stone Soup-compatible summary.
        var trackScores: TrackScores?
        var grid: EvaluationGrid?
        /// How each figure's criterion is decided: the statistic behind it, at any confidence.
        var deciders: [String: Decider] = [:]
        /// The detection associations found, for the track level and the timelines.
        var detectionAssociations: [DetectionAssociation] = []
        /// Each drone's entry into coverage: its first detection opportunity at any sensor.
        var entryTimes: [String: Timestamp] = [:]
    }

    /// How a figure's criterion is decided, and in what unit further evidence is counted.
    enum Decider {
        case correlatedProportion(CorrelatedProportion)
        case poisson(PoissonInterval, unit: String)
        case bootstrap(BootstrapBounds)
    }

    /// A bootstrapped figure: its replicates' one-sided bounds at any confidence, and the duration it
    /// came from (for the further hours needed, assuming the bound narrows as 1/√duration).
    struct BootstrapBounds {
        var result: MovingBlockBootstrap
        var durationHours: Double
    }

    // MARK: The evaluation

    func evaluate() -> Output {
        var out = Output()
        out.decisionRule = decisionRuleText()
        out.settings = settingsFields()
        let truths = input.truths
        let tracks = input.tracks
        out.conditions.append(ReportText(
            ko: "시험 실행 \(input.runID): 프레임 \(input.frames)개, 센서 스캔 \(input.scans.count)회, 실제 위치가 있는 드론 \(truths.count)대, 항적 \(tracks.count)개 (\(trackSourceText().ko)).",
            en: "Run \(input.runID): \(input.frames) frames, \(input.scans.count) sensor scans, \(truths.count) drones with truth, \(tracks.count) tracks (\(trackSourceText().en))."))

        guard !truths.isEmpty else {
            out.notEvaluable.append(ReportText(ko: "기록에 드론의 실제 위치(기준)가 없어, 기준 대비 수치를 산출할 수 없습니다.",
                                               en: "No drone truth in the recording: no figure against truth can be computed."))
            referenceBudget(&out)
            decide(&out)
            return out
        }
        let grid = EvaluationGrid.truthTimeline(of: truths, span: input.span)
        out.grid = grid
        if grid.fillLimited {
            out.deviations.append(ReportText(
                ko: "실제 위치가 없는 구간이 너무 길어(시각이 동떨어진 기록) 평가 시각 채우기를 백만 개에서 멈췄습니다. 그 밖의 구간에서는 허위 항적을 세지 않습니다.",
                en: "The span without truth is too long (a timestamp far from the rest): filling the evaluation times stopped at one million points; false tracks beyond them are not counted."))
        }
        let truthStart = grid.times.first ?? Timestamp(nanosecondsSinceEpoch: 0)
        func seconds(_ t: Timestamp) -> Double { t.seconds(since: truthStart) }
        let durationSeconds = (grid.times.last.map(seconds) ?? 0)
        out.conditions.append(ReportText(
            ko: String(format: "평가 구간: 실제 위치 자체의 시각 %d개(공칭 간격 %.3g s)로 이루어진 %.1f s.", grid.times.count, grid.stepSeconds, durationSeconds),
            en: String(format: "Evaluation window: %.1f s on truth's own timeline, %d times (nominal interval %.3g s).", durationSeconds, grid.times.count, grid.stepSeconds)))
        if let scanStart = input.scans.map(\.time).min(), let scanEnd = input.scans.map(\.time).max(),
           let truthFirst = truths.compactMap({ $0.states.first?.time }).min(), let truthLast = truths.compactMap({ $0.states.last?.time }).max(),
           scanEnd < truthFirst || scanStart > truthLast {
            out.notEvaluable.append(ReportText(ko: "실제 위치와 센서 스캔의 시간이 겹치지 않아 탐지 수치는 평가할 수 없습니다.",
                                               en: "The truth and the sensors' scans do not overlap in time: detection figures are not evaluable."))
        }
        truthGaps(&out)
        truthIntegrity(&out)

        detectionFigures(&out, truths: truths)
        referenceBudget(&out)

        // Track scoring (OSPA, GOSPA, SIAP) and track level, on the same timeline.
        let scorer = TrackScorer(cutoff: plan.ospaCutoff, order: plan.ospaOrder,
                                 associator: TrackToTruthAssociator(associationThreshold: plan.associationMetres),
                                 resampler: HeldTrackResampler(maximumAgeSeconds: plan.holdSeconds),
                                 maximumTruthGapSeconds: plan.truthGapSeconds)
        let scores = scorer.score(truths: truths, tracks: tracks, grid: grid)
        out.trackScores = scores
        let steps = scores.steps
        bootstrapped(&out, key: "ospa_mean_m", unit: "m", clusters: [steps.map(\.ospa)], statistic: MovingBlockBootstrap.mean,
                     hours: durationSeconds / 3600)
        bootstrapped(&out, key: "gospa_mean", unit: "m", clusters: [steps.map(\.gospa.distance)], statistic: MovingBlockBootstrap.mean,
                     hours: durationSeconds / 3600)
        // Completeness: per drone, whether each of its times on the timeline is associated with a track.
        let completenessSeries = scores.truthsOnGrid.enumerated().map { index, truth in
            truth.states.map { state -> Double in
                scores.associations.contains { $0.truth == index && $0.contains(state.time)
                    && scores.scoredTracks[$0.track].state(at: state.time) != nil } ? 1 : 0
            }
        }.filter { !$0.isEmpty }
        bootstrapped(&out, key: "completeness", unit: "", clusters: completenessSeries, statistic: MovingBlockBootstrap.proportion,
                     hours: durationSeconds / 3600, expected: scores.siap.completeness)
        for (key, value, unit) in [("ambiguity", scores.siap.ambiguity, ""), ("spuriousness", scores.siap.spuriousness, ""),
                                   ("siap_position_accuracy_m", scores.siap.positionAccuracy, "m"),
                                   ("rate_of_track_number_change_per_s", scores.siap.rateOfTrackNumberChange, "1/s"),
                                   ("longest_track_segment", scores.siap.longestTrackSegment, "")] {
            out.figures.append(ReportFigure(key: key, value: value, unit: unit, note: Self.noBound))
        }
        if let velocity = scores.siap.velocityAccuracy {
            out.figures.append(ReportFigure(key: "siap_velocity_accuracy_mps", value: velocity, unit: "m/s", note: Self.noBound))
        }
        out.ospaOverTime = ReportSeries(name: "OSPA", x: steps.map { seconds($0.time) }, y: steps.map(\.ospa))
        out.gospaOverTime = ReportSeries(name: "GOSPA", x: steps.map { seconds($0.time) }, y: steps.map(\.gospa.distance))

        let associations = input.scans.isEmpty ? [] : out.detectionAssociations
        let trackLevel = TrackLevelEvaluator(settings: TrackLevelSettings(associationGate: plan.associationMetres,
                                                                          matchThreshold: plan.associationMetres,
                                                                          maximumTruthGapSeconds: plan.truthGapSeconds),
                                             resampler: HeldTrackResampler(maximumAgeSeconds: plan.holdSeconds))
            .score(truth: truths, tracks: tracks, grid: grid, detections: associations,
                   rangeReferences: input.sensorPositions.isEmpty ? [.zero] : input.sensorPositions)
        positionFigures(&out, trackLevel: trackLevel, hours: durationSeconds / 3600)
        out.figures.append(ReportFigure(key: "latency_s", value: trackLevel.latency?.lagSeconds, unit: "s",
                                        note: trackLevel.latency == nil
                                            ? ReportText(ko: "연관된 항적 기록이 너무 적음", en: "too few associated track records")
                                            : ReportText(ko: "지연 탐색 추정치이며 신뢰구간은 산출하지 않음(판정에 사용 불가)",
                                                         en: "a lag-search estimate without a confidence bound (cannot decide a criterion)")))
        out.figures.append(ReportFigure(key: "mota", value: trackLevel.clearMOT.mota, unit: "", note: Self.noBound))
        out.figures.append(ReportFigure(key: "motp_m", value: trackLevel.clearMOT.motp, unit: "m", note: Self.noBound))
        out.figures.append(ReportFigure(key: "idf1", value: trackLevel.identity.idf1, unit: "", note: Self.noBound))
        out.figures.append(ReportFigure(key: "id_switches", value: Double(trackLevel.idSwitches), unit: "", note: Self.noBound))
        out.figures.append(ReportFigure(key: "fragmentations", value: Double(trackLevel.fragmentations), unit: "", note: Self.noBound))
        poisson(&out, key: "false_tracks_per_hour", events: trackLevel.falseTracks.count,
                exposureHours: trackLevel.falseTracks.exposureSeconds / 3600,
                note: ReportText(ko: "시스템·시간 기준 (평가 구간 전체)", en: "per system-hour (the whole evaluated interval)"))
        let tracked = trackLevel.frames.map { Double($0.matches.count) }
        out.figures.append(ReportFigure(key: "max_targets_tracked", value: tracked.max(), unit: "",
                                        note: ReportText(ko: "한 시각에 항적과 정합된 드론 수의 최댓값", en: "the most drones matched with a track at one time")))
        firstContactFigures(&out, trackLevel: trackLevel, seconds: seconds)
        classificationFigures(&out, seconds: seconds)
        claimedIdentity(&out, trackLevel: trackLevel, hours: durationSeconds / 3600)

        // Plots: the map, the error over time, the timelines.
        out.mapTruth = truths.map { ReportSeries(name: $0.id, x: $0.states.map(\.position.x), y: $0.states.map(\.position.y)) }
        out.mapTracks = tracks.map { ReportSeries(name: $0.id, x: $0.states.map(\.position.x), y: $0.states.map(\.position.y)) }
        for drone in trackLevel.drones {
            let matches = trackLevel.frames.compactMap { frame -> (Double, Double)? in
                frame.matches.first { $0.droneID == drone.droneID }.map { (seconds(frame.time), $0.distance) }
            }
            if !matches.isEmpty {
                out.positionErrorOverTime.append(ReportSeries(name: drone.droneID, x: matches.map(\.0), y: matches.map(\.1)))
            }
            out.timelines.append(timeline(drone, frames: trackLevel.frames, detections: associations, seconds: seconds))
        }
        decide(&out)
        return out
    }

    static let noBound = ReportText(ko: "신뢰구간 없음: 판정기준에 사용할 수 없음", en: "no confidence bound: cannot decide a criterion")

    // MARK: Detection level

    private func detectionFigures(_ out: inout Output, truths: [TruthPath]) {
        var edges = Set(plan.rangeBins)
        for criterion in plan.criteria { if let within = criterion.withinMetres { edges.insert(within) } }
        let bins = edges.sorted()
        let gate = PolarDetectionGate(sigmaRange: plan.gateRangeMetres / 3, sigmaAzimuth: plan.gateAzimuthDegrees / 3,
                                      sigmaElevation: plan.gateElevationDegrees / 3, sigmaMultiplier: 3)
        let settings = DetectionLevelSettings(gate: gate, rangeBinEdges: bins, maximumTruthGapSeconds: plan.truthGapSeconds,
                                              gateUsesSensorSigmas: false)
        let sensorScores = DetectionLevelEvaluator(settings: settings).score(scans: input.scans, truth: truths, sensors: input.sensors)
        out.detectionAssociations = sensorScores.flatMap(\.associations)
        guard !sensorScores.isEmpty else {
            out.notEvaluable.append(ReportText(ko: "스캔이 있는 배치 센서가 없어 탐지 수치는 평가할 수 없습니다.",
                                               en: "No placed sensor with scans: detection figures are not evaluable."))
            return
        }
        var falseAlarms = 0, scans = 0
        var sensorHours = 0.0
        var allTrials: [(sensor: String, trial: DetectionTrial)] = []
        var hasUnknownPeriod = false
        for score in sensorScores {
            falseAlarms += score.falseAlarms.count
            scans += score.falseAlarms.scans
            if let exposure = score.falseAlarms.exposureSeconds { sensorHours += exposure / 3600 } else if score.scanCount > 0 { hasUnknownPeriod = true }
            allTrials += score.trials.map { (score.sensorID, $0) }
            for trial in score.trials where out.entryTimes[trial.droneID].map({ trial.time < $0 }) ?? true {
                out.entryTimes[trial.droneID] = trial.time
            }
            proportion(&out, key: "pd_\(score.sensorID)", trials: score.trials.map { (score.sensorID, $0) },
                       scope: ReportText(ko: "센서 \(score.sensorID), 전 거리", en: "sensor \(score.sensorID), all ranges"))
            for bin in score.rangeBins {
                let isLast = bin.upperBound == score.rangeBins.last?.upperBound
                let inBin = score.trials.filter { $0.range >= bin.lowerBound && ($0.range < bin.upperBound || (isLast && $0.range == bin.upperBound)) }
                    .map { (score.sensorID, $0) }
                // The bin's count equals the evaluator's own tally: one rule for both.
                assert(inBin.count == bin.tally.trials)
                let key = "pd_\(score.sensorID)_\(Int(bin.lowerBound))_\(Int(bin.upperBound))m"
                if inBin.isEmpty {
                    out.deviations.append(ReportText(
                        ko: "센서 \(score.sensorID)의 거리 구간 \(Int(bin.lowerBound))–\(Int(bin.upperBound)) m에는 탐지 기회가 없어 평가할 수 없습니다.",
                        en: "Sensor \(score.sensorID), range bin \(Int(bin.lowerBound))–\(Int(bin.upperBound)) m: no detection opportunity; not evaluable."))
                    continue
                }
                proportion(&out, key: key, trials: inBin, scope: ReportText(
                    ko: "센서 \(score.sensorID), 경사거리 \(Int(bin.lowerBound))–\(Int(bin.upperBound)) m",
                    en: "sensor \(score.sensorID), slant range \(Int(bin.lowerBound))–\(Int(bin.upperBound)) m"))
            }
            detectionRanges(&out, suffix: "_\(score.sensorID)", scope: ReportText(ko: "센서 \(score.sensorID)", en: "sensor \(score.sensorID)"),
                            bins: score.rangeBins.map { bin in
                                let isLast = bin.upperBound == score.rangeBins.last?.upperBound
                                let inBin = score.trials.filter { $0.range >= bin.lowerBound && ($0.range < bin.upperBound || (isLast && $0.range == bin.upperBound)) }
                                return (bin.lowerBound, bin.upperBound, CorrelatedProportion(sequences: Self.sequences(inBin.map { (score.sensorID, $0) })))
                            })
            if score.trials.isEmpty {
                out.deviations.append(ReportText(ko: "센서 \(score.sensorID)는 탐지 기회가 없어 평가할 수 없습니다.",
                                                 en: "Sensor \(score.sensorID) had no detection opportunity; not evaluable."))
            }
            for (axis, unit, error) in [("range", "m", score.rangeError), ("azimuth", "deg", score.azimuthError),
                                        ("elevation", "deg", score.elevationError)] {
                guard let error else { continue }
                out.figures.append(ReportFigure(key: "\(axis)_bias_\(unit)_\(score.sensorID)", value: error.bias, unit: unit,
                                                numerator: Double(error.count),
                                                note: ReportText(ko: "측정값 − 실제값의 평균", en: "mean of measured minus true")))
                out.figures.append(ReportFigure(key: "\(axis)_rmse_\(unit)_\(score.sensorID)", value: error.rmse, unit: unit,
                                                numerator: Double(error.count), note: Self.noBound))
            }
            rangeTestFigures(&out, score: score)
        }
        proportion(&out, key: "pd", trials: allTrials, scope: ReportText(ko: "전 센서, 전 거리", en: "all sensors, all ranges"))
        let truthByID = Dictionary(truths.map { ($0.id, $0) }) { first, _ in first }
        let fastest = out.detectionAssociations.compactMap { truthByID[$0.droneID]?.speed(at: $0.time) }.max()
        if let fastest {
            out.figures.append(ReportFigure(key: "fastest_target_detected_mps", value: fastest, unit: "m/s",
                                            note: ReportText(ko: "탐지 시점의 실제 속력 중 최댓값 (전 센서)", en: "the highest true speed at a detection (all sensors)")))
        }
        for criterion in plan.criteria {
            guard let within = criterion.withinMetres else { continue }
            proportion(&out, key: criterion.figureKey, trials: allTrials.filter { $0.trial.range <= within },
                       scope: ReportText(ko: "전 센서, 경사거리 \(Int(within)) m 이내", en: "all sensors, slant range ≤ \(Int(within)) m"))
        }
        // Pd against range: every sensor's trials pooled per bin.
        var pd = ReportSeries(name: "Pd", x: [], y: [], lower: [], upper: [])
        var hits: [Double] = [], trials: [Double] = [], from: [Double] = [], to: [Double] = []
        var pooled: [(Double, Double, CorrelatedProportion?)] = []
        for (lower, upper) in zip(bins, bins.dropFirst()) {
            let inBin = allTrials.filter { $0.trial.range >= lower && ($0.trial.range < upper || (upper == bins.last && $0.trial.range == upper)) }
            let proportion = CorrelatedProportion(sequences: Self.sequences(inBin))
            pooled.append((lower, upper, proportion))
            guard let p = proportion else { continue }
            let interval = p.interval(confidence: plan.confidence)
            pd.x.append((lower + upper) / 2); pd.y.append(p.proportion)
            pd.lower?.append(interval.lowerBound); pd.upper?.append(interval.upperBound)
            hits.append(Double(p.successes)); trials.append(Double(p.trials)); from.append(lower); to.append(upper)
        }
        (pd.numerators, pd.denominators, pd.xLower, pd.xUpper) = (hits, trials, from, to)
        out.pdByRange = pd.x.isEmpty ? nil : pd
        detectionRanges(&out, suffix: "", scope: ReportText(ko: "전 센서", en: "all sensors"), bins: pooled)

        poisson(&out, key: "false_alarms_per_scan", events: falseAlarms, exposureHours: Double(scans), unit: "1/scan", furtherUnit: "scans",
                note: ReportText(ko: "전 센서의 스캔 합계 기준", en: "per scan, all sensors' scans summed"))
        if hasUnknownPeriod || sensorHours == 0 {
            out.figures.append(ReportFigure(key: "false_alarms_per_sensor_hour", value: nil, unit: "1/h",
                                            note: ReportText(ko: "스캔 주기를 알 수 없어 노출 시간을 산출할 수 없음", en: "a scan period is unknown: no exposure")))
        } else {
            poisson(&out, key: "false_alarms_per_sensor_hour", events: falseAlarms, exposureHours: sensorHours,
                    note: ReportText(ko: "센서·시간 기준: 각 센서의 스캔 수 × 스캔 주기의 합", en: "per sensor-hour: each sensor's scans × scan period, summed"))
        }
        let scanTimes = input.scans.map(\.time)
        if let first = scanTimes.min(), let last = scanTimes.max(), last > first {
            let hours = last.seconds(since: first) / 3600
            poisson(&out, key: "false_alarms_per_hour", events: falseAlarms, exposureHours: hours,
                    note: ReportText(ko: "시스템·시간 기준: 첫 스캔부터 마지막 스캔까지", en: "per system-hour: first scan to last scan"))
        } else {
            out.figures.append(ReportFigure(key: "false_alarms_per_hour", value: nil, unit: "1/h",
                                            note: ReportText(ko: "스캔 시간 범위가 없음", en: "no span of scans")))
        }
        if let first = sensorScores.compactMap(\.rangeError).first {
            out.figures.append(ReportFigure(key: "range_rmse_m", value: first.rmse, unit: "m", numerator: Double(first.count), note: Self.noBound))
        }
    }

    /// The per-(sensor, drone) hit sequences of `trials`, in scan order.
    static func sequences(_ trials: [(sensor: String, trial: DetectionTrial)]) -> [[Bool]] {
        var order: [String] = []
        var grouped: [String: [Bool]] = [:]
        for (sensor, trial) in trials {
            let key = sensor + "\u{1F}" + trial.droneID
            if grouped[key] == nil { order.append(key) }
            grouped[key, default: []].append(trial.hit)
        }
        return order.map { grouped[$0]! }
    }

    /// A Pd figure with its Korn–Graubard interval on the effective sample size.
    private func proportion(_ out: inout Output, key: String, trials: [(sensor: String, trial: DetectionTrial)], scope: ReportText) {
        guard let p = CorrelatedProportion(sequences: Self.sequences(trials)) else {
            out.figures.append(ReportFigure(key: key, value: nil, unit: "", note: ReportText(ko: "탐지 기회 없음 (\(scope.ko))",
                                                                                              en: "no detection opportunity (\(scope.en))")))
            return
        }
        let interval = p.interval(confidence: plan.confidence)
        out.figures.append(ReportFigure(
            key: key, value: p.proportion, unit: "", lower: interval.lowerBound, upper: interval.upperBound, confidence: plan.confidence,
            method: CorrelatedProportion.method, numerator: Double(p.successes), denominator: Double(p.trials),
            note: ReportText(ko: "\(scope.ko); 스캔 간 상관 ρ = \(Self.f(p.autocorrelation)), 설계효과 \(Self.f(p.designEffect)), 유효 표본 \(Self.f(p.effectiveTrials))",
                             en: "\(scope.en); scan-to-scan correlation ρ = \(Self.f(p.autocorrelation)), design effect \(Self.f(p.designEffect)), effective sample \(Self.f(p.effectiveTrials))"),
            oneSidedLower: p.lowerBound(confidence: plan.confidence), oneSidedUpper: p.upperBound(confidence: plan.confidence)))
        out.deciders[key] = .correlatedProportion(p)
    }

    /// A rate with its exact Poisson (Garwood) interval.
    private func poisson(_ out: inout Output, key: String, events: Int, exposureHours: Double, unit: String = "1/h",
                         furtherUnit: String = "hours", note: ReportText) {
        guard exposureHours > 0, let rate = PoissonInterval(events: events, exposure: exposureHours) else {
            out.figures.append(ReportFigure(key: key, value: nil, unit: unit, note: ReportText(ko: "노출 시간 없음", en: "no exposure")))
            return
        }
        let interval = rate.interval(confidence: plan.confidence)
        out.figures.append(ReportFigure(key: key, value: rate.rate, unit: unit, lower: interval.lowerBound, upper: interval.upperBound,
                                        confidence: plan.confidence, method: "garwood-poisson", numerator: Double(events),
                                        denominator: exposureHours, note: note,
                                        oneSidedLower: rate.lowerBound(confidence: plan.confidence),
                                        oneSidedUpper: rate.upperBound(confidence: plan.confidence)))
        out.deciders[key] = .poisson(rate, unit: furtherUnit)
    }

    /// A continuous figure with a moving-block bootstrap interval.
    private func bootstrapped(_ out: inout Output, key: String, unit: String, clusters: [[Double]],
                              statistic: @escaping @Sendable ([[Double]]) -> Double, hours: Double, expected: Double? = nil) {
        let clusters = clusters.filter { !$0.isEmpty }
        guard let result = MovingBlockBootstrap(clusters: clusters, replicates: plan.bootstrapReplicates, seed: plan.bootstrapSeed,
                                                statistic: statistic),
              result.estimate.isFinite else {
            out.figures.append(ReportFigure(key: key, value: expected, unit: unit,
                                            note: ReportText(ko: "표본이 없어 신뢰구간을 산출할 수 없음", en: "no samples: no confidence bound")))
            return
        }
        let interval = result.interval(confidence: plan.confidence)
        let blocks = result.blockLengths.max() ?? 1
        out.figures.append(ReportFigure(
            key: key, value: result.estimate, unit: unit, lower: interval?.lowerBound, upper: interval?.upperBound,
            confidence: plan.confidence, method: "moving-block-bootstrap",
            numerator: Double(clusters.reduce(0) { $0 + $1.count }), denominator: nil,
            note: ReportText(ko: "표본 \(clusters.reduce(0) { $0 + $1.count })개, 드론 \(clusters.count)대, 블록 길이 최대 \(blocks), 반복 \(plan.bootstrapReplicates)회, 시드 \(plan.bootstrapSeed)",
                             en: "\(clusters.reduce(0) { $0 + $1.count }) samples, \(clusters.count) drone(s), block length up to \(blocks), \(plan.bootstrapReplicates) replicates, seed \(plan.bootstrapSeed)"),
            oneSidedLower: result.lowerBound(confidence: plan.confidence), oneSidedUpper: result.upperBound(confidence: plan.confidence)))
        out.deciders[key] = .bootstrap(BootstrapBounds(result: result, durationHours: hours))
    }

    /// A system's claimed identities against the drones' registered ones (`truth.identities`): per
    /// drone with a registered identity, at each time it is matched with a track, whether the track's
    /// id (a Remote ID receiver's tracks are named by the UAS id each aircraft declares) is that
    /// identity. Scored only for tracks whose ids are claims (a Remote ID receiver's); a tracker's
    /// track numbers, Haechi's or a system's, claim nothing.
    private func claimedIdentity(_ out: inout Output, trackLevel: TrackLevelScore, hours: Double) {
        guard !input.truthIdentities.isEmpty, input.tracksClaimIdentity else { return }
        var series: [String: [Double]] = [:]
        var claims: [String: Set<String>] = [:]
        for frame in trackLevel.frames {
            for match in frame.matches {
                guard let registered = input.truthIdentities[match.droneID] else { continue }
                series[match.droneID, default: []].append(match.trackID == registered ? 1 : 0)
                if match.trackID != registered { claims[match.droneID, default: []].insert(match.trackID) }
            }
        }
        bootstrapped(&out, key: "claimed_identity_correct", unit: "", clusters: series.keys.sorted().map { series[$0]! },
                     statistic: MovingBlockBootstrap.proportion, hours: hours)
        for drone in claims.keys.sorted() {
            let wrong = claims[drone]!.sorted().joined(separator: ", ")
            out.deviations.append(ReportText(
                ko: "드론 \(drone)(등록 식별자 \(input.truthIdentities[drone]!))에 정합된 항적이 다른 식별자(\(wrong))를 주장했습니다.",
                en: "Tracks matched with drone \(drone) (registered as \(input.truthIdentities[drone]!)) claimed other identities: \(wrong)."))
        }
    }

    /// Position error: RMSE, percentiles and CEP50 bootstrapped over each drone's record errors.
    private func positionFigures(_ out: inout Output, trackLevel: TrackLevelScore, hours: Double) {
        guard let error = trackLevel.positionError else {
            out.notEvaluable.append(ReportText(
                ko: "어떤 항적 기록도 드론으로부터 \(Int(plan.associationMetres)) m 이내에 있지 않아 위치오차는 평가할 수 없습니다.",
                en: "No track record lies within \(Int(plan.associationMetres)) m of a drone: position error is not evaluable."))
            return
        }
        let perDrone = trackLevel.drones.map(\.positionErrors).filter { !$0.isEmpty }
        let h2 = perDrone.map { $0.map { $0.x * $0.x + $0.y * $0.y } }
        let v2 = perDrone.map { $0.map { $0.z * $0.z } }
        let h = h2.map { $0.map { $0.squareRoot() } }
        let v = v2.map { $0.map { $0.squareRoot() } }
        let full = perDrone.map { $0.map { ($0.x * $0.x + $0.y * $0.y + $0.z * $0.z).squareRoot() } }
        bootstrapped(&out, key: "horizontal_rmse_m", unit: "m", clusters: h2, statistic: MovingBlockBootstrap.rmse, hours: hours)
        bootstrapped(&out, key: "vertical_rmse_m", unit: "m", clusters: v2, statistic: MovingBlockBootstrap.rmse, hours: hours)
        bootstrapped(&out, key: "position_rmse_3d_m", unit: "m", clusters: zip(h2, v2).map { zip($0, $1).map { $0 + $1 } },
                     statistic: MovingBlockBootstrap.rmse, hours: hours)
        bootstrapped(&out, key: "horizontal_p95_m", unit: "m", clusters: h, statistic: MovingBlockBootstrap.percentile(95), hours: hours)
        bootstrapped(&out, key: "vertical_p95_m", unit: "m", clusters: v, statistic: MovingBlockBootstrap.percentile(95), hours: hours)
        bootstrapped(&out, key: "position_p95_3d_m", unit: "m", clusters: full, statistic: MovingBlockBootstrap.percentile(95), hours: hours)
        bootstrapped(&out, key: "cep50_m", unit: "m", clusters: h, statistic: MovingBlockBootstrap.percentile(50), hours: hours)
        for (axis, value) in [("east", error.bias.x), ("north", error.bias.y), ("up", error.bias.z)] {
            out.figures.append(ReportFigure(key: "position_bias_\(axis)_m", value: value, unit: "m",
                                            note: ReportText(ko: "항적 − 실제 위치의 평균", en: "mean of track minus truth")))
        }
    }

    // MARK: Range-test figures (KS W 8000, CWA 18150)

    /// Per sensor: maximum and minimum detection range (with the bin-wise bound), scan period, and
    /// the update interval of each drone's detections; the fastest target detected.
    private func rangeTestFigures(_ out: inout Output, score: SensorDetectionScore) {
        let id = score.sensorID
        let hits = score.trials.filter(\.hit)
        if let farthest = hits.map(\.range).max(), let nearest = hits.map(\.range).min() {
            out.figures.append(ReportFigure(key: "farthest_detection_m_\(id)", value: farthest, unit: "m", numerator: Double(hits.count),
                                            note: ReportText(ko: "탐지된 기회 중 가장 먼 경사거리 (관측값; 요구 Pd 기준 탐지거리와 한계는 max_detection_range_m)",
                                                             en: "the farthest slant range detected (observed; the range at the required Pd, with bounds, is max_detection_range_m)")))
            out.figures.append(ReportFigure(key: "nearest_detection_m_\(id)", value: nearest, unit: "m", numerator: Double(hits.count),
                                            note: ReportText(ko: "탐지된 기회 중 가장 가까운 경사거리 (관측값)", en: "the nearest slant range detected (observed)")))
        }
        if let period = score.falseAlarms.scanPeriodSeconds {
            out.figures.append(ReportFigure(key: "scan_period_s_\(id)", value: period, unit: "s", numerator: Double(score.scanCount),
                                            note: ReportText(ko: "센서 설명의 스캔율 또는 스캔 간격의 중앙값", en: "the sensor's scan rate, else the median interval between scans")))
        }
        var intervals: [Double] = []
        for (_, trials) in Dictionary(grouping: hits, by: \.droneID) {
            let times = trials.map(\.time).sorted()
            for (a, b) in zip(times, times.dropFirst()) { intervals.append(b.seconds(since: a)) }
        }
        if !intervals.isEmpty {
            intervals.sort()
            out.figures.append(ReportFigure(key: "update_interval_s_\(id)", value: intervals[intervals.count / 2], unit: "s",
                                            numerator: Double(intervals.count),
                                            note: ReportText(ko: "같은 드론의 연속 탐지 사이 간격의 중앙값", en: "the median interval between successive detections of one drone")))
        }
    }

    /// The minimum and maximum detection range at the plan's required Pd (KS W 8000, CWA 18150), from
    /// Pd per range bin: the nearest bin whose Pd reaches the requirement gives the minimum (its lower
    /// edge), and the run of adjacent bins from it that all reach it gives the maximum (the last one's
    /// upper edge). The estimate uses each bin's Pd; the bound that favours the system uses each bin's
    /// one-sided upper bound, the conservative one each bin's one-sided lower bound, at confidence
    /// 1 − (1 − γ)/K for the K evaluable bins (Bonferroni), so each range bound holds at γ jointly over
    /// the bins. Resolution is the bin edges; a bin without opportunities ends the run.
    private func detectionRanges(_ out: inout Output, suffix: String, scope: ReportText, bins: [(lower: Double, upper: Double, p: CorrelatedProportion?)]) {
        guard let required = plan.criteria.first(where: { $0.metric == "pd" && $0.sense == .atLeast })?.requirement else {
            for key in ["min_detection_range_m", "max_detection_range_m"] {
                out.figures.append(ReportFigure(key: key + suffix, value: nil, unit: "m", note: ReportText(
                    ko: "\(scope.ko): 계획서에 Pd 요구값(pd 기준의 min)이 없어 탐지거리를 정의할 수 없음",
                    en: "\(scope.en): the plan gives no required Pd (a pd criterion with min), so no detection range is defined")))
            }
            return
        }
        let evaluable = bins.filter { $0.p != nil }.count
        guard evaluable > 0 else { return }
        let level = 1 - (1 - plan.confidence) / Double(evaluable)
        let estimated: (CorrelatedProportion) -> Bool = { $0.proportion >= required }
        let favoured: (CorrelatedProportion) -> Bool = { $0.upperBound(confidence: level) >= required }
        let assured: (CorrelatedProportion) -> Bool = { $0.lowerBound(confidence: level) >= required }
        func first(_ reaches: (CorrelatedProportion) -> Bool) -> Int? { bins.firstIndex { $0.p.map(reaches) ?? false } }
        /// The upper edge of the run of adjacent bins from `start` that all reach, or `start`'s lower edge if it does not.
        func reach(from start: Int, _ reaches: (CorrelatedProportion) -> Bool) -> Double {
            var last = start - 1
            while last + 1 < bins.count, let p = bins[last + 1].p, reaches(p) { last += 1 }
            return last < start ? bins[start].lower : bins[last].upper
        }
        // Every maximum runs from the estimate's nearest bin, so conservative ≤ estimate ≤ favourable
        // (a bound reaches ⇒ the estimate's test passes ⇒ the estimate's run is at least as long).
        let anchor = first(estimated)
        let minimum = (estimate: anchor.map { bins[$0].lower }, favourable: first(favoured).map { bins[$0].lower },
                       conservative: first(assured).map { bins[$0].lower })
        let maximum = (estimate: anchor.map { reach(from: $0, estimated) }, favourable: anchor.map { reach(from: $0, favoured) },
                       conservative: anchor.map { reach(from: $0, assured) })
        let censored = bins.last.map { last in maximum.favourable == last.upper } ?? false
        let method = "pd-range-bins-bonferroni"
        let common = ReportText(
            ko: "\(scope.ko); 요구 Pd \(Self.f(required)); 거리 구간별 Pd (Korn–Graubard)의 단측 한계를 Bonferroni 보정(구간 \(evaluable)개, 각 \(Self.f(level)))하여 구한 한계; 분해능은 구간 경계",
            en: "\(scope.en); required Pd \(Self.f(required)); bounds from each range bin's one-sided Korn–Graubard bound, Bonferroni-adjusted over \(evaluable) bins (each at \(Self.f(level))); resolution: the bin edges")
        let edgeNote = censored ? ReportText(ko: "; 마지막 구간 경계에서 중도절단 (그 너머는 시험되지 않음)", en: "; censored at the last bin edge (nothing beyond it was tested)")
            : ReportText(ko: "", en: "")
        func figure(_ key: String, _ value: Double?, favourable: Double?, conservative: Double?, smallerIsBetter: Bool) -> ReportFigure {
            guard let value else {
                return ReportFigure(key: key + suffix, value: nil, unit: "m", note: ReportText(
                    ko: "\(scope.ko): 요구 Pd \(Self.f(required))에 이르는 거리 구간이 없음", en: "\(scope.en): no range bin reaches the required Pd \(Self.f(required))"))
            }
            // A minimum that no bin assures has no conservative bound (nil: unbounded).
            let low = smallerIsBetter ? favourable : conservative
            let high = smallerIsBetter ? conservative : favourable
            let unassured = smallerIsBetter && conservative == nil
                ? ReportText(ko: "; 하한이 요구 Pd에 이르는 구간이 없어 보수적 한계 없음", en: "; no bin's lower bound reaches the required Pd: no conservative bound")
                : ReportText(ko: "", en: "")
            return ReportFigure(key: key + suffix, value: value, unit: "m", lower: low, upper: high, confidence: plan.confidence, method: method,
                                note: ReportText(ko: common.ko + edgeNote.ko + unassured.ko, en: common.en + edgeNote.en + unassured.en),
                                oneSidedLower: low, oneSidedUpper: high)
        }
        out.figures.append(figure("min_detection_range_m", minimum.estimate, favourable: minimum.favourable, conservative: minimum.conservative,
                                  smallerIsBetter: true))
        out.figures.append(figure("max_detection_range_m", maximum.estimate, favourable: maximum.favourable, conservative: maximum.conservative,
                                  smallerIsBetter: false))
    }

    /// First detection and first confirmed track: the least ranges, and the times from entry into coverage.
    private func firstContactFigures(_ out: inout Output, trackLevel: TrackLevelScore, seconds: (Timestamp) -> Double) {
        let firstDetections = trackLevel.drones.compactMap { $0.firstDetection?.range }
        let firstTracks = trackLevel.drones.compactMap { $0.firstConfirmedTrack?.range }
        let n = trackLevel.drones.count
        out.figures.append(ReportFigure(key: "first_detection_range_m", value: firstDetections.min(), unit: "m",
                                        note: ReportText(ko: "드론별 최초 탐지거리 중 최솟값; 탐지되지 않은 드론 \(n - firstDetections.count)대(중도절단)",
                                                         en: "the least of the drones' first-detection ranges; \(n - firstDetections.count) drone(s) never detected (censored)")))
        out.figures.append(ReportFigure(key: "first_track_range_m", value: firstTracks.min(), unit: "m",
                                        note: ReportText(ko: "드론별 최초 항적 확정거리 중 최솟값; 항적이 확정되지 않은 드론 \(n - firstTracks.count)대(중도절단)",
                                                         en: "the least of the drones' first-track ranges; \(n - firstTracks.count) drone(s) never tracked (censored)")))
        // Entry into coverage: the drone's first detection opportunity (its first trial at any sensor).
        let entry = out.entryTimes
        var toDetection: [Double] = [], toTrack: [Double] = []
        for drone in trackLevel.drones {
            guard let start = entry[drone.droneID] else { continue }
            if let first = drone.firstDetection { toDetection.append(seconds(first.time) - seconds(start)) }
            if let first = drone.firstConfirmedTrack { toTrack.append(seconds(first.time) - seconds(start)) }
        }
        for (key, values, censored) in [("time_to_first_detection_s", toDetection, entry.count - toDetection.count),
                                        ("time_to_first_track_s", toTrack, entry.count - toTrack.count)] {
            out.figures.append(ReportFigure(key: key, value: values.max(), unit: "s", numerator: Double(values.count),
                                            note: ReportText(ko: "드론별 값 중 최댓값(최악); 탐지영역 진입 = 첫 탐지 기회; 중도절단 \(censored)대",
                                                             en: "the largest (worst) of the drones'; entry into coverage = first detection opportunity; \(censored) censored")))
        }
    }

    // MARK: Classification

    /// The classes a system reports, scored against what each detection was: the confusion matrix
    /// (each row's proportions, with intervals) per sensor that classifies and pooled, and the time and
    /// range from entry into coverage to the first correct classification of each drone.
    ///
    /// Rows: a detection associated with a drone is a drone; a detection associated with nothing is a
    /// false alarm (the truth knows only the cooperative drones, so a bird the radar saw counts as a
    /// false alarm too). Columns: ``ObjectClass`` of the reported name. Detections without a class are
    /// left out. A drone row's proportion is correlated from report to report of the same object, so
    /// its interval is Korn–Graubard's on the effective sample (one sequence per sensor and drone);
    /// false alarms are taken as independent (Clopper–Pearson).
    private func classificationFigures(_ out: inout Output, seconds: (Timestamp) -> Double) {
        let associated = Set(out.detectionAssociations.map { AssociatedKey($0.sensorID, $0.scanID, $0.detection) })
        var falseAlarms: [(sensor: String, reported: ObjectClass)] = []
        for scan in input.scans {
            for detection in scan.detections where detection.classification != nil
                && !associated.contains(AssociatedKey(scan.sensorID, scan.scanID, detection)) {
                falseAlarms.append((scan.sensorID, ObjectClass(reported: detection.classification)))
            }
        }
        let drones = out.detectionAssociations.filter { $0.detection.classification != nil }.sorted { $0.time < $1.time }
        guard !drones.isEmpty || !falseAlarms.isEmpty else { return }
        let sensors = Set(drones.map(\.sensorID)).union(falseAlarms.map(\.sensor)).sorted()
        for sensor in sensors.map(Optional.some) + [nil] {
            let suffix = sensor.map { "_\($0)" } ?? ""
            let scope = sensor.map { ReportText(ko: "센서 \($0)", en: "sensor \($0)") } ?? ReportText(ko: "전 센서", en: "all sensors")
            let rows = drones.filter { sensor == nil || $0.sensorID == sensor }
            let alarms = falseAlarms.filter { sensor == nil || $0.sensor == sensor }
            for reported in ObjectClass.allCases {
                // The drone row: one 0/1 sequence per (sensor, drone), in time order.
                var order: [String] = []
                var grouped: [String: [Bool]] = [:]
                for association in rows {
                    let key = association.sensorID + "\u{1F}" + association.droneID
                    if grouped[key] == nil { order.append(key) }
                    grouped[key, default: []].append(ObjectClass(reported: association.detection.classification) == reported)
                }
                let key = "class_drone_as_\(reported.rawValue)\(suffix)"
                if let p = CorrelatedProportion(sequences: order.map { grouped[$0]! }) {
                    let interval = p.interval(confidence: plan.confidence)
                    out.figures.append(ReportFigure(
                        key: key, value: p.proportion, unit: "", lower: interval.lowerBound, upper: interval.upperBound,
                        confidence: plan.confidence, method: CorrelatedProportion.method, numerator: Double(p.successes),
                        denominator: Double(p.trials),
                        note: ReportText(ko: "\(scope.ko); 드론에 연관된 분류 보고 중 비율; 보고 간 상관 ρ = \(Self.f(p.autocorrelation))",
                                         en: "\(scope.en); of the classified reports associated with a drone; report-to-report correlation ρ = \(Self.f(p.autocorrelation))"),
                        oneSidedLower: p.lowerBound(confidence: plan.confidence), oneSidedUpper: p.upperBound(confidence: plan.confidence)))
                    out.deciders[key] = .correlatedProportion(p)
                }
                let alarmKey = "class_false_alarm_as_\(reported.rawValue)\(suffix)"
                if let p = ClopperPearson(successes: alarms.filter { $0.reported == reported }.count, trials: alarms.count) {
                    let interval = p.interval(confidence: plan.confidence)
                    out.figures.append(ReportFigure(
                        key: alarmKey, value: p.proportion, unit: "", lower: interval.lowerBound, upper: interval.upperBound,
                        confidence: plan.confidence, method: "clopper-pearson", numerator: Double(p.successes), denominator: Double(p.trials),
                        note: ReportText(ko: "\(scope.ko); 어느 드론에도 연관되지 않은 분류 보고 중 비율; 보고 간 독립 가정",
                                         en: "\(scope.en); of the classified reports associated with no drone; reports assumed independent"),
                        oneSidedLower: p.lowerBound(confidence: plan.confidence), oneSidedUpper: p.upperBound(confidence: plan.confidence)))
                }
            }
        }
        // Entry into coverage to the first report that calls the drone a drone (any sensor).
        var toClassification: [Double] = [], ranges: [Double] = []
        var firstCorrect: [String: DetectionAssociation] = [:]
        for association in drones where ObjectClass(reported: association.detection.classification) == .drone {
            if firstCorrect[association.droneID] == nil { firstCorrect[association.droneID] = association }
        }
        let entered = out.entryTimes.keys.sorted()
        for drone in entered {
            guard let start = out.entryTimes[drone], let first = firstCorrect[drone] else { continue }
            toClassification.append(seconds(first.time) - seconds(start))
            ranges.append(first.truth.range)
        }
        let censored = entered.count - toClassification.count
        out.figures.append(ReportFigure(
            key: "time_to_first_correct_classification_s", value: toClassification.max(), unit: "s", numerator: Double(toClassification.count),
            note: ReportText(ko: "드론별 값 중 최댓값(최악); 탐지영역 진입 = 첫 탐지 기회; 드론으로 분류되지 않은 드론 \(censored)대(중도절단)",
                             en: "the largest (worst) of the drones'; entry into coverage = first detection opportunity; \(censored) drone(s) never classified as drone (censored)")))
        out.figures.append(ReportFigure(
            key: "first_correct_classification_range_m", value: ranges.min(), unit: "m", numerator: Double(ranges.count),
            note: ReportText(ko: "드론별로 처음 올바르게 분류한 시점의 경사거리 중 최솟값; 중도절단 \(censored)대",
                             en: "the least of the drones' slant ranges at their first correct classification; \(censored) censored")))
    }

    /// A detection as scan and sensor hold it, to tell associated detections from false alarms.
    private struct AssociatedKey: Hashable {
        var sensor: String
        var scan: UInt64
        var detection: Detection
        init(_ sensor: String, _ scan: UInt64, _ detection: Detection) {
            self.sensor = sensor
            self.scan = scan
            self.detection = detection
        }
    }

    // MARK: The reference

    /// Gaps in each drone's truth longer than the plan's interpolation limit: deviations.
    private func truthGaps(_ out: inout Output) {
        let limit = Int64((plan.truthGapSeconds * 1e9).rounded())
        for truth in input.truths {
            let gaps = zip(truth.states, truth.states.dropFirst()).filter { $1.time.nanoseconds(since: $0.time) > limit }
            guard !gaps.isEmpty else { continue }
            let longest = gaps.map { $1.time.seconds(since: $0.time) }.max() ?? 0
            out.deviations.append(ReportText(
                ko: "드론 \(truth.id)의 실제 위치에 \(Self.f(plan.truthGapSeconds)) s보다 긴 공백이 \(gaps.count)곳 있습니다(최장 \(Self.f(longest)) s). 그 사이는 평가하지 않습니다.",
                en: "Drone \(truth.id)'s truth has \(gaps.count) gap(s) longer than \(Self.f(plan.truthGapSeconds)) s (longest \(Self.f(longest)) s); nothing is scored across them."))
        }
    }

    /// What the truth checks kept out of each drone's truth, and why (docs/wire-formats.md, "Truth
    /// integrity"): deviations, so a reader of the report sees them beside the figures they bear on.
    private func truthIntegrity(_ out: inout Output) {
        guard let integrity = input.truthIntegrity else { return }
        let speed = Self.f(integrity.settings.maximumSpeed)
        for id in integrity.flaggedDrones {
            let d = integrity.drones[id]!
            var ko: [String] = [], en: [String] = []
            if d.otherSenderFixes > 0 {
                let names = d.otherSenderNames.joined(separator: "; ")
                ko.append("다른 송신자 \(d.otherSenders)곳에서 온 위치 \(d.otherSenderFixes)개를 제외했습니다(\(names))")
                en.append("\(d.otherSenderFixes) fix(es) from \(d.otherSenders) other sender(s) were excluded (\(names))")
            }
            if d.jumps > 0 {
                let worst = d.largestJumpMetres.map { Self.f($0) } ?? "—"
                ko.append("최대 속도 \(speed) m/s로 도달할 수 없는 위치 \(d.jumps)개를 제외했습니다(최대 \(worst) m 이동)")
                en.append("\(d.jumps) fix(es) no aircraft could reach at \(speed) m/s were excluded (largest jump \(worst) m)")
            }
            if d.reanchors > 0 {
                ko.append("서로 일치하는 위치가 이어져 기준을 \(d.reanchors)회 다시 잡았습니다")
                en.append("the truth moved on to a consistent run of fixes \(d.reanchors) time(s)")
            }
            if d.restarts > 0 {
                ko.append("송신 순번이 도중에 \(d.restarts)회 다시 시작되었습니다")
                en.append("the sender's sequence restarted mid-stream \(d.restarts) time(s)")
            }
            if d.handovers > 0 {
                ko.append("같은 주소에서 다시 연결된 송신자로 \(d.handovers)회 넘어갔습니다")
                en.append("the truth passed to a reconnection from the same address \(d.handovers) time(s)")
            }
            out.deviations.append(ReportText(
                ko: "드론 \(id)의 실제 위치(기준)는 \(d.boundSender)에 묶여 있습니다. " + ko.joined(separator: "; ") + ".",
                en: "Drone \(id)'s truth is bound to \(d.boundSender): " + en.joined(separator: "; ") + "."))
        }
        if integrity.fixesBeyondDroneLimit > 0 {
            out.deviations.append(ReportText(
                ko: "드론 수 한도(\(integrity.settings.maximumDrones)대)를 넘은 드론의 위치 \(integrity.fixesBeyondDroneLimit)개는 기준에서 제외했습니다.",
                en: "\(integrity.fixesBeyondDroneLimit) fix(es) of drones beyond truth.max_drones (\(integrity.settings.maximumDrones)) were excluded from the truth."))
        }
        if integrity.unattributedFixes > 0 {
            out.deviations.append(ReportText(
                ko: "연결 번호를 받지 못한 송신자의 위치 \(integrity.unattributedFixes)개는 기준에서 제외했습니다.",
                en: "\(integrity.unattributedFixes) fix(es) from connections that could not be numbered were excluded from the truth."))
        }
    }

    /// The reference position's uncertainty budget (GUM, Type B): the truth's own stated accuracy,
    /// time synchronisation times the drones' speed, and the sensors' survey.
    private func referenceBudget(_ out: inout Output) {
        var horizontal: [Double] = [], vertical: [Double] = []
        var fromDOP = 0, without = 0
        for samples in input.truthAccuracy.values {
            for sample in samples {
                if let h = sample.horizontal { horizontal.append(h) }
                else if let dop = sample.horizontalDOP, let uere = plan.gnssUEREMetres { horizontal.append(dop * uere); fromDOP += 1 }
                else { without += 1 }
                if let v = sample.vertical { vertical.append(v) }
                else if let dop = sample.verticalDOP, let uere = plan.gnssUEREMetres { vertical.append(dop * uere) }
            }
        }
        func rms(_ values: [Double]) -> Double? { values.isEmpty ? nil : (values.map { $0 * $0 }.reduce(0, +) / Double(values.count)).squareRoot() }
        var speeds: [Double] = []
        for truth in input.truths { for state in truth.states { if let s = truth.speed(at: state.time) { speeds.append(s) } } }
        let uH = rms(horizontal), uV = rms(vertical)
        let uTime = plan.timeSyncSeconds.flatMap { sync in rms(speeds).map { sync * $0 } }
        let uSurvey = plan.surveyMetres
        func metres(_ v: Double?) -> String { v.map { String(format: "%.3f m", $0) } ?? "—" }
        out.budget = [
            ReportField(label: ReportText(ko: "기준 수평 위치 (GNSS 자체 정확도, RMS)", en: "Reference horizontal position (the GNSS's own accuracy, RMS)"), value: metres(uH)),
            ReportField(label: ReportText(ko: "기준 수직 위치 (GNSS 자체 정확도, RMS)", en: "Reference vertical position (the GNSS's own accuracy, RMS)"), value: metres(uV)),
            ReportField(label: ReportText(ko: "시각 동기 (동기 불확도 × 드론 속력 RMS)", en: "Time synchronisation (sync uncertainty × RMS drone speed)"), value: metres(uTime)),
            ReportField(label: ReportText(ko: "센서 위치 측량", en: "Sensor survey"), value: metres(uSurvey)),
        ]
        if let uH, let uTime, let uSurvey {
            let combined = (uH * uH + (uV ?? 0) * (uV ?? 0) + uTime * uTime + uSurvey * uSurvey).squareRoot()
            out.budget.append(ReportField(label: ReportText(ko: "합성표준불확도 u_c", en: "Combined standard uncertainty u_c"), value: metres(combined)))
            out.budget.append(ReportField(label: ReportText(ko: "확장불확도 U (k = 2, 약 95 %)", en: "Expanded uncertainty U (k = 2, about 95 %)"), value: metres(2 * combined)))
            out.figures.append(ReportFigure(key: "reference_uncertainty_m", value: 2 * combined, unit: "m",
                                            note: ReportText(ko: "GUM B형 평가: 성분을 독립으로 보고 제곱합의 제곱근, k = 2", en: "GUM Type B: components taken as independent, root sum of squares, k = 2")))
            out.budgetNotes.append(ReportText(
                ko: "위치 정확도 수치(RMSE, CEP50, P95)는 기준의 불확도를 포함한 채 보고하며 이를 빼서 보정하지 않습니다. 기준 확장불확도가 요구값에 비해 작아야 판정이 유효합니다.",
                en: "Accuracy figures (RMSE, CEP50, P95) are reported including the reference's uncertainty, not corrected for it; a verdict is meaningful only where the reference's expanded uncertainty is small against the requirement."))
        } else {
            var missing: [ReportText] = []
            if uH == nil { missing.append(ReportText(ko: "실제 위치에 정확도 값(h_acc/v_acc 또는 eph와 계획서의 gnss_uere_m)이 없음", en: "the truth carries no accuracy (h_acc/v_acc, or eph with the plan's gnss_uere_m)")) }
            if plan.timeSyncSeconds == nil { missing.append(ReportText(ko: "계획서에 reference.time_sync_s가 없음", en: "the plan gives no reference.time_sync_s")) }
            if plan.surveyMetres == nil { missing.append(ReportText(ko: "계획서에 reference.sensor_survey_m이 없음", en: "the plan gives no reference.sensor_survey_m")) }
            let reasons = ReportText.joined(missing, separator: "; ")
            out.notEvaluable.append(ReportText(ko: "기준 위치의 불확도는 평가할 수 없습니다: \(reasons.ko).",
                                               en: "The reference's uncertainty is not evaluable: \(reasons.en)."))
        }
        if without > 0 && !horizontal.isEmpty {
            out.budgetNotes.append(ReportText(ko: "실제 위치 \(without)건에는 정확도 값이 없어 산정표에서 제외했습니다.",
                                              en: "\(without) truth fix(es) carried no accuracy and are left out of the budget."))
        }
        if fromDOP > 0 {
            out.budgetNotes.append(ReportText(ko: "\(fromDOP)건은 eph(HDOP)에 계획서의 UERE를 곱해 정확도로 환산했습니다.",
                                              en: "\(fromDOP) fix(es) had only eph (HDOP), converted with the plan's UERE."))
        }
    }

    // MARK: Settings and rule

    private func trackSourceText() -> ReportText {
        switch input.trackSource {
        case .replayedTracker: ReportText(ko: "Haechi 추적기를 기록으로 재실행", en: "Haechi's tracker, replayed from the recording")
        case .file(let path, let sha): ReportText(ko: "항적 파일 \(path), SHA-256 \(sha.prefix(16))…", en: "track file \(path), SHA-256 \(sha.prefix(16))…")
        case .recordedSystem(let system):
            ReportText(ko: "시험 중 시험 대상 체계가 보고한 항적 (체계 \(system), 기록에서)", en: "the tracks system \(system) reported during the run (from the recording)")
        }
    }

    private func settingsFields() -> [ReportField] {
        [
            ReportField(label: ReportText(ko: "평가 시각", en: "Evaluation times"),
                        value: ReportText(ko: "실제 위치 자체의 시각(드론 사이는 선형 보간, 공백 \(Self.f(plan.truthGapSeconds)) s 이하)",
                                          en: "truth's own timestamps (other drones interpolated linearly across gaps up to \(Self.f(plan.truthGapSeconds)) s)")),
            ReportField(label: ReportText(ko: "항적 유지 (등속 외삽)", en: "Track hold (constant-velocity)"), value: "\(Self.f(plan.holdSeconds)) s"),
            ReportField(label: ReportText(ko: "OSPA/GOSPA 절단거리 c, 차수 p", en: "OSPA/GOSPA cut-off c, order p"), value: "\(Self.f(plan.ospaCutoff)) m, \(Self.f(plan.ospaOrder))"),
            ReportField(label: ReportText(ko: "항적-실제 위치 연관 거리", en: "Track-to-truth association distance"), value: "\(Self.f(plan.associationMetres)) m"),
            ReportField(label: ReportText(ko: "탐지 게이트 반폭 (거리, 방위각, 고각; 계획서 값, 센서 자체 표준편차 미사용)",
                                          en: "Detection gate half-widths (range, azimuth, elevation; the plan's, not the sensors' declared sigmas)"),
                        value: "\(Self.f(plan.gateRangeMetres)) m, \(Self.f(plan.gateAzimuthDegrees))°, \(Self.f(plan.gateElevationDegrees))°"),
            ReportField(label: ReportText(ko: "거리 구간 경계", en: "Range bin edges"), value: plan.rangeBins.map { Self.f($0) }.joined(separator: ", ") + " m"),
            ReportField(label: ReportText(ko: "신뢰수준 (단측)", en: "Confidence (one-sided)"), value: "\(Self.f(plan.confidence * 100)) %"),
            ReportField(label: ReportText(ko: "부트스트랩 (이동 블록, 반복 수, 시드, 블록 길이 규칙)", en: "Bootstrap (moving block; replicates, seed, block length rule)"),
                        value: ReportText(ko: "\(plan.bootstrapReplicates)회, 시드 \(plan.bootstrapSeed), 블록 길이 = round(n^(1/3))",
                                          en: "\(plan.bootstrapReplicates), seed \(plan.bootstrapSeed), block length = round(n^(1/3))")),
        ]
    }

    private func decisionRuleText() -> ReportText {
        let confidence = Self.f(plan.confidence * 100)
        let common = ReportText(
            ko: "구간 산출: 탐지확률은 스캔 간 상관을 반영한 유효 표본에 대한 Korn–Graubard 구간, 연속량은 시드가 고정된 이동 블록 부트스트랩, 오경보·허위 항적 건수는 정확 포아송(Garwood) 구간. 가정: 시행(스캔)의 상관은 드론별 1차 자기상관(AR(1))으로 충분히 기술되며, 드론 간에는 독립.",
            en: "Intervals: Pd by Korn–Graubard on an effective sample size from the correlation of misses along each drone's scans; continuous figures by a seeded moving-block bootstrap; counts of false alarms and false tracks by the exact Poisson (Garwood) interval. Assumptions: the correlation between scans is described by a first-order autoregression per drone, and drones are independent.")
        switch plan.decisionRule {
        case .guardBand:
            return ReportText(
                ko: "ILAC-G8:09/2019 §4.2.2 보호대역 규칙(보호대역 = 통계적 불확도): 불리한 쪽의 단측 \(confidence) % 신뢰한계가 요구값을 만족하면 적합, 유리한 쪽의 한계가 요구값을 벗어나면 부적합, 그 밖에는 판정 보류. 잘못된 적합(또는 부적합) 판정의 위험은 최대 \(Self.f((1 - plan.confidence) * 100)) %. 신뢰한계가 없는 수치는 판정에 쓰지 않습니다(평가 불가).",
                en: "ILAC-G8:09/2019 §4.2.2 guard-band rule (guard band = the statistical uncertainty): PASS when the one-sided \(confidence) % bound on the unfavourable side meets the requirement, FAIL when the bound on the favourable side misses it, otherwise INCONCLUSIVE. The risk of a false PASS (or a false FAIL) is at most \(Self.f((1 - plan.confidence) * 100)) %. A figure without a bound decides no criterion (NOT_EVALUABLE).")
                .appending(common)
        case .simpleAcceptance:
            return ReportText(
                ko: "ILAC-G8:09/2019 §4.2.1 단순 수용 규칙(보호대역 0): 추정값이 요구값을 만족하면 적합, 아니면 부적합. 다만 잘못된 판정의 특정 위험(추정값 반대쪽에 참값이 있을 확률의 상한)이 \(Self.f(plan.maximumRisk * 100)) %를 넘으면 판정 보류로 합니다. 판정마다 그 위험을 밝힙니다.",
                en: "ILAC-G8:09/2019 §4.2.1 simple acceptance (guard band 0): PASS when the estimate meets the requirement, FAIL otherwise, unless the specific risk of a wrong decision (a bound on the probability that the true value lies on the other side) exceeds \(Self.f(plan.maximumRisk * 100)) %, which gives INCONCLUSIVE. Each verdict states its risk.")
                .appending(common)
        }
    }

    // MARK: Verdicts

    /// Each criterion under the decision rule.
    private func decide(_ out: inout Output) {
        for criterion in plan.criteria {
            let sentence = criterionText(criterion)
            let requirement: ThresholdRequirement = criterion.sense == .atLeast ? .atLeast(criterion.requirement) : .atMost(criterion.requirement)
            guard let figure = out.figures.first(where: { $0.key == criterion.figureKey }), let value = figure.value else {
                out.verdicts.append(ReportVerdict(criterion: criterion.text, figureKey: criterion.figureKey, outcome: "NOT_EVALUABLE",
                                                  compared: nil, requirement: criterion.requirement,
                                                  explanation: ReportText(ko: "이 시험 실행에서 해당 수치를 산출할 수 없어 판정하지 않습니다.",
                                                                          en: "The figure could not be computed from this run; no verdict is given."),
                                                  criterionText: sentence))
                out.deviations.append(ReportText(ko: "판정기준 ‘\(sentence.ko)’은(는) 평가할 수 없습니다.",
                                                 en: "Criterion ‘\(sentence.en)’ is not evaluable."))
                continue
            }
            guard let decider = out.deciders[criterion.figureKey] else {
                out.verdicts.append(ReportVerdict(criterion: criterion.text, figureKey: criterion.figureKey, outcome: "NOT_EVALUABLE",
                                                  compared: value, requirement: criterion.requirement,
                                                  explanation: ReportText(ko: "이 수치에는 신뢰한계가 없어 판정규칙을 적용할 수 없습니다(추정값 \(Self.f(value))).",
                                                                          en: "This figure has no confidence bound, so the decision rule cannot be applied (estimate \(Self.f(value)))."),
                                                  criterionText: sentence))
                continue
            }
            let gamma = plan.decisionRule == .guardBand ? criterion.confidence : 1 - plan.maximumRisk
            let (decision, further, atRate, unit) = decision(decider, requirement: requirement, confidence: gamma)
            var outcome = decision.verdict
            let compared = criterion.sense == .atLeast ? (decision.lowerBound ?? value) : (decision.upperBound ?? value)
            let percent = Self.f(gamma * 100)
            var explanation = ReportText(
                ko: "단측 \(percent) % 신뢰한계 \(Self.f(compared))를 요구값 \(criterion.sense.rawValue) \(AcceptanceCriterion.number(criterion.requirement))과 비교(추정값 \(Self.f(value))).",
                en: "One-sided \(percent) % bound \(Self.f(compared)) against \(criterion.sense.rawValue) \(AcceptanceCriterion.number(criterion.requirement)) (estimate \(Self.f(value))).")
            if plan.decisionRule == .simpleAcceptance {
                let pointPass = requirement.isMet(by: value)
                outcome = decision.verdict == .inconclusive ? .inconclusive : (pointPass ? .pass : .fail)
                explanation = ReportText(
                    ko: "추정값 \(Self.f(value))을(를) 요구값과 비교. 잘못된 판정의 위험은 \(Self.f(plan.maximumRisk * 100)) % 이하\(outcome == .inconclusive ? "가 아니므로 판정을 보류합니다" : "입니다")(단측 한계 \(Self.f(compared))).",
                    en: "Estimate \(Self.f(value)) against the requirement; the risk of a wrong decision is \(outcome == .inconclusive ? "above" : "at most") \(Self.f(plan.maximumRisk * 100)) % (one-sided bound \(Self.f(compared))).")
            }
            if outcome == .inconclusive {
                let u = ReportGlossary.unit(unit)
                explanation = explanation.appending(ReportText(
                    ko: "추가 \(u.ko): 실패 없이 \(further.map(String.init) ?? "—"), 관측률 유지 시 \(atRate.map(String.init) ?? "—").",
                    en: "Further \(u.en): \(further.map(String.init) ?? "—") with no failures, \(atRate.map(String.init) ?? "—") at the observed rate."))
            }
            out.verdicts.append(ReportVerdict(criterion: criterion.text, figureKey: criterion.figureKey, outcome: outcome.rawValue.uppercased(),
                                              compared: compared, requirement: criterion.requirement,
                                              furtherRunsNeeded: outcome == .inconclusive ? further : nil,
                                              furtherAtObservedRate: outcome == .inconclusive ? atRate : nil,
                                              furtherUnit: outcome == .inconclusive ? unit : nil, explanation: explanation,
                                              criterionText: sentence))
        }
    }

    /// A criterion as a sentence: the figure's glossary name, the requirement and the confidence.
    private func criterionText(_ criterion: AcceptanceCriterion) -> ReportText {
        let name = ReportGlossary.name(ofKey: criterion.metric) ?? ReportText(verbatim: criterion.metric)
        let sense = criterion.sense == .atLeast ? "≥" : "≤"
        let requirement = AcceptanceCriterion.number(criterion.requirement)
        let within = criterion.withinMetres.map { AcceptanceCriterion.number($0) }
        let confidence = Self.f(criterion.confidence * 100)
        return ReportText(
            ko: "\(name.ko)\(within.map { " (경사거리 \($0) m 이내)" } ?? "") \(sense) \(requirement), 단측 신뢰수준 \(confidence) %",
            en: "\(name.en)\(within.map { " (slant range within \($0) m)" } ?? "") \(sense) \(requirement) at \(confidence) % one-sided confidence")
    }

    /// The decision, and the further evidence (no failures; at the observed rate) in its unit.
    private func decision(_ decider: Decider, requirement: ThresholdRequirement, confidence: Double)
        -> (ConformityDecision, Int?, Int?, String) {
        switch decider {
        case .correlatedProportion(let p):
            let d = p.decision(for: requirement, confidence: confidence)
            let further = p.furtherScans(for: requirement, confidence: confidence)
            return (d, further.fewestToPass, further.atObservedRate, "scans")
        case .poisson(let rate, let unit):
            let d = rate.decision(for: requirement, confidence: confidence)
            return (d, d.furtherExposure?.fewestToPass.map { Int($0.rounded(.up)) },
                    d.furtherExposure?.atObservedRate.map { Int($0.rounded(.up)) }, unit)
        case .bootstrap(let b):
            let d = b.result.decision(for: requirement, confidence: confidence)
            // Further hours at the observed estimate, assuming the bound's distance from it shrinks as 1/√duration.
            var atRate: Int?
            if d.verdict == .inconclusive, b.durationHours > 0, let estimate = d.estimate {
                let bound = requirement.direction == .atLeast ? d.lowerBound : d.upperBound
                let margin = abs(estimate - requirement.threshold)
                if let bound, margin > 0, requirement.isMet(by: estimate) {
                    let width = abs(estimate - bound)
                    let total = b.durationHours * (width / margin) * (width / margin)
                    atRate = Int(max(0, total - b.durationHours).rounded(.up))
                }
            }
            return (d, nil, atRate, "hours")
        }
    }

    // MARK: Timelines

    /// Per-drone timeline on the grid: tracked where a frame matched it, detected where a detection
    /// was associated at that time, missed otherwise.
    private func timeline(_ drone: DroneTrackScore, frames: [TrackingFrame], detections: [DetectionAssociation],
                          seconds: (Timestamp) -> Double) -> ReportTimeline {
        let detectedTimes = detections.filter { $0.droneID == drone.droneID }.map { seconds($0.time) }.sorted()
        let step = frames.count > 1 ? max(1e-3, (seconds(frames.last!.time) - seconds(frames.first!.time)) / Double(frames.count - 1)) : 1
        func detected(near t: Double) -> Bool {
            var low = 0, high = detectedTimes.count
            while low < high { let m = (low + high) / 2; if detectedTimes[m] < t - step / 2 { low = m + 1 } else { high = m } }
            return low < detectedTimes.count && detectedTimes[low] <= t + step / 2
        }
        var segments: [[Double]] = []
        var previous: Double?
        for frame in frames where frame.matches.contains(where: { $0.droneID == drone.droneID }) || frame.missedDroneIDs.contains(drone.droneID) {
            let t = seconds(frame.time)
            let state: Double = frame.matches.contains { $0.droneID == drone.droneID } ? 2 : (detected(near: t) ? 1 : 0)
            let end = t + min(step, 1)
            if let last = segments.last, last[2] == state, let previous, t - previous <= 1.5 * step {
                segments[segments.count - 1][1] = end
            } else {
                segments.append([t, end, state])
            }
            previous = t
        }
        return ReportTimeline(drone: drone.droneID, segments: segments,
                              firstDetectionSeconds: drone.firstDetection.map { seconds($0.time) }, firstDetectionRangeM: drone.firstDetection?.range,
                              firstTrackSeconds: drone.firstConfirmedTrack.map { seconds($0.time) }, firstTrackRangeM: drone.firstConfirmedTrack?.range)
    }

    /// A number in the report's sentences: up to 4 significant digits.
    static func f(_ v: Double) -> String { String(format: "%.4g", v) }
}

extension Evaluator.Output {
    /// The track figures of Haechi's own tracker that a report on another system's tracks shows beside them.
    static let referenceFigureKeys: Set<String> = [
        "ospa_mean_m", "gospa_mean", "completeness", "spuriousness", "horizontal_rmse_m", "vertical_rmse_m", "position_rmse_3d_m",
        "cep50_m", "mota", "idf1", "id_switches", "fragmentations", "false_tracks_per_hour", "first_track_range_m", "time_to_first_track_s",
    ]

    /// Adds, beside a system's tracks, Haechi's own tracker as the reference: its tracks replayed from
    /// the same recording, scored by the same plan, their main figures under `reference_tracker_<key>`.
    /// They inform; they decide no criterion (no decider is kept). Nothing when the run had no tracker.
    mutating func addReferenceTracker(plan: TestPlan, data: RecordedRunData) throws(RuntimeError) {
        guard !data.tracks.isEmpty else { return }
        let reference = Evaluator(plan: plan, input: try EvaluationInput.recorded(data, tracks: nil)).evaluate()
        figures += reference.figures.filter { Self.referenceFigureKeys.contains($0.key) }.map { figure in
            var copy = figure
            copy.key = "reference_tracker_" + figure.key
            return copy
        }
    }
}
