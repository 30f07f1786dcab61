// One state of a truth path or of a track: a time, an ENU position and, when known, a velocity.
public import TelemetryModel

/// Where an object was at one time, in the site's east-north-up frame.
public struct KinematicState: Hashable, Sendable {
    /// When.
    public var time: Timestamp
    /// Position, metres east, north and up of the site origin.
    public var position: ENUVector
    /// Velocity, m/s east, north and up; `nil` when the source does not report it.
    public var velocity: ENUVector?

    /// Creates a state.
    public init(time: Timestamp, position: ENUVector, velocity: ENUVector? = nil) {
        self.time = time
        self.position = position
        self.velocity = velocity
    }
}

extension Array where Element == KinematicState {
    /// The states in time order, one per time: a stable sort by time, and of several states with the
    /// same time the one given last (the rule of the Stone Soup scorer's resampling and of Stone
    /// Soup's `last_timestamp_generator`).
    ///
    /// - Complexity: O(n log n).
    func orderedByTimeKeepingLast() -> [KinematicState] {
        let sorted = enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        var result: [KinematicState] = []
        result.reserveCapacity(sorted.count)
        for state in sorted {
            if let last = result.last, last.time == state.time {
                result[result.count - 1] = state
            } else {
                result.append(state)
            }
        }
        return result
    }

    /// The index of the state at exactly `time` in a time-ordered array without repeated times.
    ///
    /// - Complexity: O(log n).
    func index(at time: Timestamp) -> Int? {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].time < time { low = middle + 1 } else { high = middle }
        }
        return low < count && self[low].time == time ? low : nil
    }

    /// The index of the last state at or before `time` in a time-ordered array, if any.
    ///
    /// - Complexity: O(log n).
    func lastIndex(atOrBefore time: Timestamp) -> Int? {
        var low = 0, high = count
        while low < high {
            let middle = (low + high) / 2
            if self[middle].time <= time { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? low - 1 : nil
    }
}
