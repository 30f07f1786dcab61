// The default resampling of the Stone Soup scorer: the latest state, moved forward with its velocity.
import TelemetryModel

/// At each grid time g within the track's first and last state, the track's latest state at or before
/// g, moved forward to g with its own velocity (a constant-velocity hold), if that state is at most
/// ``maximumAgeSeconds`` old. This is `resample(..., mode="hold")` of `metrics_stonesoup.py`.
///
/// For the state at time t with position p and velocity v, the state at g is
/// `p + v · (g − t)` with velocity v (a state without a velocity is held in place, as the scorer
/// takes a missing `vel` as zero). Grid times before the first state or after the last one get
/// nothing: a track is not extended past its last report.
public struct HeldTrackResampler: TrackResampler, Codable, Hashable {
    /// The oldest a state may be and still stand for a grid time, seconds (the scorer's `--max-hold`, 2).
    public let maximumAgeSeconds: Double

    /// Creates the resampler.
    ///
    /// - Precondition: `maximumAgeSeconds` is finite and ≥ 0.
    public init(maximumAgeSeconds: Double = 2) {
        precondition(maximumAgeSeconds.isFinite && maximumAgeSeconds >= 0, "the maximum age must be finite and ≥ 0")
        self.maximumAgeSeconds = maximumAgeSeconds
    }

    /// The maximum age in nanoseconds, truncated as the scorer's `int(max_hold * 1e9)`.
    var maximumAgeNanoseconds: Int64 { Int64((maximumAgeSeconds * 1e9).rounded(.towardZero)) }

    /// - Complexity: O(g log n) for g grid times and n states.
    public func resample(_ track: TrackPath, onto grid: EvaluationGrid) -> TrackPath {
        let states = track.states
        guard let first = states.first?.time, let last = states.last?.time else { return TrackPath(id: track.id, states: []) }
        let maximumAge = maximumAgeNanoseconds
        var held: [KinematicState] = []
        for g in grid.times where g >= first && g <= last {
            guard let index = states.lastIndex(atOrBefore: g) else { continue }
            let state = states[index]
            let age = g.nanoseconds(since: state.time)
            guard age <= maximumAge else { continue }
            let seconds = Double(age) / 1e9
            let position = state.position + (state.velocity ?? .zero) * seconds
            held.append(KinematicState(time: g, position: position, velocity: state.velocity))
        }
        return TrackPath(id: track.id, states: held)
    }
}
