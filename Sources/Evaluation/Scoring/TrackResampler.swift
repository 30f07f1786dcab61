// The role that puts a track's states on the evaluation grid.

/// Puts a track's states at the grid's times.
///
/// Stone Soup's metrics and its `TrackToTruth` associator pair a track state only with a truth state
/// of exactly the same time, so tracks reported at any rate are first resampled onto the truth grid.
public protocol TrackResampler: Sendable {
    /// The track's states at (some of) the grid's times; no states when it has none there.
    func resample(_ track: TrackPath, onto grid: EvaluationGrid) -> TrackPath
}
