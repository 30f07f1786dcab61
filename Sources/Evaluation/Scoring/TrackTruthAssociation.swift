// The times over which one track stood for one true object.
public import TelemetryModel

/// One track's association with one true object: the closed time intervals over which it held.
///
/// All of a pair's intervals are gathered in one value, merged where they overlap or touch, as
/// Stone Soup's `AssociationSet` merges them into one `CompoundTimeRange`.
public struct TrackTruthAssociation: Hashable, Sendable {
    /// Index of the track in the tracks given to the associator.
    public var track: Int
    /// Index of the true object in the truth paths given to the associator.
    public var truth: Int
    /// Disjoint closed intervals, ascending, none touching another.
    public private(set) var intervals: [ClosedRange<Timestamp>]

    /// Creates an association from intervals in any order; overlapping or touching ones are merged.
    public init(track: Int, truth: Int, intervals: [ClosedRange<Timestamp>]) {
        self.track = track
        self.truth = truth
        var merged: [ClosedRange<Timestamp>] = []
        for interval in intervals.sorted(by: { $0.lowerBound < $1.lowerBound }) {
            if let last = merged.last, interval.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound...max(last.upperBound, interval.upperBound)
            } else {
                merged.append(interval)
            }
        }
        self.intervals = merged
    }

    /// Whether the association holds at `time` (the intervals are closed).
    ///
    /// - Complexity: O(log k) for k intervals.
    public func contains(_ time: Timestamp) -> Bool { interval(containing: time) != nil }

    /// The interval that holds at `time`, if any.
    ///
    /// - Complexity: O(log k) for k intervals.
    public func interval(containing time: Timestamp) -> ClosedRange<Timestamp>? {
        var low = 0, high = intervals.count
        while low < high {
            let middle = (low + high) / 2
            if intervals[middle].upperBound < time { low = middle + 1 } else { high = middle }
        }
        return low < intervals.count && intervals[low].contains(time) ? intervals[low] : nil
    }

    /// The end of the last interval.
    public var lastEnd: Timestamp? { intervals.last?.upperBound }

    /// Total length of the intervals, nanoseconds (Stone Soup's `CompoundTimeRange.duration`).
    public var durationNanoseconds: Int64 {
        var total: Int64 = 0
        for interval in intervals {
            let (sum, overflow) = total.addingReportingOverflow(interval.upperBound.nanoseconds(since: interval.lowerBound))
            total = overflow ? .max : sum
        }
        return total
    }
}
