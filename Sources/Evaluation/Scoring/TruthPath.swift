// A true object's path: the reference that tracks are scored against.
public import TelemetryModel

/// The states of one true object (a drone), ordered by time.
///
/// Stone Soup's `GroundTruthPath`.
public struct TruthPath: Hashable, Sendable {
    /// The object's id (a scenario's `drone_id`).
    public var id: String
    /// The states in time order, one per time.
    public private(set) var states: [KinematicState]

    /// Creates a path. `states` may come in any order; of several with the same time the one given
    /// last is kept.
    public init(id: String, states: [KinematicState]) {
        self.id = id
        self.states = states.orderedByTimeKeepingLast()
    }

    /// The state at exactly `time`, if the path has one.
    ///
    /// - Complexity: O(log n).
    public func state(at time: Timestamp) -> KinematicState? {
        states.index(at: time).map { states[$0] }
    }
}
