// The output of `haechi evaluate`: the Stone Soup scorer's summary keys, unrounded, plus the series over time.
import Evaluation
import Reporting
import TelemetryModel
import Foundation

/// The scores of one track file (`haechi-track-scores/1`).
///
/// The top-level keys are those of `metrics_stonesoup.py`'s summary (`ospa_mean_m`, `gospa_mean`,
/// `siap {…}`, …) with unrounded values, plus `timeseries` (one entry per time step in each array)
/// and `associations`. docs/evaluation.md defines every figure.
public struct TrackScoreSummary: Encodable, Sendable {
    struct Settings: Encodable, Sendable {
        var gridSeconds: Double
        var gridPoints: Int
        var resample: String
        var maximumHoldSeconds: Double
        var cutoff: Double
        var order: Double
        var gospaAlpha = 2
        var associationThreshold: Double
        var consecutivePairsToConfirm: Int
        var consecutiveMissesToEnd: Int

        enum CodingKeys: String, CodingKey {
            case gridSeconds = "grid_s", gridPoints = "grid_points", resample, maximumHoldSeconds = "max_hold_s"
            case cutoff = "c_m", order = "p", gospaAlpha = "gospa_alpha", associationThreshold = "siap_assoc_threshold_m"
            case consecutivePairsToConfirm = "consec_pairs_confirm", consecutiveMissesToEnd = "consec_misses_end"
        }
    }

    struct SIAP: Encodable, Sendable {
        var completeness, ambiguity, spuriousness, positionAccuracy: Double
        var velocityAccuracy: Double?
        var rateOfTrackNumberChange, longestTrackSegment: Double

        enum CodingKeys: String, CodingKey {
            case completeness, ambiguity, spuriousness, positionAccuracy = "position_accuracy_m"
            case velocityAccuracy = "velocity_accuracy_mps", rateOfTrackNumberChange = "rate_of_track_number_change_per_s"
            case longestTrackSegment = "longest_track_segment"
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(completeness, forKey: .completeness)
            try c.encode(ambiguity, forKey: .ambiguity)
            try c.encode(spuriousness, forKey: .spuriousness)
            try c.encode(positionAccuracy, forKey: .positionAccuracy)
            try c.encode(velocityAccuracy, forKey: .velocityAccuracy)  // null without velocities, as the scorer
            try c.encode(rateOfTrackNumberChange, forKey: .rateOfTrackNumberChange)
            try c.encode(longestTrackSegment, forKey: .longestTrackSegment)
        }
    }

    /// Column arrays, one entry per time step.
    struct Series: Encodable, Sendable {
        var timeNanoseconds: [Int64] = []
        var relativeSeconds: [Double] = []
        var ospa: [Double] = []
        var gospa: [Double] = []
        var gospaLocalisation: [Double] = []
        var gospaMissed: [Int] = []
        var gospaFalse: [Int] = []
        var completeness: [Double] = []
        var ambiguity: [Double] = []
        var spuriousness: [Double] = []
        var positionAccuracy: [Double] = []
        var velocityAccuracy: [Double?] = []

        enum CodingKeys: String, CodingKey {
            case timeNanoseconds = "t_ns", relativeSeconds = "t_rel", ospa, gospa, gospaLocalisation = "gospa_loc"
            case gospaMissed = "gospa_missed", gospaFalse = "gospa_false", completeness = "siap_completeness"
            case ambiguity = "siap_ambiguity", spuriousness = "siap_spuriousness"
            case positionAccuracy = "siap_position_accuracy_m", velocityAccuracy = "siap_velocity_accuracy_mps"
        }
    }

    struct Association: Encodable, Sendable {
        var trackID: String
        var truthID: String
        /// [start, end] pairs, seconds after the scenario's epoch.
        var intervals: [[Double]]

        enum CodingKeys: String, CodingKey {
            case trackID = "track_id", truthID = "truth_id", intervals = "intervals_t_rel"
        }
    }

    let format = "haechi-track-scores/1"
    let version = HaechiVersion.version
    /// The scenario file, or the recording whose truth was scored.
    public let scenario: String
    /// The track file.
    public let tracks: String
    let settings: Settings
    /// Truth paths in the scenario.
    public let truthPathCount: Int
    /// Tracks with at least one state on the grid.
    public let trackCount: Int
    /// Track states on the grid.
    public let trackStateCount: Int
    /// The time steps scored.
    public let stepCount: Int
    /// Mean, median and 95th percentile of OSPA, metres; mean GOSPA and its parts.
    public let ospaMean, ospaMedian, ospaPercentile95, gospaMean, gospaLocalisationMean, gospaMissedMean, gospaFalseMean: Double?
    let siap: SIAP
    let series: Series
    let associations: [Association]
    /// The report's figures of the same run, from the same ``Evaluator`` (so they equal `haechi report`'s).
    var figures: [ReportFigure]?

    enum CodingKeys: String, CodingKey {
        case format, version, scenario, tracks, settings = "eval", truthPathCount = "n_truth_paths", trackCount = "n_tracks"
        case trackStateCount = "n_track_states_on_grid", stepCount = "n_time_steps"
        case ospaMean = "ospa_mean_m", ospaMedian = "ospa_median_m", ospaPercentile95 = "ospa_p95_m", gospaMean = "gospa_mean"
        case gospaLocalisationMean = "gospa_localisation_mean", gospaMissedMean = "gospa_missed_mean_count"
        case gospaFalseMean = "gospa_false_mean_count", siap, series = "timeseries", associations, figures
    }

