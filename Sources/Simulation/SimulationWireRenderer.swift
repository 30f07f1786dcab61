// Turns simulation steps into wire messages: JSON v1 or ASTERIX per sensor, MAVLink v2 per drone.
public import TelemetryModel
import Asterix
import Geodesy
import Foundation
import Sapient
import SwiftProtobuf

/// One message to publish: the two-part envelope of `docs/wire-formats.md`.
public struct WireMessage: Hashable, Sendable {
    /// Part 0: `json/<sensor>` or `mavlink/<drone>`.
    public var topic: String
    /// Part 1: a JSON record or one MAVLink frame.
    public var payload: [UInt8]
    /// Scenario time of the message, for pacing.
    public var time: Timestamp
}

/// Renders steps as a range's senders would send them.
///
/// Sensors: `json/<sensor-id>`, a `sensor` record first, then `status` heartbeats and streamed
/// `scan` + `detection` records, every message with the topic's own `seq` (0, 1, 2, …). The
/// scenario header goes on `json/scenario`. Drones: `mavlink/<drone-id>`, one MAVLink v2 frame per
/// message, system id = drone number (from 1), component 1; HEARTBEAT each second, SYSTEM_TIME at
/// take-off and every 10 s, GLOBAL_POSITION_INT and GPS_RAW_INT at each truth tick. Each drone's
/// autopilot booted 60 s before its take-off.
///
/// A sensor with an ASTERIX identity speaks as a radar does instead, on `asterix/<SAC>-<SIC>`: one
/// datagram per scan, a CAT034 north marker (with the radar's rotation period and its WGS-84
/// position, I034/041 and I034/120) and then the scan's CAT048 plots (ρ and θ, and the measured point's
/// height above mean sea level, I048/110). No description or status messages: ASTERIX has none.
///
/// A sensor with a SAPIENT node id speaks as a BSI Flex 335 v2.0 node does, on `sapient/<node-id>`:
/// a Registration first, then a StatusReport (with its WGS-84 position) at each status tick and a
/// DetectionReport per detection, in degrees and metres from true north. A target's object id stays
/// the same for the drone all run (the node tracks), clutter's is new each time; each report classifies
/// its object (see ``sapientClassification(_:scan:index:)``).
public struct SimulationWireRenderer: Sendable {
    /// The scenario being rendered.
    public let spec: ScenarioSpec
    public private(set) var tally = SimulationTally()
    private var sensorSequence: [UInt64]
    private var droneSequence: [UInt8]
    private let sensorTopics: [String]
    private let droneTopics: [String]
    private let plane: LocalTangentPlane
    /// The Remote ID receiver's MAVLink `seq`, and when each drone's BASIC_ID was last relayed.
    private var remoteIDSequence: UInt8 = 0
    private var remoteIDNamedAt: [Timestamp?]
    /// How often a drone's BASIC_ID is relayed again (ASTM F3411 broadcasts it every few seconds).
    static let remoteIDNameInterval: Int64 = 3_000_000_000
    /// MAVLink `seq` counters start here (0 unless a test wants to see the wrap).
    static let firstMAVLinkSequence: UInt8 = 0
    static let bootLeadSeconds = 60.0

    /// A renderer for `spec`, every sequence counter at its start.
    public init(spec: ScenarioSpec) {
        self.spec = spec
        sensorSequence = Array(repeating: 0, count: spec.sensors.count)
        droneSequence = Array(repeating: Self.firstMAVLinkSequence, count: spec.drones.count)
        sensorTopics = spec.sensors.map { sensor in
            if let node = sensor.sapientNode { return "sapient/" + node }
            return sensor.asterix.map { "asterix/\($0)" } ?? "json/" + sensor.id
        }
        plane = LocalTangentPlane(origin: spec.origin)
        remoteIDNamedAt = Array(repeating: nil, count: spec.drones.count)
        droneTopics = spec.drones.map { "mavlink/" + $0.id }
    }

