// MAVLink frames built by pymavlink (Tests/Interop/gen_mavlink_vectors.py) decode to what pymavlink put in.
import Testing
import TestSupport
import TelemetryModel
import Foundation

/// One vector of `Fixtures/mavlink-golden.json`.
struct GoldenVector: CustomTestStringConvertible, Sendable {
    let name: String
    let payload: [UInt8]
    /// Each expected outcome, rendered as text so that mismatches print readably.
    let expected: [String]
    var testDescription: String { name }

    static func load() throws -> [GoldenVector] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/mavlink-golden.json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
        let vectors = try #require(root["vectors"] as? [[String: Any]])
        return try vectors.map { vector in
            let hex = try #require(vector["payload_hex"] as? String)
            let outcomes = try #require(vector["expect"] as? [[String: Any]])
            return GoldenVector(name: try #require(vector["name"] as? String), payload: TestSupport.bytes(hex: hex),
                                expected: try outcomes.map(render(outcome:)))
        }
    }


    static func render(outcome: [String: Any]) throws -> String {
        if let error = outcome["error"] as? String { return "error \(error)" }
        let fields = try #require(outcome["fields"] as? [String: Any])
        let values = fields.keys.sorted().map { key in "\(key)=\((fields[key] as? NSNumber)?.stringValue ?? "?")" }
        let header = ["msgid", "sysid", "compid", "seq", "version"].map { "\($0)=\((outcome[$0] as? NSNumber)?.intValue ?? -1)" }
        return "\(outcome["message"] ?? "?") \(header.joined(separator: " ")) signed=\(outcome["signed"] as? Bool ?? false) \(values.joined(separator: " "))"
    }
}

/// Renders our decode in the same text form as ``GoldenVector/render(outcome:)``.
func render(_ event: MAVLinkParseEvent) -> String {
    switch event {
    case .defect(let reason):
        return "error \(reason.rawValue)"
    case .message(let h, let message):
        let (name, fields): (String, [String: any BinaryInteger])
        switch message {
        case .heartbeat(let m):
            (name, fields) = ("HEARTBEAT", ["custom_mode": (m.customMode), "type": (m.type), "autopilot": (m.autopilot),
                                            "base_mode": (m.baseMode), "system_status": (m.systemStatus),
                                            "mavlink_version": (m.mavlinkVersion)])
        case .systemTime(let m):
            (name, fields) = ("SYSTEM_TIME", ["time_unix_usec": (m.timeUnixMicroseconds), "time_boot_ms": (m.timeBootMilliseconds)])
        case .gpsRawInt(let m):
            (name, fields) = ("GPS_RAW_INT", [
                "time_usec": (m.timeMicroseconds), "lat": (m.latitudeE7), "lon": (m.longitudeE7),
                "alt": (m.altitudeMSLMillimetres), "eph": (m.eph), "epv": (m.epv), "vel": (m.velocity),
                "cog": (m.courseOverGround), "fix_type": (m.fixType), "satellites_visible": (m.satellitesVisible),
                "alt_ellipsoid": (m.altitudeEllipsoidMillimetres), "h_acc": (m.horizontalAccuracy),
                "v_acc": (m.verticalAccuracy), "vel_acc": (m.velocityAccuracy), "hdg_acc": (m.headingAccuracy),
                "yaw": (m.yaw)])
        case .globalPositionInt(let m):
            (name, fields) = ("GLOBAL_POSITION_INT", [
                "time_boot_ms": (m.timeBootMilliseconds), "lat": (m.latitudeE7), "lon": (m.longitudeE7),
                "alt": (m.altitudeMSLMillimetres), "relative_alt": (m.relativeAltitudeMillimetres),
                "vx": (m.vx), "vy": (m.vy), "vz": (m.vz), "hdg": (m.heading)])
        case .openDroneIDBasicID, .openDroneIDLocation, .openDroneIDSystem, .openDroneIDOperatorID, .openDroneIDMessagePack:
            // Remote ID has float and array fields: RemoteIDTests compare those with pymavlink's.
            (name, fields) = ("OPEN_DRONE_ID", [:])
        }
        let values = fields.keys.sorted().map { "\($0)=\(fields[$0]!)" }
        return "\(name) msgid=\(h.messageID) sysid=\(h.systemID) compid=\(h.componentID) seq=\(h.sequence) version=\(h.version) signed=\(h.isSigned) \(values.joined(separator: " "))"
    }
}

@Suite("MAVLink against pymavlink's golden frames")
struct MAVLinkGoldenTests {
    @Test("Each golden payload decodes to pymavlink's outcomes, in order", arguments: try GoldenVector.load())
    func golden(vector: GoldenVector) {
        #expect(MAVLinkFrameParser.parse(vector.payload).map(render) == vector.expected)
    }

