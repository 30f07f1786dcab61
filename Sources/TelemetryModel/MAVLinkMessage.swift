// The MAVLink messages Haechi decodes, with their wire layouts.

/// `HEARTBEAT` (#0): the link is alive, and what is on the other end.
public struct MAVLinkHeartbeat: Hashable, Sendable {
    /// Autopilot-specific mode bits.
    public var customMode: UInt32
    /// MAV_TYPE: 2 is a quadrotor.
    public var type: UInt8
    /// MAV_AUTOPILOT: 3 is ArduPilot, 12 PX4.
    public var autopilot: UInt8
    /// MAV_MODE_FLAG bits (0x80: armed).
    public var baseMode: UInt8
    /// MAV_STATE: 4 is active.
    public var systemStatus: UInt8
    /// The MAVLink version the sender speaks (3 for v2).
    public var mavlinkVersion: UInt8

    /// Creates a value with every field given.
    public init(customMode: UInt32, type: UInt8, autopilot: UInt8, baseMode: UInt8, systemStatus: UInt8, mavlinkVersion: UInt8) {
        self.customMode = customMode
        self.type = type
        self.autopilot = autopilot
        self.baseMode = baseMode
        self.systemStatus = systemStatus
        self.mavlinkVersion = mavlinkVersion
    }
}

/// `SYSTEM_TIME` (#2): the autopilot's UTC and its boot clock at the same instant.
public struct MAVLinkSystemTime: Hashable, Sendable {
    /// UTC, microseconds since the Unix epoch; 0 when the autopilot has no UTC.
    public var timeUnixMicroseconds: UInt64
    /// Milliseconds since the autopilot booted.
    public var timeBootMilliseconds: UInt32

    /// Creates a value with every field given.
    public init(timeUnixMicroseconds: UInt64, timeBootMilliseconds: UInt32) {
        self.timeUnixMicroseconds = timeUnixMicroseconds
        self.timeBootMilliseconds = timeBootMilliseconds
    }
}

/// `GPS_RAW_INT` (#24): the raw GNSS fix.
public struct MAVLinkGPSRawInt: Hashable, Sendable {
    /// Microseconds, since the Unix epoch or since boot (MAVLink allows both).
    public var timeMicroseconds: UInt64
    /// Latitude, 1e-7 degrees.
    public var latitudeE7: Int32
    /// Longitude, 1e-7 degrees.
    public var longitudeE7: Int32
    /// Altitude above mean sea level, millimetres.
    public var altitudeMSLMillimetres: Int32
    /// Horizontal dilution of precision ×100 (65535: unknown).
    public var eph: UInt16
    /// Vertical dilution of precision ×100 (65535: unknown).
    public var epv: UInt16
    /// Ground speed, cm/s.
    public var velocity: UInt16
    /// Course over ground, centidegrees.
    public var courseOverGround: UInt16
    /// 0-1: no fix, 2: 2-D, 3: 3-D, higher: DGPS/RTK.
    public var fixType: UInt8
    /// Satellites in view (255: unknown).
    public var satellitesVisible: UInt8
    /// Height above the WGS84 ellipsoid, millimetres (extension field; 0 when absent).
    public var altitudeEllipsoidMillimetres: Int32
    /// Horizontal position uncertainty, mm (extension).
    public var horizontalAccuracy: UInt32
    /// Altitude uncertainty, mm (extension).
    public var verticalAccuracy: UInt32
    /// Speed uncertainty, mm/s (extension).
    public var velocityAccuracy: UInt32
    /// Heading uncertainty, degE5 (extension).
    public var headingAccuracy: UInt32
    /// Yaw from the GNSS receiver, cdeg, 0 = unknown, 36000 = north (extension).
    public var yaw: UInt16

    /// Creates a value with every field given.
    public init(timeMicroseconds: UInt64, latitudeE7: Int32, longitudeE7: Int32, altitudeMSLMillimetres: Int32, eph: UInt16, epv: UInt16, velocity: UInt16, courseOverGround: UInt16, fixType: UInt8, satellitesVisible: UInt8, altitudeEllipsoidMillimetres: Int32, horizontalAccuracy: UInt32, verticalAccuracy: UInt32, velocityAccuracy: UInt32, headingAccuracy: UInt32, yaw: UInt16) {
        self.timeMicroseconds = timeMicroseconds
        self.latitudeE7 = latitudeE7
        self.longitudeE7 = longitudeE7
        self.altitudeMSLMillimetres = altitudeMSLMillimetres
        self.eph = eph
        self.epv = epv
        self.velocity = velocity
        self.courseOverGround = courseOverGround
        self.fixType = fixType
        self.satellitesVisible = satellitesVisible
        self.altitudeEllipsoidMillimetres = altitudeEllipsoidMillimetres
        self.horizontalAccuracy = horizontalAccuracy
        self.verticalAccuracy = verticalAccuracy
        self.velocityAccuracy = velocityAccuracy
        self.headingAccuracy = headingAccuracy
        self.yaw = yaw
    }
}