    init(options: EvaluateRunner.Options, epoch: Timestamp, grid: EvaluationGrid, associator: TrackToTruthAssociator,
         truths: [TruthPath], scores: TrackScores) {
        scenario = options.recordingPath ?? options.scenarioPath
        tracks = options.tracksPath
        settings = Settings(gridSeconds: grid.stepSeconds, gridPoints: grid.times.count, resample: options.resampling.rawValue,
                            maximumHoldSeconds: options.maximumHoldSeconds, cutoff: options.cutoff, order: options.order,
                            associationThreshold: associator.associationThreshold,
                            consecutivePairsToConfirm: associator.consecutivePairsToConfirm,
                            consecutiveMissesToEnd: associator.consecutiveMissesToEnd)
        truthPathCount = scores.truthPathCount
        trackCount = scores.scoredTracks.count
        trackStateCount = scores.trackStateCount
        stepCount = scores.steps.count
        ospaMean = scores.ospaMean
        ospaMedian = scores.ospaMedian
        ospaPercentile95 = scores.ospaPercentile95
        gospaMean = scores.gospaMean
        gospaLocalisationMean = scores.gospaLocalisationMean
        gospaMissedMean = scores.gospaMissedMean
        gospaFalseMean = scores.gospaFalseMean
        let s = scores.siap
        siap = SIAP(completeness: s.completeness, ambiguity: s.ambiguity, spuriousness: s.spuriousness,
                    positionAccuracy: s.positionAccuracy, velocityAccuracy: s.velocityAccuracy,
                    rateOfTrackNumberChange: s.rateOfTrackNumberChange, longestTrackSegment: s.longestTrackSegment)
        func relative(_ t: Timestamp) -> Double { t.seconds(since: epoch) }
        var series = Series()
        for (step, at) in zip(scores.steps, s.atTimes) {
            series.timeNanoseconds.append(step.time.nanosecondsSinceEpoch)
            series.relativeSeconds.append(relative(step.time))
            series.ospa.append(step.ospa)
            series.gospa.append(step.gospa.distance)
            series.gospaLocalisation.append(step.gospa.localisation)
            series.gospaMissed.append(step.gospa.missed)
            series.gospaFalse.append(step.gospa.falseTracks)
            series.completeness.append(at.completeness)
            series.ambiguity.append(at.ambiguity)
            series.spuriousness.append(at.spuriousness)
            series.positionAccuracy.append(at.positionAccuracy)
            series.velocityAccuracy.append(at.velocityAccuracy)
        }
        self.series = series
        associations = scores.associations.map { a in
            Association(trackID: scores.scoredTracks[a.track].id, truthID: truths[a.truth].id,
                        intervals: a.intervals.map { [relative($0.lowerBound), relative($0.upperBound)] })
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(format, forKey: .format)
        try c.encode(version, forKey: .version)
        try c.encode(scenario, forKey: .scenario)
        try c.encode(tracks, forKey: .tracks)
        try c.encode(settings, forKey: .settings)
        try c.encode(truthPathCount, forKey: .truthPathCount)
        try c.encode(trackCount, forKey: .trackCount)
        try c.encode(trackStateCount, forKey: .trackStateCount)
        try c.encode(stepCount, forKey: .stepCount)
        // Explicit nulls (never an invented number) when there is no time step.
        try c.encode(ospaMean, forKey: .ospaMean)
        try c.encode(ospaMedian, forKey: .ospaMedian)
        try c.encode(ospaPercentile95, forKey: .ospaPercentile95)
        try c.encode(gospaMean, forKey: .gospaMean)
        try c.encode(gospaLocalisationMean, forKey: .gospaLocalisationMean)
        try c.encode(gospaMissedMean, forKey: .gospaMissedMean)
        try c.encode(gospaFalseMean, forKey: .gospaFalseMean)
        try c.encode(siap, forKey: .siap)
        try c.encode(series, forKey: .series)
        try c.encode(associations, forKey: .associations)
        try c.encodeIfPresent(figures, forKey: .figures)
    }

    /// A few lines for a person.
    public var textReport: String {
        func f(_ value: Double?, _ decimals: Int) -> String {
            value.map { String(format: "%.\(decimals)f", $0) } ?? "n/a"
        }
        var text = "haechi evaluate: \(tracks) against the truth of \(scenario)\n"
        text += "\(truthPathCount) truth paths, \(trackCount) tracks (\(trackStateCount) states on the \(f(settings.gridSeconds, 3)) s grid), \(stepCount) time steps\n"
        text += "OSPA mean \(f(ospaMean, 3)) m (c \(f(settings.cutoff, 1)) m, p \(f(settings.order, 1))); GOSPA mean \(f(gospaMean, 3)) "
        text += "(\(f(gospaMissedMean, 4)) missed, \(f(gospaFalseMean, 4)) false per step)\n"
        text += "SIAP completeness \(f(siap.completeness, 4)), ambiguity \(f(siap.ambiguity, 4)), spuriousness \(f(siap.spuriousness, 4)), "
        text += "position \(f(siap.positionAccuracy, 3)) m, velocity \(f(siap.velocityAccuracy, 3)) m/s, "
        text += "track-number changes \(f(siap.rateOfTrackNumberChange, 5))/s, longest segment \(f(siap.longestTrackSegment, 4))\n"
        return text
    }
}
