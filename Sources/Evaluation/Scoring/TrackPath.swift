// A track as a system under test reported it, or as resampled for scoring.
public import TelemetryModel

/// The states of one track, ordered by time.
///
/// Stone Soup's `Track`. Any system's tracks can be scored: only an id, times, positions and
/// (optionally) velocities are needed.
public struct TrackPath: Hashable, Sendable {
    /// The track's id (a track file's `track_id`, as text).
    public var id: String
    /// The states in time order, one per time.
    public private(set) var states: [KinematicState]

    /// Creates a track. `states` may come in any order; of several with the same time the one given
    /// last is kept.
    public init(id: String, states: [KinematicState]) {
        self.id = id
        self.states = states.orderedByTimeKeepingLast()
    }

    /// The state at exactly `time`, if the track has one.
    ///
    /// - Complexity: O(log n).
    public func state(at time: Timestamp) -> KinematicState? {
        states.index(at: time).map { states[$0] }
    }
}