/// `GLOBAL_POSITION_INT` (#33): the autopilot's fused position and velocity.
public struct MAVLinkGlobalPositionInt: Hashable, Sendable {
    /// Milliseconds since the autopilot booted.
    public var timeBootMilliseconds: UInt32
    /// Latitude, 1e-7 degrees.
    public var latitudeE7: Int32
    /// Longitude, 1e-7 degrees.
    public var longitudeE7: Int32
    /// Altitude above mean sea level (not the ellipsoid), millimetres.
    public var altitudeMSLMillimetres: Int32
    /// Altitude above home, millimetres.
    public var relativeAltitudeMillimetres: Int32
    /// Velocity north, cm/s.
    public var vx: Int16
    /// Velocity east, cm/s.
    public var vy: Int16
    /// Velocity **down**, cm/s.
    public var vz: Int16
    /// Heading, centidegrees; 65535 when unknown.
    public var heading: UInt16

    /// Creates a value with every field given.
    public init(timeBootMilliseconds: UInt32, latitudeE7: Int32, longitudeE7: Int32, altitudeMSLMillimetres: Int32, relativeAltitudeMillimetres: Int32, vx: Int16, vy: Int16, vz: Int16, heading: UInt16) {
        self.timeBootMilliseconds = timeBootMilliseconds
        self.latitudeE7 = latitudeE7
        self.longitudeE7 = longitudeE7
        self.altitudeMSLMillimetres = altitudeMSLMillimetres
        self.relativeAltitudeMillimetres = relativeAltitudeMillimetres
        self.vx = vx
        self.vy = vy
        self.vz = vz
        self.heading = heading
    }
}

/// A decoded MAVLink message.
public enum MAVLinkMessage: Hashable, Sendable {
    /// `HEARTBEAT` (#0).
    case heartbeat(MAVLinkHeartbeat)
    /// `SYSTEM_TIME` (#2).
    case systemTime(MAVLinkSystemTime)
    /// `GPS_RAW_INT` (#24).
    case gpsRawInt(MAVLinkGPSRawInt)
    /// `GLOBAL_POSITION_INT` (#33).
    case globalPositionInt(MAVLinkGlobalPositionInt)
    /// `OPEN_DRONE_ID_BASIC_ID` (#12900).
    case openDroneIDBasicID(MAVLinkOpenDroneIDBasicID)
    /// `OPEN_DRONE_ID_LOCATION` (#12901).
    case openDroneIDLocation(MAVLinkOpenDroneIDLocation)
    /// `OPEN_DRONE_ID_SYSTEM` (#12904).
    case openDroneIDSystem(MAVLinkOpenDroneIDSystem)
    /// `OPEN_DRONE_ID_OPERATOR_ID` (#12905).
    case openDroneIDOperatorID(MAVLinkOpenDroneIDOperatorID)
    /// `OPEN_DRONE_ID_MESSAGE_PACK` (#12915).
    case openDroneIDMessagePack(MAVLinkOpenDroneIDMessagePack)

    /// The message's kind, for counting.
    public var kind: RecordKind {
        switch self {
        case .heartbeat: .heartbeat
        case .systemTime: .systemTime
        case .gpsRawInt: .gpsRawInt
        case .globalPositionInt: .globalPositionInt
        case .openDroneIDBasicID: .openDroneIDBasicID
        case .openDroneIDLocation: .openDroneIDLocation
        case .openDroneIDSystem: .openDroneIDSystem
        case .openDroneIDOperatorID: .openDroneIDOperatorID
        case .openDroneIDMessagePack: .openDroneIDMessagePack
        }
    }
}

/// What Haechi knows of a message id: its full payload length and CRC_EXTRA (from `common.xml`).
struct MAVLinkMessageDefinition {
    let id: UInt32
    /// The payload length with every extension field; v2 senders may truncate trailing zeros.
    let length: Int
    let crcExtra: UInt8

    static func lookup(_ id: UInt32) -> MAVLinkMessageDefinition? {
        switch id {
        case 0: MAVLinkMessageDefinition(id: 0, length: 9, crcExtra: 50)
        case 2: MAVLinkMessageDefinition(id: 2, length: 12, crcExtra: 137)
        case 24: MAVLinkMessageDefinition(id: 24, length: 52, crcExtra: 24)
        case 33: MAVLinkMessageDefinition(id: 33, length: 28, crcExtra: 104)
        case 12900: MAVLinkMessageDefinition(id: 12900, length: 44, crcExtra: 114)
        case 12901: MAVLinkMessageDefinition(id: 12901, length: 59, crcExtra: 254)
        case 12904: MAVLinkMessageDefinition(id: 12904, length: 54, crcExtra: 77)
        case 12905: MAVLinkMessageDefinition(id: 12905, length: 43, crcExtra: 49)
        case 12915: MAVLinkMessageDefinition(id: 12915, length: 249, crcExtra: 94)
        default: nil
        }
    }

