// Encodes MAVLink messages into v2 frames: the inverse of MAVLinkFrameParser.

extension MAVLinkMessage {
    /// The message id.
    public var messageID: UInt32 {
        switch self {
        case .heartbeat: 0
        case .systemTime: 2
        case .gpsRawInt: 24
        case .globalPositionInt: 33
        case .openDroneIDBasicID: 12900
        case .openDroneIDLocation: 12901
        case .openDroneIDSystem: 12904
        case .openDroneIDOperatorID: 12905
        case .openDroneIDMessagePack: 12915
        }
    }

    /// The full payload in MAVLink wire order (fields by type size, largest first; extensions last),
    /// little-endian, before v2 truncation.
    public var payload: [UInt8] {
        var p: [UInt8] = []
        p.reserveCapacity(MAVLinkMessageDefinition.maximumLength)
        func put<T: FixedWidthInteger>(_ value: T) {
            withUnsafeBytes(of: value.littleEndian) { p.append(contentsOf: $0) }
        }
        func put(_ value: Float) { put(value.bitPattern) }
        func put(_ bytes: MAVLinkOpenDroneIDBytes, _ count: Int = 20) {
            p.append(contentsOf: bytes.bytes.prefix(count))
            p.append(contentsOf: repeatElement(0, count: max(0, count - bytes.bytes.count)))
        }
        switch self {
        case .heartbeat(let m):
            put(m.customMode); put(m.type); put(m.autopilot); put(m.baseMode); put(m.systemStatus); put(m.mavlinkVersion)
        case .systemTime(let m):
            put(m.timeUnixMicroseconds); put(m.timeBootMilliseconds)
        case .gpsRawInt(let m):
            put(m.timeMicroseconds); put(m.latitudeE7); put(m.longitudeE7); put(m.altitudeMSLMillimetres)
            put(m.eph); put(m.epv); put(m.velocity); put(m.courseOverGround); put(m.fixType); put(m.satellitesVisible)
            put(m.altitudeEllipsoidMillimetres); put(m.horizontalAccuracy); put(m.verticalAccuracy)
            put(m.velocityAccuracy); put(m.headingAccuracy); put(m.yaw)
        case .globalPositionInt(let m):
            put(m.timeBootMilliseconds); put(m.latitudeE7); put(m.longitudeE7); put(m.altitudeMSLMillimetres)
            put(m.relativeAltitudeMillimetres); put(m.vx); put(m.vy); put(m.vz); put(m.heading)
        case .openDroneIDBasicID(let m):
            put(UInt8(0)); put(UInt8(0)); put(m.idOrMAC); put(m.idType); put(m.uaType); put(m.uasID)
        case .openDroneIDLocation(let m):
            put(m.latitude); put(m.longitude); put(m.altitudeBarometric); put(m.altitudeGeodetic); put(m.height); put(m.timestamp)
            put(m.direction); put(m.speedHorizontal); put(m.speedVertical); put(UInt8(0)); put(UInt8(0)); put(m.idOrMAC)
            put(m.status); put(m.heightReference); put(m.horizontalAccuracy); put(m.verticalAccuracy); put(m.barometerAccuracy)
            put(m.speedAccuracy); put(m.timestampAccuracy)
        case .openDroneIDSystem(let m):
            put(m.operatorLatitude); put(m.operatorLongitude); put(m.areaCeiling); put(m.areaFloor); put(m.operatorAltitudeGeodetic)
            put(m.timestamp); put(m.areaCount); put(m.areaRadius); put(UInt8(0)); put(UInt8(0)); put(m.idOrMAC)
            put(m.operatorLocationType); put(m.classificationType); put(m.categoryEU); put(m.classEU)
        case .openDroneIDOperatorID(let m):
            put(UInt8(0)); put(UInt8(0)); put(m.idOrMAC); put(m.operatorIDType); put(m.operatorID)
        case .openDroneIDMessagePack(let m):
            put(UInt8(0)); put(UInt8(0)); put(m.idOrMAC); put(m.singleMessageSize); put(m.messageCount)
            put(MAVLinkOpenDroneIDBytes(m.messages), 225)
        }
        return p
    }

    /// Appends this message as one unsigned MAVLink v2 frame to `buffer`.
    ///
    /// Trailing zero bytes of the payload are dropped (keeping at least one byte), as MAVLink v2
    /// requires; the checksum covers the header after the start marker, the truncated payload and
    /// the message's CRC_EXTRA.
    public func appendFrame(to buffer: inout [UInt8], sequence: UInt8, systemID: UInt8, componentID: UInt8) {
        var body = payload
        while body.count > 1, body.last == 0 { body.removeLast() }
        let id = messageID
        let start = buffer.count
        buffer.append(contentsOf: [MAVLinkFrameParser.v2Marker, UInt8(body.count), 0, 0, sequence, systemID, componentID,
                                   UInt8(id & 0xFF), UInt8((id >> 8) & 0xFF), UInt8((id >> 16) & 0xFF)])
        buffer.append(contentsOf: body)
        var crc = MAVLinkCRC()
        buffer.withUnsafeBytes { crc.accumulate(UnsafeRawBufferPointer(rebasing: $0[(start + 1)...])) }
        crc.accumulate(MAVLinkMessageDefinition.lookup(id)!.crcExtra)
        buffer.append(UInt8(crc.value & 0xFF))
        buffer.append(UInt8(crc.value >> 8))
    }

    /// This message as one unsigned MAVLink v2 frame.
    public func frame(sequence: UInt8, systemID: UInt8, componentID: UInt8) -> [UInt8] {
        var buffer: [UInt8] = []
        appendFrame(to: &buffer, sequence: sequence, systemID: systemID, componentID: componentID)
        return buffer
    }
}
