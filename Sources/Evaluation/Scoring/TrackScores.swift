// What scoring a set of tracks against the truth found: OSPA, GOSPA and SIAP, over time and overall.
public import TelemetryModel

/// OSPA and GOSPA at one time.
public struct TrackScoreStep: Hashable, Sendable {
    /// The time.
    public var time: Timestamp
    /// OSPA, metres when p = 1.
    public var ospa: Double
    /// GOSPA and its parts.
    public var gospa: GOSPAScore

    /// Creates a step.
    public init(time: Timestamp, ospa: Double, gospa: GOSPAScore) {
        self.time = time
        self.ospa = ospa
        self.gospa = gospa
    }
}

/// The scores of a set of tracks against the truth (``TrackScorer``).
///
/// The time steps are every time at which a truth path or a resampled track has a state, ascending;
/// ``steps`` and `siap.atTimes` hold the same times. The means are over those steps (as the Stone
/// Soup scorer's), and are `nil` when there are none.
public struct TrackScores: Sendable {
    /// The truth paths scored against.
    public var truthPathCount: Int
    /// The tracks as scored: resampled onto the grid, those left without a state dropped.
    public var scoredTracks: [TrackPath]
    /// The track-to-truth associations SIAP is computed on (indices into ``scoredTracks`` and the truth paths).
    public var associations: [TrackTruthAssociation]
    /// OSPA and GOSPA at each time step.
    public var steps: [TrackScoreStep]
    /// The SIAP figures.
    public var siap: SIAPScores
    /// The truth paths as scored: on the grid (``TruthPath/onTimeline(_:maximumGapNanoseconds:)``),
    /// in the order given; the associations' truth indices refer to them.
    public var truthsOnGrid: [TruthPath]

    /// Creates scores.
    public init(truthPathCount: Int, scoredTracks: [TrackPath], associations: [TrackTruthAssociation],
                steps: [TrackScoreStep], siap: SIAPScores, truthsOnGrid: [TruthPath] = []) {
        self.truthsOnGrid = truthsOnGrid
        self.truthPathCount = truthPathCount
        self.scoredTracks = scoredTracks
        self.associations = associations
        self.steps = steps
        self.siap = siap
    }

    /// Track states on the grid, in all (the scorer's `n_track_states_on_grid`).
    public var trackStateCount: Int { scoredTracks.reduce(0) { $0 + $1.states.count } }

    /// Mean OSPA over the time steps.
    public var ospaMean: Double? { mean(steps.map(\.ospa)) }
    /// Median OSPA (the mean of the middle two for an even count, as numpy's `median`).
    public var ospaMedian: Double? { percentile(steps.map(\.ospa), 50) }
    /// 95th percentile of OSPA, linear between order statistics (numpy's default `percentile`).
    public var ospaPercentile95: Double? { percentile(steps.map(\.ospa), 95) }
    /// Mean GOSPA distance.
    public var gospaMean: Double? { mean(steps.map(\.gospa.distance)) }
    /// Mean GOSPA localisation term (Σ dᵖ of the pairs closer than c).
    public var gospaLocalisationMean: Double? { mean(steps.map(\.gospa.localisation)) }
    /// Mean number of missed true objects per step.
    public var gospaMissedMean: Double? { mean(steps.map { Double($0.gospa.missed) }) }
    /// Mean number of false tracks per step.
    public var gospaFalseMean: Double? { mean(steps.map { Double($0.gospa.falseTracks) }) }
}

/// The arithmetic mean; `nil` for no values.
func mean(_ values: [Double]) -> Double? {
    values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
}

/// The q-th percentile with linear interpolation between order statistics (numpy's default):
/// at rank r = q/100 · (n − 1), x₍⌊r⌋₎ + (r − ⌊r⌋) · (x₍⌊r⌋₊₁₎ − x₍⌊r⌋₎). `nil` for no values.
func percentile(_ values: [Double], _ q: Double) -> Double? {
    guard !values.isEmpty else { return nil }
    let sorted = values.sorted()
    let rank = q / 100 * Double(sorted.count - 1)
    let low = Int(rank.rounded(.down))
    let high = min(low + 1, sorted.count - 1)
    let fraction = rank - Double(low)
    return sorted[low] + fraction * (sorted[high] - sorted[low])
}