    /// The opening messages: the scenario header and each sensor's description.
    public mutating func header() -> [WireMessage] {
        var out: [WireMessage] = []
        let meta = ScenarioFileRenderer.metaJSON(spec)
        out.append(WireMessage(topic: "json/scenario", payload: Array(meta.utf8), time: spec.epoch))
        tally.count("json/scenario", .meta)
        for (i, sensor) in spec.sensors.enumerated() where sensor.sapientNode != nil {
            out.append(WireMessage(topic: sensorTopics[i], payload: sapientRegistration(i), time: spec.epoch))
            tally.count(sensorTopics[i], .sensor)
        }
        for (i, sensor) in spec.sensors.enumerated() where sensor.asterix == nil && sensor.sapientNode == nil {
            let json = ScenarioFileRenderer.sensorJSON(sensor, spec: spec, seq: nextSensorSequence(i))
            out.append(WireMessage(topic: sensorTopics[i], payload: Array(json.utf8), time: spec.epoch))
            tally.count(sensorTopics[i], .sensor)
        }
        return out
    }

    private mutating func nextSensorSequence(_ sensor: Int) -> UInt64 {
        defer { sensorSequence[sensor] += 1 }
        return sensorSequence[sensor]
    }

    /// Appends the messages of one step to `out`.
    public mutating func render(_ step: SimulationStep, into out: inout [WireMessage]) {
        switch step {
        case .status(let i, _) where spec.sensors[i].asterix != nil:
            break
        case .status(let i, let status) where spec.sensors[i].sapientNode != nil:
            out.append(WireMessage(topic: sensorTopics[i], payload: sapientStatus(i, at: status.time), time: status.time))
            tally.count(sensorTopics[i], .status)
        case .scan(let i, let scan, let detections) where spec.sensors[i].sapientNode != nil:
            for (index, d) in detections.enumerated() {
                out.append(WireMessage(topic: sensorTopics[i], payload: sapientDetection(i, d, scan: scan, index: index), time: scan.time))
                tally.count(sensorTopics[i], .detection)
                if d.isClutter { tally.clutterDetections += 1 } else { tally.targetDetections += 1 }
            }
        case .scan(let i, let scan, let detections) where spec.sensors[i].asterix != nil:
            out.append(WireMessage(topic: sensorTopics[i], payload: asterixScan(i, scan: scan, detections: detections.map(\.detection)),
                                   time: scan.time))
            tally.messages(sensorTopics[i], records: [.scan: 1, .sensor: 1, .detection: UInt64(detections.count)])
            for d in detections {
                if d.isClutter { tally.clutterDetections += 1 } else { tally.targetDetections += 1 }
            }
        case .status(let i, let status):
            let json = TelemetryJSONWriter.json(status, seq: nextSensorSequence(i))
            out.append(WireMessage(topic: sensorTopics[i], payload: Array(json.utf8), time: status.time))
            tally.count(sensorTopics[i], .status)
        case .scan(let i, let scan, let detections):
            out.append(WireMessage(topic: sensorTopics[i], payload: Array(TelemetryJSONWriter.json(scan, seq: nextSensorSequence(i)).utf8),
                                   time: scan.time))
            tally.count(sensorTopics[i], .scan)
            for d in detections {
                out.append(WireMessage(topic: sensorTopics[i],
                                       payload: Array(TelemetryJSONWriter.json(d.detection, seq: nextSensorSequence(i)).utf8),
                                       time: scan.time))
                tally.count(sensorTopics[i], .detection)
                if d.isClutter { tally.clutterDetections += 1 } else { tally.targetDetections += 1 }
            }
        case .truth(let time, let fixes):
            for fix in fixes {
                for message in mavlinkMessages(fix, time: time) {
                    let i = fix.droneIndex
                    out.append(WireMessage(topic: droneTopics[i],
                                           payload: message.frame(sequence: droneSequence[i], systemID: UInt8(i + 1), componentID: 1),
                                           time: time))
                    droneSequence[i] &+= 1
                    tally.count(droneTopics[i], message.kind)
                }
            }
            if let receiver = spec.remoteIDReceiver { relayRemoteID(fixes, time: time, receiver: receiver, into: &out) }
        }
    }