    @Test("The fixture covers every outcome the parser can report")
    func coverage() throws {
        let all = try GoldenVector.load().flatMap(\.expected)
        for reason in [RejectReason.mavlinkCRC, .mavlinkBadFrame, .mavlinkUnknownMessage, .mavlinkIncompatibleFlags] {
            #expect(all.contains("error \(reason.rawValue)"), "no vector for \(reason)")
        }
        for name in ["HEARTBEAT", "SYSTEM_TIME", "GPS_RAW_INT", "GLOBAL_POSITION_INT"] {
            #expect(all.contains { $0.hasPrefix(name + " ") }, "no vector for \(name)")
        }
        #expect(all.contains { $0.contains("signed=true") })
        #expect(all.contains { $0.contains("version=1") })
    }

    @Test("CRC-16/MCRF4XX gives its catalogue check value for '123456789'")
    func crcCheckValue() {
        var crc = MAVLinkCRC()
        Array("123456789".utf8).withUnsafeBytes { crc.accumulate($0) }
        #expect(crc.value == 0x6F91)
    }

    @Test("Every single-bit flip of a frame is caught, never decoded as something else")
    func bitFlips() throws {
        let vector = try #require(try GoldenVector.load().first { $0.name == "global_position_int_negative" })
        let good = MAVLinkFrameParser.parse(vector.payload)
        #expect(good.count == 1)
        for bit in 0..<(vector.payload.count * 8) {
            var damaged = vector.payload
            damaged[bit / 8] ^= 1 << (bit % 8)
            let events = MAVLinkFrameParser.parse(damaged)
            #expect(!events.isEmpty, "bit \(bit): the damage went unreported")
            #expect(events.allSatisfy { if case .message = $0 { false } else { true } }, "bit \(bit) decoded as a message")
        }
    }
}

@Suite("MAVLink encoding")
struct MAVLinkEncodingTests {
    @Test("Re-encoding every unsigned v2 golden frame reproduces pymavlink's bytes exactly", arguments: try GoldenVector.load())
    func reencode(vector: GoldenVector) {
        let events = MAVLinkFrameParser.parse(vector.payload)
        // Only payloads that are exactly their unsigned v2 frames can be rebuilt byte for byte.
        guard events.allSatisfy({ if case .message(let h, _) = $0 { h.version == 2 && !h.isSigned } else { false } }) else { return }
        var rebuilt: [UInt8] = []
        for case .message(let h, let m) in events {
            m.appendFrame(to: &rebuilt, sequence: h.sequence, systemID: h.systemID, componentID: h.componentID)
        }
        if vector.name == "longer_payload_than_definition" {
            #expect(rebuilt.count < vector.payload.count)   // the extra bytes are not ours to rebuild
        } else {
            #expect(rebuilt == vector.payload)
        }
    }

    @Test("Encode then parse returns the same message")
    func roundTrip() {
        let messages: [MAVLinkMessage] = [
            .heartbeat(MAVLinkHeartbeat(customMode: 0, type: 2, autopilot: 3, baseMode: 0, systemStatus: 4, mavlinkVersion: 3)),
            .systemTime(MAVLinkSystemTime(timeUnixMicroseconds: 1_748_736_016_500_000, timeBootMilliseconds: 60_000)),
            .globalPositionInt(MAVLinkGlobalPositionInt(timeBootMilliseconds: 0, latitudeE7: 0, longitudeE7: 0, altitudeMSLMillimetres: 0,
                                                        relativeAltitudeMillimetres: 0, vx: 0, vy: 0, vz: 0, heading: 0)),
            .gpsRawInt(MAVLinkGPSRawInt(timeMicroseconds: .max, latitudeE7: .min, longitudeE7: .max, altitudeMSLMillimetres: -1, eph: 1,
                                        epv: 2, velocity: 3, courseOverGround: 4, fixType: 3, satellitesVisible: 9,
                                        altitudeEllipsoidMillimetres: 123, horizontalAccuracy: 5, verticalAccuracy: 6,
                                        velocityAccuracy: 7, headingAccuracy: 8, yaw: 36000)),
        ]
        for (i, message) in messages.enumerated() {
            let frame = message.frame(sequence: UInt8(i), systemID: 42, componentID: 1)
            #expect(MAVLinkFrameParser.parse(frame) == [.message(
                MAVLinkFrameHeader(version: 2, sequence: UInt8(i), systemID: 42, componentID: 1, messageID: message.messageID, isSigned: false),
                message)])
        }
    }
}
