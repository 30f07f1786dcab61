// Stone Soup's TrackToTruth association, step for step.
import TelemetryModel

/// Track-to-truth association by consecutive nearest pairs: Stone Soup 1.9.1's
/// `stonesoup.dataassociator.tracktotrack.TrackToTruth`, reproduced rule for rule so that SIAP
/// figures computed on it agree with the Stone Soup scorer.
///
/// Each track is walked through its states in time order. At a state's time t, the *nearest truth*
/// is the true object with a state at exactly t whose position is strictly closer than
/// ``associationThreshold`` and closest of all (ties go to the first truth in the order given;
/// Stone Soup takes the first of a Python set, which is arbitrary). Then:
///
/// - **No current association.** The nearest truth, if it is the same candidate as at the previous
///   state, adds one to the candidate's count; a different one becomes the candidate with count 1
///   and its start time t; none clears the candidate. When the count reaches
///   ``consecutivePairsToConfirm`` the candidate becomes the current association, from the
///   candidate's start to t, and the candidate is cleared.
/// - **A current association.** If the nearest truth is the current one, the miss count is reset and
///   the association is extended to t. Otherwise the miss count grows by one, and the nearest truth
///   (or none) adds to the candidate as above, except that the candidate count is not reset when the
///   current truth is nearest again: it counts states, not consecutive states, while an association
///   holds. When the miss count reaches ``consecutiveMissesToEnd``, the association is recorded
///   (start to its last matched time) and replaced by the candidate if the candidate's count has
///   reached ``consecutivePairsToConfirm`` (from the candidate's start to t), else cleared. The miss
///   count is not reset when an association ends (Stone Soup does not reset it either), so the next
///   association can end at its first miss.
/// - When the track ends, an open association is recorded.
///
/// A track is associated with at most one truth at any state time, but a truth may have several
/// tracks. Intervals of the same pair are merged (``TrackTruthAssociation``).
public struct TrackToTruthAssociator: TruthAssociator, Codable, Hashable {
    /// A pair counts only when the track is closer than this to the truth, metres (default 50).
    public let associationThreshold: Double
    /// States in a row with the same nearest truth that start an association (default 3).
    public let consecutivePairsToConfirm: Int
    /// States in a row without the associated truth nearest that end it (default 2).
    public let consecutiveMissesToEnd: Int

    /// Creates the associator with the Stone Soup scorer's defaults.
    ///
    /// - Precondition: the threshold is positive and both counts are at least 1.
    public init(associationThreshold: Double = 50, consecutivePairsToConfirm: Int = 3, consecutiveMissesToEnd: Int = 2) {
        precondition(associationThreshold > 0, "the association threshold must be positive")
        precondition(consecutivePairsToConfirm >= 1 && consecutiveMissesToEnd >= 1, "the counts must be at least 1")
        self.associationThreshold = associationThreshold
        self.consecutivePairsToConfirm = consecutivePairsToConfirm
        self.consecutiveMissesToEnd = consecutiveMissesToEnd
    }

    /// - Complexity: O(s · n · log m) for s track states in all, n truths of m states each.
    public func associate(tracks: [TrackPath], truths: [TruthPath]) -> [TrackTruthAssociation] {
        var associations: [TrackTruthAssociation] = []
        for (trackIndex, track) in tracks.enumerated() {
            var intervals: [Int: [ClosedRange<Timestamp>]] = [:]
            walk(track, truths) { truth, interval in intervals[truth, default: []].append(interval) }
            for truth in intervals.keys.sorted() {
                associations.append(TrackTruthAssociation(track: trackIndex, truth: truth, intervals: intervals[truth]!))
            }
        }
        return associations
    }

    /// The truth nearest to `state`, strictly within the threshold.
    private func nearestTruth(to state: KinematicState, _ truths: [TruthPath]) -> Int? {
        var minimum = associationThreshold
        var nearest: Int?
        for (index, truth) in truths.enumerated() {
            guard let truthState = truth.state(at: state.time) else { continue }
            let distance = euclideanDistance(state.position, truthState.position)
            if distance < minimum {
                minimum = distance
                nearest = index
            }
        }
        return nearest
    }

    /// Runs the state machine over one track and reports each finished association.
    private func walk(_ track: TrackPath, _ truths: [TruthPath], record: (Int, ClosedRange<Timestamp>) -> Void) {
        var current: Int?, candidate: Int?
        var candidateCount = 0, misses = 0
        var candidateStart: Timestamp?, start: Timestamp?, end: Timestamp?

        for state in track.states {
            let t = state.time
            let nearest = nearestTruth(to: state, truths)
            if current == nil {
                if nearest == nil {
                    candidateCount = 0
                    candidate = nil
                    candidateStart = nil
                } else if candidate != nearest {
                    candidate = nearest
                    candidateCount = 1
                    candidateStart = t
                } else {
                    candidateCount += 1
                }
                if candidateCount >= consecutivePairsToConfirm {
                    current = nearest
                    start = candidateStart
                    end = t
                    candidateStart = nil
                    candidate = nil
                    candidateCount = 0
                }
            } else {
                if nearest == current {
                    misses = 0
                    end = t
                } else {
                    misses += 1
                    if nearest != nil && nearest == candidate {
                        candidateCount += 1
                    } else {
                        candidate = nearest
                        candidateStart = t
                        candidateCount = 1
                    }
                }
                if misses >= consecutiveMissesToEnd, let truth = current, let from = start, let to = end {
                    record(truth, from...to)
                    if candidateCount >= consecutivePairsToConfirm {
                        current = candidate
                        start = candidateStart
                        end = t
                    } else {
                        current = nil
                        start = nil
                        end = nil
                    }
                }
            }
        }
        if let truth = current, let from = start, let to = end { record(truth, from...to) }
    }
}