    /// What a Remote ID receiver relays at a truth tick: each airborne drone's LOCATION (its own GNSS
    /// position, as ASTM F3411 broadcasts it), after its BASIC_ID when that is due (every 3 s). The
    /// drone's UAS id is its serial number `HAECHI<number>-<id>`; its `id_or_mac` a made-up MAC.
    mutating func relayRemoteID(_ fixes: [DroneFix], time: Timestamp, receiver: String, into out: inout [WireMessage]) {
        let topic = "mavlink/" + receiver
        for fix in fixes {
            let i = fix.droneIndex
            let mac = MAVLinkOpenDroneIDBytes([0x02, 0x48, 0x45, 0x43, UInt8(i >> 8), UInt8(i & 0xFF)] + Array(repeating: 0, count: 14))
            var messages: [MAVLinkMessage] = []
            if remoteIDNamedAt[i].map({ time.nanosecondsSinceEpoch - $0.nanosecondsSinceEpoch >= Self.remoteIDNameInterval }) ?? true {
                remoteIDNamedAt[i] = time
                let serial = Array("HAECHI\(i + 1)-\(spec.drones[i].id)".utf8.prefix(20))
                messages.append(.openDroneIDBasicID(MAVLinkOpenDroneIDBasicID(
                    idOrMAC: mac, idType: 1, uaType: 2, uasID: MAVLinkOpenDroneIDBytes(serial + Array(repeating: 0, count: 20 - serial.count)))))
            }
            let v = fix.state.velocity
            var course = atan2(v.x, v.y) * 180 / .pi
            if course < 0 { course += 360 }
            let hour: Int64 = 3_600_000_000_000
            let secondsAfterHour = Double(((time.nanosecondsSinceEpoch % hour) + hour) % hour) / 1e9
            messages.append(.openDroneIDLocation(MAVLinkOpenDroneIDLocation(
                idOrMAC: mac, status: 2, direction: UInt16(Int((course * 100).rounded()) % 36_000),
                speedHorizontal: UInt16(min(25_425, ((v.x * v.x + v.y * v.y).squareRoot() * 100).rounded())),
                speedVertical: Int16(max(-6_200, min(6_200, (v.z * 100).rounded()))),
                latitude: Int32((fix.position.latitude * 1e7).rounded()), longitude: Int32((fix.position.longitude * 1e7).rounded()),
                altitudeBarometric: -1000, altitudeGeodetic: Float(fix.position.ellipsoidalHeight), height: -1000, heightReference: 0,
                horizontalAccuracy: 11, verticalAccuracy: 5, barometerAccuracy: 0, speedAccuracy: 4, timestampAccuracy: 1,
                timestamp: Float((secondsAfterHour * 10).rounded() / 10))))
            for message in messages {
                out.append(WireMessage(topic: topic, payload: message.frame(sequence: remoteIDSequence, systemID: 250, componentID: 236),
                                       time: time))
                remoteIDSequence &+= 1
                tally.count(topic, message.kind)
            }
        }
    }

    // MARK: SAPIENT

    private func sapientEnvelope(_ sensor: Int, at time: Timestamp, _ fill: (inout BSISapientMessage) -> Void) -> [UInt8] {
        var message = BSISapientMessage()
        let ns = time.nanosecondsSinceEpoch
        message.timestamp = Google_Protobuf_Timestamp(seconds: ns / 1_000_000_000, nanos: Int32(ns % 1_000_000_000))
        message.nodeID = spec.sensors[sensor].sapientNode!
        fill(&message)
        // A message built from set fields always serializes.
        return (try? message.serializedBytes()) ?? []
    }

    /// A deterministic ULID for the `counter`-th id of `sensor` at `time`.
    private func ulid(_ sensor: Int, at time: Timestamp, counter: UInt64) -> String {
        SapientIdentifier.ulid(milliseconds: UInt64(max(0, time.nanosecondsSinceEpoch / 1_000_000)),
                               entropy: (UInt16(truncatingIfNeeded: sensor), Self.mix(counter ^ spec.seed << 20)))
    }

