// The deleter role: when a confirmed track ends.
import TrackingMath

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
