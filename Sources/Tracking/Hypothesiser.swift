// The hypothesiser role: which (track, measurement) pairs are possible, and at what distance.

/// One possible pairing of a track with a measurement of the scan.
public struct Hypothesis: Sendable, Hashable {
    /// The track's index.
    public var track: Int
    /// The measurement's index.
    public var measurement: Int
    /// The pair's distance (for `DistanceHypothesiser`, the Mahalanobis distance).
    public var distance: Double

    /// Creates a hypothesis.
    public init(track: Int, measurement: Int, distance: Double) {
        self.track = track
        self.measurement = measurement
        self.distance = distance
    }
}

/// A scan's hypotheses: the possible pairs, each track's measurement prediction, and what a miss costs.
public struct Hypotheses: Sendable {
    /// The pairs inside the gate, in track order, then measurement order.
    public var pairs: [Hypothesis] = []
    /// Each track's measurement prediction (ẑ, S, Pxz), kept once per track rather than in each pair
    /// (it is 464 bytes, and each copy of it cost more than the pair's other work); `nil` for a track
    /// with no candidate measurement, or whose prediction is degenerate.
    public var predictions: [MeasurementPrediction?] = []
    /// The distance a track's miss counts as, on the pairs' scale.
    public var missedDistance: Double

    /// No pairs yet.
    public init(missedDistance: Double) { self.missedDistance = missedDistance }
}

/// Proposes the possible (track, measurement) pairs of a scan and their distances (Stone Soup's
/// `Hypothesiser`): gating and the distance measure, apart from the choice among them, which is the
/// `DataAssociator`'s.
public protocol Hypothesiser: Sendable {
    /// The hypotheses for predicted track states `tracks` and a scan's `measurements`.
    func hypothesise(_ tracks: [GaussianState], _ measurements: [ScanMeasurement], model: any MeasurementModel,
                     updater: any Updater) -> Hypotheses
}