    /// SplitMix64's finaliser: a well-spread 64-bit value from `x`.
    static func mix(_ x: UInt64) -> UInt64 {
        var z = x &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    func sapientRegistration(_ sensor: Int) -> [UInt8] {
        let sensorSpec = spec.sensors[sensor]
        let type: BSIRegistration.NodeType = switch sensorSpec.kind {
        case .radar: .radar
        case .rf: .passiveRf
        case .eoir: .camera
        }
        let registration = BSIRegistration.sensorNode(type: type, name: sensorSpec.id,
                                                      model: "simulated \(sensorSpec.kind.rawValue)",
                                                      statusIntervalSeconds: Float(1 / max(spec.statusRateHz, 0.01)))
        return sapientEnvelope(sensor, at: spec.epoch) { $0.registration = registration }
    }

    func sapientStatus(_ sensor: Int, at time: Timestamp) -> [UInt8] {
        let position = plane.geodetic(spec.sensors[sensor].position)
        var report = BSIStatusReport()
        report.reportID = ulid(sensor, at: time, counter: 0)
        report.system = .ok
        report.info = .unchanged
        report.mode = "surveillance"
        report.nodeLocation = .wgs84(longitude: position.longitude, latitude: position.latitude, height: position.ellipsoidalHeight)
        return sapientEnvelope(sensor, at: time) { $0.statusReport = report }
    }

    func sapientDetection(_ sensor: Int, _ simulated: SimulatedDetection, scan: ScanReport, index: Int) -> [UInt8] {
        let detection = simulated.detection
        let sensorSpec = spec.sensors[sensor]
        var report = BSIDetectionReport()
        report.reportID = ulid(sensor, at: scan.time, counter: UInt64(index) + 1)
        // A drone keeps one object id (the node's track of it); clutter is a new object each time.
        if let label = detection.groundTruthLabel, let drone = spec.drones.firstIndex(where: { $0.id == label }) {
            report.objectID = SapientIdentifier.ulid(milliseconds: UInt64(max(0, spec.epoch.nanosecondsSinceEpoch / 1_000_000)),
                                                     entropy: (UInt16(truncatingIfNeeded: sensor), UInt64(drone) + 1))
        } else {
            report.objectID = ulid(sensor, at: scan.time, counter: UInt64(index) + 1 << 32)
        }
        var polar = BSIRangeBearing()
        polar.azimuth = detection.azimuth
        if let range = detection.range { polar.range = range }
        if let elevation = detection.elevation { polar.elevation = elevation }
        if sensorSpec.sigmaAzimuth > 0 { polar.azimuthError = sensorSpec.sigmaAzimuth }
        if detection.range != nil, sensorSpec.sigmaRange > 0 { polar.rangeError = sensorSpec.sigmaRange }
        polar.coordinateSystem = .degreesM
        polar.datum = .true
        report.rangeBearing = polar
        let (name, confidence) = sapientClassification(simulated, scan: scan.scanID, index: index)
        var classification = BSIDetectionReport.DetectionReportClassification()
        classification.type = name
        classification.confidence = confidence
        report.classification = [classification]
        return sapientEnvelope(sensor, at: scan.time) { $0.detectionReport = report }
    }

    /// What the simulated node calls an object: a drone `UAV` nine times in ten (else `Bird`), clutter
    /// `Bird` or `Unknown` half the time each, with confidences between 0.55 and 0.95. Drawn from a hash
    /// of the seed, scan and detection, so a seeded run classifies the same way every time.
    func sapientClassification(_ detection: SimulatedDetection, scan: UInt64, index: Int) -> (String, Float) {
        let draw = Self.mix(spec.seed &* 1_000_003 ^ scan << 16 ^ UInt64(index))
        let u = Double(draw >> 11) / Double(1 << 53)
        let confidence = Float(0.55 + 0.4 * Double((draw >> 3) & 0xFF) / 255)
        if detection.isClutter { return (u < 0.5 ? "Bird" : "Unknown", confidence) }
        return (u < 0.9 ? "UAV" : "Bird", confidence)
    }

    /// One scan of an ASTERIX radar as one datagram: its north marker, then its plots.
    func asterixScan(_ sensor: Int, scan: ScanReport, detections: [Detection]) -> [UInt8] {
        let spec = spec.sensors[sensor], source = spec.asterix!
        let day: Int64 = 86_400_000_000_000
        let timeOfDay = Double(((scan.time.nanosecondsSinceEpoch % day) + day) % day) / 1e9
        let site = plane.geodetic(spec.position)
        var datagram = AsterixWriter.blocks(category: 34, records: [AsterixWriter.northMarker(
            source: source, timeOfDay: timeOfDay, rotationPeriodSeconds: 1 / spec.scanRateHz,
            position: AsterixLatLon(latitudeDeg: site.latitude, longitudeDeg: site.longitude), heightM: site.ellipsoidalHeight)])
        let plots = detections.compactMap { detection -> [UInt8]? in
            guard let range = detection.range else { return nil }
            let measured = PolarMeasurement(range: range, azimuth: detection.azimuth, elevation: detection.elevation ?? 0)
            let height = plane.geodetic(spec.position + measured.enuOffset).ellipsoidalHeight - self.spec.geoidSeparation
            return AsterixWriter.plot(source: source, timeOfDay: timeOfDay, rangeNM: range / 1852, azimuthDeg: detection.azimuth,
                                      heightFt: detection.elevation == nil ? nil : height / 0.3048)
        }
        if !plots.isEmpty { datagram += AsterixWriter.blocks(category: 48, records: plots) }
        return datagram
    }

    /// The MAVLink messages a drone's autopilot sends at one truth tick.
    func mavlinkMessages(_ fix: DroneFix, time: Timestamp) -> [MAVLinkMessage] {
        let drone = spec.drones[fix.droneIndex]
        let bootNanoseconds = spec.epoch.nanosecondsSinceEpoch + Int64(((drone.takeoff - Self.bootLeadSeconds) * 1e9).rounded())
        let bootMilliseconds = UInt32(clamping: (time.nanosecondsSinceEpoch - bootNanoseconds) / 1_000_000)
        let unixMicroseconds = UInt64(clamping: time.nanosecondsSinceEpoch / 1000)
        let v = fix.state.velocity
        let lat = Int32((fix.position.latitude * 1e7).rounded()), lon = Int32((fix.position.longitude * 1e7).rounded())
        let ellipsoidMm = Int32(clamping: Int64((fix.position.ellipsoidalHeight * 1000).rounded()))
        let mslMm = Int32(clamping: Int64(((fix.position.ellipsoidalHeight - spec.geoidSeparation) * 1000).rounded()))
        let groundSpeed = (v.x * v.x + v.y * v.y).squareRoot()
        var course = atan2(v.x, v.y) * 180 / .pi
        if course < 0 { course += 360 }
        let centidegrees = UInt16(clamping: Int((course * 100).rounded()) % 36000)
        func cms(_ x: Double) -> Int16 { Int16(clamping: Int((x * 100).rounded())) }
        var messages: [MAVLinkMessage] = []
        if fix.heartbeatDue {
            messages.append(.heartbeat(MAVLinkHeartbeat(customMode: 0, type: 2, autopilot: 3, baseMode: 0x81, systemStatus: 4, mavlinkVersion: 3)))
        }
        if fix.systemTimeDue {
            messages.append(.systemTime(MAVLinkSystemTime(timeUnixMicroseconds: unixMicroseconds, timeBootMilliseconds: bootMilliseconds)))
        }
        messages.append(.globalPositionInt(MAVLinkGlobalPositionInt(
            timeBootMilliseconds: bootMilliseconds, latitudeE7: lat, longitudeE7: lon, altitudeMSLMillimetres: mslMm,
            relativeAltitudeMillimetres: Int32(clamping: Int64((fix.state.position.z * 1000).rounded())),
            vx: cms(v.y), vy: cms(v.x), vz: cms(-v.z), heading: centidegrees)))
        messages.append(.gpsRawInt(MAVLinkGPSRawInt(
            timeMicroseconds: unixMicroseconds, latitudeE7: lat, longitudeE7: lon, altitudeMSLMillimetres: mslMm,
            eph: 80, epv: 120, velocity: UInt16(clamping: Int((groundSpeed * 100).rounded())), courseOverGround: centidegrees,
            fixType: 3, satellitesVisible: 14, altitudeEllipsoidMillimetres: ellipsoidMm, horizontalAccuracy: 800,
            verticalAccuracy: 1200, velocityAccuracy: 200, headingAccuracy: 0, yaw: 0)))
        return messages
    }
}
