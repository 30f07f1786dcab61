// A cooperative target's own position report: the truth detections are scored against.

/// Which clock a truth fix's time came from.
public enum TruthClock: String, Sendable, Hashable, Codable, CaseIterable {
    /// The record's own timestamp (JSON `truth` records).
    case message
    /// MAVLink `time_boot_ms` mapped to UTC through the system's `SYSTEM_TIME`.
    case systemTime = "system_time"
    /// The receive time, because no `SYSTEM_TIME` had been seen yet.
    case receive
    /// A Unix-epoch `time_usec` of `GPS_RAW_INT`.
    case gpsUnix = "gps_unix"
}

/// Which reference a truth fix's height is measured from.
public enum HeightReference: String, Sendable, Hashable, Codable, CaseIterable {
    /// Reported as height above the WGS84 ellipsoid (JSON truth, or MAVLink `alt_ellipsoid`).
    case ellipsoid
    /// MAVLink's mean-sea-level altitude plus the site's configured geoid separation.
    case mslPlusGeoid = "msl_plus_geoid"
}

/// A drone's reported position at one time.
public struct TruthFix: Hashable, Sendable {
    /// When the drone was there.
    public var time: Timestamp
    /// The drone: the JSON `drone_id`, or for MAVLink the source id of the topic.
    public var droneID: String
    /// The MAVLink system id, for MAVLink fixes.
    public var systemID: UInt8?
    /// WGS84 position; height above the ellipsoid.
    public var position: GeodeticPosition
    /// Position in the site frame, when the sender gives it.
    public var enu: ENUVector?
    /// Velocity, east-north-up, m/s, when known.
    public var velocityENU: ENUVector?
    /// Where ``time`` came from.
    public var clock: TruthClock
    /// Where the height came from.
    public var heightReference: HeightReference
    /// The fix's own position accuracy, metres, as the sender states it (MAVLink `GPS_RAW_INT`
    /// `h_acc`/`v_acc`, JSON `h_acc_m`/`v_acc_m`); `nil` when it gave none.
    public var horizontalAccuracy: Double?
    public var verticalAccuracy: Double?
    /// Its horizontal and vertical dilution of precision (MAVLink `eph`/`epv` ÷ 100), when given.
    public var horizontalDOP: Double?
    public var verticalDOP: Double?

    /// Creates a truth fix.
    public init(time: Timestamp, droneID: String, systemID: UInt8? = nil, position: GeodeticPosition,
                enu: ENUVector? = nil, velocityENU: ENUVector? = nil, clock: TruthClock, heightReference: HeightReference) {
        self.time = time
        self.droneID = droneID
        self.systemID = systemID
        self.position = position
        self.enu = enu
        self.velocityENU = velocityENU
        self.clock = clock
        self.heightReference = heightReference
    }
}
