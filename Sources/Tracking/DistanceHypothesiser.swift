// Gating by Mahalanobis distance, with a pre-gate that never changes the result.
import TrackingMath

/// The pairs whose Mahalanobis distance d = √(νᵀ S⁻¹ ν) is within the gate g, with a miss costing g
/// (Stone Soup's `DistanceHypothesiser(Mahalanobis, missed_distance = g)`).
///
/// 1. **Pre-gate.** Measurements that fix a position are sorted by east. A track looks only at those
///    inside a box of half-width ρ = 1.1 g (√tr Pₚ + maxₘ √tr Rₘ) + 1 m around its predicted position,
///    where Pₚ is its position covariance and Rₘ a measurement's position covariance. Since
///    d ≤ g implies |Δp| ≤ g √λmax(Pₚ + Rₘ) ≤ g (√tr Pₚ + √tr Rₘ) for the linearised model, the box
///    never drops a pair the gate would keep; the 10 % and 1 m margins cover the linearisation.
///    Bearings fix no position and are tried against every track.
/// 2. **Gate.** d ≤ g, from the updater's measurement prediction, computed once per track.
public struct DistanceHypothesiser: Hypothesiser {
    /// g: the Mahalanobis gate, and the cost of a miss.
    public let gate: Double
    /// Whether to use the pre-gate (off only to check that it changes nothing).
    public let usesPreGate: Bool

    /// Creates the hypothesiser.
    public init(gate: Double, usesPreGate: Bool = true) {
        self.gate = gate
        self.usesPreGate = usesPreGate
    }

    public func hypothesise(_ tracks: [GaussianState], _ measurements: [ScanMeasurement], model: any MeasurementModel,
                            updater: any Updater) -> Hypotheses {
        var gating = Hypotheses(missedDistance: gate)
        gating.predictions.reserveCapacity(tracks.count)
        // Measurements that fix a position, sorted by east; the others are tried against every track.
        var located: [(east: Double, index: Int)] = []
        var unlocated: [Int] = []
        var largestSpread = 0.0
        for (index, m) in measurements.enumerated() {
            if usesPreGate, let position = m.position {
                located.append((position.point[0], index))
                largestSpread = max(largestSpread, position.covariance.trace.squareRoot())
            } else {
                unlocated.append(index)
            }
        }
        located.sort { ($0.east, $0.index) < ($1.east, $1.index) }

        var candidates: [Int] = []
        var prediction = MeasurementPrediction()
        // The states are borrowed where they are, through the array's span: a copy of each is 336 bytes.
        let tracks = tracks.span
        for t in tracks.indices {
            candidates.removeAll(keepingCapacity: true)
            candidates.append(contentsOf: unlocated)
            if !located.isEmpty {
                let trackSpread = max(0, tracks[t].positionCovarianceTrace).squareRoot()
                let radius = 1.1 * gate * (trackSpread + largestSpread) + 1
                let center = tracks[t].position, east = center.x
                var lo = 0, hi = located.count
                while lo < hi {
                    let mid = (lo + hi) / 2
                    if located[mid].east < east - radius { lo = mid + 1 } else { hi = mid }
                }
                var k = lo
                while k < located.count, located[k].east <= east + radius {
                    let p = measurements[located[k].index].position!.point
                    if abs(p[1] - center.y) <= radius, abs(p[2] - center.z) <= radius {
                        candidates.append(located[k].index)
                    }
                    k += 1
                }
                candidates.sort()
            }
            guard !candidates.isEmpty, updater.predictMeasurement(tracks[t], model: model, into: &prediction) else {
                gating.predictions.append(nil)
                continue
            }
            let predicted = prediction.mean
            for index in candidates {
                let innovation = model.residual(measurements[index].value, predicted)
                let distance = prediction.squaredMahalanobis(innovation).squareRoot()
                if distance <= gate { gating.pairs.append(Hypothesis(track: t, measurement: index, distance: distance)) }
            }
            gating.predictions.append(prediction)
        }
        return gating
    }
}