    /// The longest payload of any known message: the size of the zero-filled decode buffer.
    static let maximumLength = 249

    /// Decodes a payload that has been zero-filled to at least ``length`` bytes.
    /// Fields are in MAVLink wire order: sorted by type size, largest first, extensions last.
    func decode(_ p: UnsafeRawBufferPointer) -> MAVLinkMessage {
        func u8(_ o: Int) -> UInt8 { p[o] }
        func u16(_ o: Int) -> UInt16 { UInt16(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt16.self)) }
        func i16(_ o: Int) -> Int16 { Int16(littleEndian: p.loadUnaligned(fromByteOffset: o, as: Int16.self)) }
        func u32(_ o: Int) -> UInt32 { UInt32(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
        func i32(_ o: Int) -> Int32 { Int32(littleEndian: p.loadUnaligned(fromByteOffset: o, as: Int32.self)) }
        func u64(_ o: Int) -> UInt64 { UInt64(littleEndian: p.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
        func f32(_ o: Int) -> Float { Float(bitPattern: u32(o)) }
        func bytes(_ o: Int, _ n: Int) -> MAVLinkOpenDroneIDBytes { MAVLinkOpenDroneIDBytes(Array(p[o..<(o + n)])) }
        switch id {
        case 0:
            return .heartbeat(MAVLinkHeartbeat(customMode: u32(0), type: u8(4), autopilot: u8(5), baseMode: u8(6),
                                               systemStatus: u8(7), mavlinkVersion: u8(8)))
        case 2:
            return .systemTime(MAVLinkSystemTime(timeUnixMicroseconds: u64(0), timeBootMilliseconds: u32(8)))
        case 24:
            return .gpsRawInt(MAVLinkGPSRawInt(
                timeMicroseconds: u64(0), latitudeE7: i32(8), longitudeE7: i32(12), altitudeMSLMillimetres: i32(16),
                eph: u16(20), epv: u16(22), velocity: u16(24), courseOverGround: u16(26), fixType: u8(28),
                satellitesVisible: u8(29), altitudeEllipsoidMillimetres: i32(30), horizontalAccuracy: u32(34),
                verticalAccuracy: u32(38), velocityAccuracy: u32(42), headingAccuracy: u32(46), yaw: u16(50)))
        case 33:
            return .globalPositionInt(MAVLinkGlobalPositionInt(
                timeBootMilliseconds: u32(0), latitudeE7: i32(4), longitudeE7: i32(8), altitudeMSLMillimetres: i32(12),
                relativeAltitudeMillimetres: i32(16), vx: i16(20), vy: i16(22), vz: i16(24), heading: u16(26)))
        case 12900:
            return .openDroneIDBasicID(MAVLinkOpenDroneIDBasicID(idOrMAC: bytes(2, 20), idType: u8(22), uaType: u8(23), uasID: bytes(24, 20)))
        case 12901:
            return .openDroneIDLocation(MAVLinkOpenDroneIDLocation(
                idOrMAC: bytes(32, 20), status: u8(52), direction: u16(24), speedHorizontal: u16(26), speedVertical: i16(28),
                latitude: i32(0), longitude: i32(4), altitudeBarometric: f32(8), altitudeGeodetic: f32(12), height: f32(16),
                heightReference: u8(53), horizontalAccuracy: u8(54), verticalAccuracy: u8(55), barometerAccuracy: u8(56),
                speedAccuracy: u8(57), timestampAccuracy: u8(58), timestamp: f32(20)))
        case 12904:
            return .openDroneIDSystem(MAVLinkOpenDroneIDSystem(
                idOrMAC: bytes(30, 20), operatorLatitude: i32(0), operatorLongitude: i32(4), areaCeiling: f32(8), areaFloor: f32(12),
                operatorAltitudeGeodetic: f32(16), timestamp: u32(20), areaCount: u16(24), areaRadius: u16(26),
                operatorLocationType: u8(50), classificationType: u8(51), categoryEU: u8(52), classEU: u8(53)))
        case 12905:
            return .openDroneIDOperatorID(MAVLinkOpenDroneIDOperatorID(idOrMAC: bytes(2, 20), operatorIDType: u8(22), operatorID: bytes(23, 20)))
        case 12915:
            return .openDroneIDMessagePack(MAVLinkOpenDroneIDMessagePack(
                idOrMAC: bytes(2, 20), singleMessageSize: u8(22), messageCount: u8(23), messages: Array(p[24..<249])))
        default:
            preconditionFailure("no layout for MAVLink message \(id)")
        }
    }
}
