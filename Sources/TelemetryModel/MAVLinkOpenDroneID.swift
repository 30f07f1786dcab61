// Remote ID (ASTM F3411) as MAVLink carries it: the OPEN_DRONE_ID messages of common.xml.

/// The 20 bytes of `id_or_mac` (a Bluetooth or Wi-Fi MAC address, or zeros) or of an id field.
public struct MAVLinkOpenDroneIDBytes: Hashable, Sendable {
    public var bytes: [UInt8]

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// The bytes up to the first NUL as ASCII text, when they are printable ASCII (a serial number or
    /// a registration id); `nil` otherwise.
    public var text: String? {
        let body = bytes.prefix { $0 != 0 }
        guard !body.isEmpty, body.allSatisfy({ (0x20...0x7E).contains($0) }) else { return nil }
        return String(decoding: body, as: UTF8.self)
    }

    /// The bytes as lower-case hex, without trailing zeros (at least one byte).
    public var hex: String {
        var body = Array(bytes)
        while body.count > 1, body.last == 0 { body.removeLast() }
        return body.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
    }
}

/// `OPEN_DRONE_ID_BASIC_ID` (#12900): who the aircraft says it is.
public struct MAVLinkOpenDroneIDBasicID: Hashable, Sendable {
    public var idOrMAC: MAVLinkOpenDroneIDBytes
    /// 0 none, 1 serial number (ANSI/CTA-2063-A), 2 CAA registration, 3 UTM UUID, 4 specific session.
    public var idType: UInt8
    /// 0 none, 1 aeroplane, 2 helicopter or multirotor, …
    public var uaType: UInt8
    public var uasID: MAVLinkOpenDroneIDBytes

    public init(idOrMAC: MAVLinkOpenDroneIDBytes, idType: UInt8, uaType: UInt8, uasID: MAVLinkOpenDroneIDBytes) {
        self.idOrMAC = idOrMAC
        self.idType = idType
        self.uaType = uaType
        self.uasID = uasID
    }
}

/// `OPEN_DRONE_ID_LOCATION` (#12901): where the aircraft says it is.
public struct MAVLinkOpenDroneIDLocation: Hashable, Sendable {
    public var idOrMAC: MAVLinkOpenDroneIDBytes
    /// 0 undeclared, 1 ground, 2 airborne, 3 emergency, 4 Remote ID system failure.
    public var status: UInt8
    /// Centidegrees from true north, 0–35999; 36100 unknown.
    public var direction: UInt16
    /// cm/s, 0–25425; 25500 unknown.
    public var speedHorizontal: UInt16
    /// cm/s, up positive, −6200–6200; 6300 unknown.
    public var speedVertical: Int16
    /// degE7; 0 with `longitude` 0: unknown.
    public var latitude: Int32
    public var longitude: Int32
    /// Metres: pressure altitude, WGS-84 (ellipsoid) altitude, height above the `heightReference`; −1000 unknown.
    public var altitudeBarometric: Float
    public var altitudeGeodetic: Float
    public var height: Float
    /// 0 above the take-off point, 1 above the ground.
    public var heightReference: UInt8
    /// The accuracy enumerations of ASTM F3411 (horizontal, vertical, barometer, speed, time).
    public var horizontalAccuracy: UInt8
    public var verticalAccuracy: UInt8
    public var barometerAccuracy: UInt8
    public var speedAccuracy: UInt8
    public var timestampAccuracy: UInt8
    /// Seconds after the full hour (UTC), 0.1 s resolution; 0xFFFF unknown.
    public var timestamp: Float

