// The tracker's input and output for one step.
public import TelemetryModel

/// One sensor's scan: a time step of the tracker, with every detection the sensor made in it.
public struct SensorScan: Sendable, Hashable {
    /// The scan time (a message time).
    public var time: Timestamp
    /// The sensor.
    public var sensorID: String
    /// The sensor's scan counter.
    public var scanID: UInt64
    /// The detections, in the order received.
    public var detections: [Detection]

    /// Creates a scan.
    public init(time: Timestamp, sensorID: String, scanID: UInt64, detections: [Detection]) {
        self.time = time
        self.sensorID = sensorID
        self.scanID = scanID
        self.detections = detections
    }
}

/// A confirmed track's state after one step.
public struct TrackOutput: Sendable {
    /// The track id: stable for the track's life, numbered from 0 in order of confirmation.
    public var trackID: Int
    /// The step's time.
    public var time: Timestamp
    /// The estimate (the IMM's combined estimate).
    public var state: GaussianState
    /// Whether a measurement updated the track on this step.
    public var updated: Bool
    /// The sensor whose scan this step was.
    public var sensorID: String
    /// The detection that updated it, if any: the sender's id, else its index in the scan.
    public var detectionID: UInt64?
    /// The number of motion modes (1 without an IMM).
    public var modeCount: Int
    /// The IMM's mode probabilities (constant velocity, left turn, right turn); the first `modeCount` count.
    public var modeProbabilities: InlineArray<3, Double>
}

/// The result of one step: every confirmed track's state, in track-id order.
public struct TrackerStep: Sendable {
    /// The step's time.
    public var time: Timestamp
    /// The sensor whose scan it was.
    public var sensorID: String
    /// The confirmed tracks.
    public var tracks: [TrackOutput]
}

/// Why the tracker skipped an input.
public enum TrackerRejection: String, Error, Sendable, Hashable, CaseIterable, Codable, CodingKeyRepresentable, Comparable {
    /// A NaN or infinite value.
    case nonFinite = "non_finite"
    /// A value outside its domain: range ≤ 0 or beyond the limit, azimuth outside [0, 360], elevation
    /// outside [−90, 90].
    case outOfRange = "out_of_range"
    /// A detection from a sensor the tracker does not know (no position).
    case unknownSensor = "unknown_sensor"
    /// A scan older than the last one processed.
    case timeBackwards = "time_backwards"
    /// A detection without a field its sensor's model needs (a radar's range or elevation, a camera's elevation).
    case missingField = "missing_field"

    public static func < (a: TrackerRejection, b: TrackerRejection) -> Bool { a.rawValue < b.rawValue }
}

/// The tracker's counters.
public struct TrackerStatistics: Sendable, Hashable, Codable {
    /// Scans offered.
    public var scansReceived = 0
    /// Scans processed as steps.
    public var scansProcessed = 0
    /// Detections offered.
    public var detectionsReceived = 0
    /// Detections used as measurements.
    public var detectionsUsed = 0
    /// Detections skipped, by reason (a skipped scan's detections count under the scan's reason).
    public var detectionsRejected: [TrackerRejection: Int] = [:]
    /// Scans skipped, by reason.
    public var scansRejected: [TrackerRejection: Int] = [:]
    /// Track updates (hits of confirmed tracks).
    public var updates = 0
    /// Coasted steps of confirmed tracks.
    public var coasts = 0
    /// Tentative tracks started.
    public var tentativeStarted = 0
    /// Tentative tracks dropped.
    public var tentativeDropped = 0
    /// Tracks confirmed.
    public var confirmed = 0
    /// Confirmed tracks deleted, by reason.
    public var deleted: [TrackDeletionReason: Int] = [:]
    /// Updates discarded because they produced a non-finite state (kept as a coast).
    public var nonFiniteUpdates = 0
    /// The most confirmed tracks held at once.
    public var peakConfirmed = 0
    /// The most tentative tracks held at once.
    public var peakTentative = 0
    /// Of `tentativeStarted`, those started where angle-only sensors' lines of sight cross.
    public var passiveStarted = 0
    /// Lines of sight left uncrossed because a scan had more than `PassiveInitiator.maximumLinesPerScan`.
    public var passiveLinesUntried = 0

    /// Creates zeroed counters.
    public init() {}

    enum CodingKeys: String, CodingKey {
        case scansReceived = "scans_received", scansProcessed = "scans_processed"
        case detectionsReceived = "detections_received", detectionsUsed = "detections_used"
        case detectionsRejected = "detections_rejected", scansRejected = "scans_rejected"
        case updates, coasts, tentativeStarted = "tentative_started", tentativeDropped = "tentative_dropped"
        case confirmed, deleted, nonFiniteUpdates = "non_finite_updates"
        case peakConfirmed = "peak_confirmed", peakTentative = "peak_tentative"
        case passiveStarted = "passive_started", passiveLinesUntried = "passive_lines_untried"
    }
}
