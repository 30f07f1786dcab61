// Resampling without interpolation: only the states that fall exactly on the grid.
import TelemetryModel

/// Keeps only the track states whose time is a grid time (`metrics_stonesoup.py --resample none`).
public struct GridAlignedTrackResampler: TrackResampler, Codable, Hashable {
    /// Creates the resampler.
    public init() {}

    /// - Complexity: O(n log g) for n states and g grid times.
    public func resample(_ track: TrackPath, onto grid: EvaluationGrid) -> TrackPath {
        let times = grid.times
        let kept = track.states.filter { state in
            var low = 0, high = times.count
            while low < high {
                let middle = (low + high) / 2
                if times[middle] < state.time { low = middle + 1 } else { high = middle }
            }
            return low < times.count && times[low] == state.time
        }
        return TrackPath(id: track.id, states: kept)
    }
}
