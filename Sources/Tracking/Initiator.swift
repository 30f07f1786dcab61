// The initiator role: M-of-N confirmation of tentative tracks.

/// What becomes of a tentative track after a step.
public enum InitiationDecision: Sendable, Hashable {
    /// Still tentative.
    case keep
    /// Confirmed: it gets a track id and is reported from now on.
    case confirm
    /// Dropped.
    case drop
}

/// Decides the fate of tentative tracks.
public protocol Initiator: Sendable {
    /// The decision after the step just recorded in `counters`.
    func review(_ counters: TrackStatusCounters) -> InitiationDecision
}

/// M-of-N confirmation: confirmed once M of its first N steps were hits; dropped after
/// `maximumMisses` consecutive misses, or after N steps without confirmation.
public struct MOfNInitiator: Initiator, Hashable {
    /// M.
    public let hits: Int
    /// N.
    public let window: Int
    /// Consecutive misses that drop a tentative track.
    public let maximumMisses: Int

    /// Creates the initiator.
    public init(hits: Int, window: Int, maximumMisses: Int) {
        self.hits = hits
        self.window = window
        self.maximumMisses = maximumMisses
    }

    public func review(_ counters: TrackStatusCounters) -> InitiationDecision {
        if counters.hits(inLast: window) >= hits { return .confirm }
        if counters.consecutiveMisses >= maximumMisses || counters.steps >= window { return .drop }
        return .keep
    }
}
