// Track management: M-of-N confirmation of tentative tracks, and the deletion of confirmed ones.

/// What the tracker knows of a track between steps: enough to manage it, and no history.
public struct TrackStatusCounters: Sendable, Hashable {
    /// Steps since the track began, counting the first.
    public var steps = 0
    /// Updates (hits) in the last 64 steps, newest in bit 0.
    public var hits: UInt64 = 0
    /// Consecutive missed steps, up to now.
    public var consecutiveMisses = 0

    /// Records one step: a hit or a miss.
    public mutating func record(hit: Bool) {
        steps += 1
        hits = (hits << 1) | (hit ? 1 : 0)
        consecutiveMisses = hit ? 0 : consecutiveMisses + 1
    }

    /// Hits among the last `window` steps.
    public func hits(inLast window: Int) -> Int {
        let mask: UInt64 = window >= 64 ? .max : (1 << UInt64(window)) - 1
        return (hits & mask).nonzeroBitCount
    }
}

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

/// Why a confirmed track ended.
public enum TrackDeletionReason: String, Sendable, Hashable, CaseIterable, Codable, CodingKeyRepresentable {
    /// Too many consecutive missed steps.
    case missedScans = "missed_scans"
    /// Its position covariance grew too large.
    case covarianceGrowth = "covariance_growth"
    /// Its state stopped being finite (a defect guard: never seen, counted if it is).
    case nonFiniteState = "non_finite_state"
}

/// Decides when a confirmed track ends.
public protocol Deleter: Sendable {
    /// The reason to delete the track now, or `nil` to keep it. `sensorCount` is the number of sensors
    /// feeding the tracker.
    func deletionReason(counters: TrackStatusCounters, state: GaussianState, sensorCount: Int) -> TrackDeletionReason?
}

/// Deletes a track after `missesPerSensor` × S consecutive missed steps, with S sensors (Stone Soup's
/// `UpdateTimeStepsDeleter` with 3 × S): each sensor's scan is a step, so the limit is about the same
/// span of time whatever the number of sensors.
public struct MissedScanDeleter: Deleter, Hashable {
    /// Misses allowed per sensor.
    public let missesPerSensor: Int

    /// Creates the deleter.
    public init(missesPerSensor: Int) { self.missesPerSensor = missesPerSensor }

    public func deletionReason(counters: TrackStatusCounters, state: GaussianState, sensorCount: Int) -> TrackDeletionReason? {
        counters.consecutiveMisses >= missesPerSensor * max(1, sensorCount) ? .missedScans : nil
    }
}

/// Deletes a track whose position covariance trace exceeds a limit (Stone Soup's `CovarianceBasedDeleter`).
public struct CovarianceTraceDeleter: Deleter, Hashable {
    /// The largest trace allowed, m².
    public let maximumPositionTrace: Double

    /// Creates the deleter.
    public init(maximumPositionTrace: Double) { self.maximumPositionTrace = maximumPositionTrace }

    public func deletionReason(counters: TrackStatusCounters, state: GaussianState, sensorCount: Int) -> TrackDeletionReason? {
        guard state.isFinite else { return .nonFiniteState }
        return state.positionCovarianceTrace > maximumPositionTrace ? .covarianceGrowth : nil
    }
}

/// Deletes a track when any of its deleters would.
public struct CompositeDeleter: Deleter {
    /// The deleters, asked in order.
    public let deleters: [any Deleter]

    /// Creates the deleter.
    public init(_ deleters: [any Deleter]) { self.deleters = deleters }

    public func deletionReason(counters: TrackStatusCounters, state: GaussianState, sensorCount: Int) -> TrackDeletionReason? {
        for deleter in deleters {
            if let reason = deleter.deletionReason(counters: counters, state: state, sensorCount: sensorCount) { return reason }
        }
        return nil
    }
}
