// The role that decides which track stands for which true object, and when.

/// Associates tracks with true objects over time.
public protocol TruthAssociator: Sendable {
    /// The associations of `tracks` with `truths`, at most one value per (track, truth) pair, ordered
    /// by track and then by truth.
    func associate(tracks: [TrackPath], truths: [TruthPath]) -> [TrackTruthAssociation]
}