    public init(idOrMAC: MAVLinkOpenDroneIDBytes, status: UInt8, direction: UInt16, speedHorizontal: UInt16, speedVertical: Int16,
                latitude: Int32, longitude: Int32, altitudeBarometric: Float, altitudeGeodetic: Float, height: Float,
                heightReference: UInt8, horizontalAccuracy: UInt8, verticalAccuracy: UInt8, barometerAccuracy: UInt8,
                speedAccuracy: UInt8, timestampAccuracy: UInt8, timestamp: Float) {
        self.idOrMAC = idOrMAC
        self.status = status
        self.direction = direction
        self.speedHorizontal = speedHorizontal
        self.speedVertical = speedVertical
        self.latitude = latitude
        self.longitude = longitude
        self.altitudeBarometric = altitudeBarometric
        self.altitudeGeodetic = altitudeGeodetic
        self.height = height
        self.heightReference = heightReference
        self.horizontalAccuracy = horizontalAccuracy
        self.verticalAccuracy = verticalAccuracy
        self.barometerAccuracy = barometerAccuracy
        self.speedAccuracy = speedAccuracy
        self.timestampAccuracy = timestampAccuracy
        self.timestamp = timestamp
    }
}

/// `OPEN_DRONE_ID_SYSTEM` (#12904): the operator's position and the operating area.
public struct MAVLinkOpenDroneIDSystem: Hashable, Sendable {
    public var idOrMAC: MAVLinkOpenDroneIDBytes
    public var operatorLatitude: Int32
    public var operatorLongitude: Int32
    public var areaCeiling: Float
    public var areaFloor: Float
    public var operatorAltitudeGeodetic: Float
    /// Seconds since 2019-01-01 00:00 UTC.
    public var timestamp: UInt32
    public var areaCount: UInt16
    public var areaRadius: UInt16
    public var operatorLocationType: UInt8
    public var classificationType: UInt8
    public var categoryEU: UInt8
    public var classEU: UInt8

    public init(idOrMAC: MAVLinkOpenDroneIDBytes, operatorLatitude: Int32, operatorLongitude: Int32, areaCeiling: Float, areaFloor: Float,
                operatorAltitudeGeodetic: Float, timestamp: UInt32, areaCount: UInt16, areaRadius: UInt16, operatorLocationType: UInt8,
                classificationType: UInt8, categoryEU: UInt8, classEU: UInt8) {
        self.idOrMAC = idOrMAC
        self.operatorLatitude = operatorLatitude
        self.operatorLongitude = operatorLongitude
        self.areaCeiling = areaCeiling
        self.areaFloor = areaFloor
        self.operatorAltitudeGeodetic = operatorAltitudeGeodetic
        self.timestamp = timestamp
        self.areaCount = areaCount
        self.areaRadius = areaRadius
        self.operatorLocationType = operatorLocationType
        self.classificationType = classificationType
        self.categoryEU = categoryEU
        self.classEU = classEU
    }
}

/// `OPEN_DRONE_ID_OPERATOR_ID` (#12905).
public struct MAVLinkOpenDroneIDOperatorID: Hashable, Sendable {
    public var idOrMAC: MAVLinkOpenDroneIDBytes
    public var operatorIDType: UInt8
    public var operatorID: MAVLinkOpenDroneIDBytes

    public init(idOrMAC: MAVLinkOpenDroneIDBytes, operatorIDType: UInt8, operatorID: MAVLinkOpenDroneIDBytes) {
        self.idOrMAC = idOrMAC
        self.operatorIDType = operatorIDType
        self.operatorID = operatorID
    }
}

/// `OPEN_DRONE_ID_MESSAGE_PACK` (#12915): up to nine ASTM F3411 messages of 25 bytes, as broadcast.
/// Counted and kept whole; the messages inside are not decoded (docs/wire-formats.md).
public struct MAVLinkOpenDroneIDMessagePack: Hashable, Sendable {
    public var idOrMAC: MAVLinkOpenDroneIDBytes
    public var singleMessageSize: UInt8
    public var messageCount: UInt8
    public var messages: [UInt8]

    public init(idOrMAC: MAVLinkOpenDroneIDBytes, singleMessageSize: UInt8, messageCount: UInt8, messages: [UInt8]) {
        self.idOrMAC = idOrMAC
        self.singleMessageSize = singleMessageSize
        self.messageCount = messageCount
        self.messages = messages
    }
}
