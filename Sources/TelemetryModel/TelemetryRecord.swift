// Every kind of record a source can send, decoded.

/// A decoded record.
public enum TelemetryRecord: Hashable, Sendable {
    /// A scenario header.
    case meta(ScenarioMeta)
    /// A sensor description.
    case sensor(SensorDescription)
    /// A sensor heartbeat.
    case status(SensorStatus)
    /// A scan, with its detections if batched.
    case scan(ScanReport)
    /// One streamed detection.
    case detection(Detection)
    /// A drone's position report.
    case truth(TruthFix)
    /// A system under test's track state.
    case track(TrackReport)

    /// The record's kind, for counting.
    public var kind: RecordKind {
        switch self {
        case .meta: .meta
        case .sensor: .sensor
        case .status: .status
        case .scan: .scan
        case .detection: .detection
        case .truth: .truth
        case .track: .track
        }
    }

    /// The record's own time, if it has one.
    public var time: Timestamp? {
        switch self {
        case .meta, .sensor: nil
        case .status(let s): s.time
        case .scan(let s): s.time
        case .detection(let d): d.time
        case .truth(let t): t.time
        case .track(let t): t.time
        }
    }
}

/// The kinds of record counted in summaries: JSON record types and MAVLink messages.
///
/// The raw values are the names used in summaries: the JSON `type`, or the MAVLink message name in
/// lower case.
public enum RecordKind: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    /// JSON record types.
    case meta, sensor, status, scan, detection, truth, track
    /// MAVLink `HEARTBEAT`.
    case heartbeat
    /// MAVLink `SYSTEM_TIME`.
    case systemTime = "system_time"
    /// MAVLink `GLOBAL_POSITION_INT`.
    case globalPositionInt = "global_position_int"
    /// MAVLink `GPS_RAW_INT`.
    case gpsRawInt = "gps_raw_int"
    /// MAVLink `OPEN_DRONE_ID_BASIC_ID`, `_LOCATION`, `_SYSTEM`, `_OPERATOR_ID`, `_MESSAGE_PACK` (Remote ID).
    case openDroneIDBasicID = "open_drone_id_basic_id"
    case openDroneIDLocation = "open_drone_id_location"
    case openDroneIDSystem = "open_drone_id_system"
    case openDroneIDOperatorID = "open_drone_id_operator_id"
    case openDroneIDMessagePack = "open_drone_id_message_pack"
    /// SAPIENT contents without a record of their own: a node's Alert, and an Error it sent about a
    /// message of Haechi's. (Registration counts as `sensor`, StatusReport as `status`, DetectionReport
    /// as `detection`.)
    case sapientAlert = "sapient_alert"
    case sapientError = "sapient_error"

    public static func < (lhs: RecordKind, rhs: RecordKind) -> Bool { lhs.rawValue < rhs.rawValue }
}
