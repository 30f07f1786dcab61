// Turns one MAVLink source's position messages into truth fixes, with their clock and height reference.

/// Builds ``TruthFix`` values from a MAVLink source's messages.
///
/// Stateful, one per source: it remembers, per system id, the boot epoch learnt from `SYSTEM_TIME`,
/// the ellipsoid-minus-MSL separation learnt from `GPS_RAW_INT`, and whether the system sends
/// `GLOBAL_POSITION_INT`. The rules are in `docs/wire-formats.md` ("Truth fixes from MAVLink").
public struct MAVLinkTruthAssembler: Sendable {
    private struct SystemState: Sendable {
        /// UTC of the autopilot's boot, ns since the Unix epoch.
        var bootEpochNanoseconds: Int64?
        /// `alt_ellipsoid − alt` of the latest GPS_RAW_INT that carried it, metres.
        var ellipsoidSeparation: Double?
        var sendsGlobalPosition = false
        /// The latest GPS_RAW_INT's accuracy: h_acc and v_acc in metres (0 in the message: not given),
        /// eph and epv as dilutions of precision (UINT16_MAX: not given).
        var horizontalAccuracy: Double?
        var verticalAccuracy: Double?
        var horizontalDOP: Double?
        var verticalDOP: Double?
    }

    /// A fix with the system's latest stated accuracy attached.
    private static func withAccuracy(_ fix: TruthFix, _ state: SystemState) -> TruthFix {
        var fix = fix
        fix.horizontalAccuracy = state.horizontalAccuracy
        fix.verticalAccuracy = state.verticalAccuracy
        fix.horizontalDOP = state.horizontalDOP
        fix.verticalDOP = state.verticalDOP
        return fix
    }

    /// The drone id given to every fix: the source id of the topic.
    public let droneID: String
    /// The site's geoid separation N (ellipsoid minus mean sea level), metres.
    public let siteGeoidSeparation: Double
    private var systems: [UInt8: SystemState] = [:]

    /// `time_usec` values above this are Unix times, not time since boot (1e15 µs is September 2001).
    public static let unixMicrosecondsThreshold: UInt64 = 1_000_000_000_000_000

    /// Creates an assembler for one source.
    public init(droneID: String, siteGeoidSeparation: Double) {
        self.droneID = droneID
        self.siteGeoidSeparation = siteGeoidSeparation
    }

    /// Takes in one decoded message; returns a truth fix when the message yields one.
    public mutating func ingest(_ header: MAVLinkFrameHeader, _ message: MAVLinkMessage, receivedAt: Timestamp) -> TruthFix? {
        var state = systems[header.systemID] ?? SystemState()
        defer { systems[header.systemID] = state }
        switch message {
        case .heartbeat, .openDroneIDBasicID, .openDroneIDLocation, .openDroneIDSystem, .openDroneIDOperatorID, .openDroneIDMessagePack:
            // Remote ID is what an aircraft claims, received by a sensor: never its truth.
            return nil
        case .systemTime(let time):
            if time.timeUnixMicroseconds != 0 {
                state.bootEpochNanoseconds = Int64(clamping: time.timeUnixMicroseconds) &* 1000 &- Int64(time.timeBootMilliseconds) &* 1_000_000
            }
            return nil
        case .gpsRawInt(let gps):
            let hasEllipsoid = gps.altitudeEllipsoidMillimetres != 0
            state.horizontalAccuracy = gps.horizontalAccuracy == 0 ? nil : Double(gps.horizontalAccuracy) / 1000
            state.verticalAccuracy = gps.verticalAccuracy == 0 ? nil : Double(gps.verticalAccuracy) / 1000
            state.horizontalDOP = gps.eph == UInt16.max ? nil : Double(gps.eph) / 100
            state.verticalDOP = gps.epv == UInt16.max ? nil : Double(gps.epv) / 100
            if hasEllipsoid {
                state.ellipsoidSeparation = Double(Int64(gps.altitudeEllipsoidMillimetres) - Int64(gps.altitudeMSLMillimetres)) / 1000
            }
            guard !state.sendsGlobalPosition, gps.fixType >= 2 else { return nil }
            let (time, clock): (Timestamp, TruthClock)
            if gps.timeMicroseconds > Self.unixMicrosecondsThreshold {
                (time, clock) = (Timestamp(nanosecondsSinceEpoch: Int64(clamping: gps.timeMicroseconds) &* 1000), .gpsUnix)
            } else if let boot = state.bootEpochNanoseconds {
                (time, clock) = (Timestamp(nanosecondsSinceEpoch: boot &+ Int64(gps.timeMicroseconds) &* 1000), .systemTime)
            } else {
                (time, clock) = (receivedAt, .receive)
            }
            let height = hasEllipsoid
                ? (Double(gps.altitudeEllipsoidMillimetres) / 1000, HeightReference.ellipsoid)
                : (Double(gps.altitudeMSLMillimetres) / 1000 + siteGeoidSeparation, HeightReference.mslPlusGeoid)
            return Self.withAccuracy(TruthFix(time: time, droneID: droneID, systemID: header.systemID,
                            position: GeodeticPosition(latitude: Double(gps.latitudeE7) / 1e7, longitude: Double(gps.longitudeE7) / 1e7,
                                                       ellipsoidalHeight: height.0),
                            clock: clock, heightReference: height.1), state)
        case .globalPositionInt(let position):
            state.sendsGlobalPosition = true
            let (time, clock): (Timestamp, TruthClock) = state.bootEpochNanoseconds.map {
                (Timestamp(nanosecondsSinceEpoch: $0 &+ Int64(position.timeBootMilliseconds) &* 1_000_000), .systemTime)
            } ?? (receivedAt, .receive)
            let msl = Double(position.altitudeMSLMillimetres) / 1000
            let (height, reference) = state.ellipsoidSeparation.map { (msl + $0, HeightReference.ellipsoid) }
                ?? (msl + siteGeoidSeparation, .mslPlusGeoid)
            // MAVLink velocity is north-east-down in cm/s; the site frame is east-north-up in m/s.
            let velocity = ENUVector(Double(position.vy) / 100, Double(position.vx) / 100, -Double(position.vz) / 100)
            return Self.withAccuracy(TruthFix(time: time, droneID: droneID, systemID: header.systemID,
                            position: GeodeticPosition(latitude: Double(position.latitudeE7) / 1e7,
                                                       longitude: Double(position.longitudeE7) / 1e7, ellipsoidalHeight: height),
                            velocityENU: velocity, clock: clock, heightReference: reference), state)
        }
    }
}
