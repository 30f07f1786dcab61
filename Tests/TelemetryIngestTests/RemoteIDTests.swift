// Remote ID through MAVLink (OPEN_DRONE_ID_*): a receiver's reports become its tracks, never truth.
import Foundation
import Geodesy
import Testing
import TelemetryIngest
import TelemetryModel

@Suite("Remote ID")
struct RemoteIDTests {
    static let origin = GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 5)
    static let mac = MAVLinkOpenDroneIDBytes([0x02, 0x11, 0x22, 0x33, 0x44, 0x55] + Array(repeating: 0, count: 14))

    static func location(_ position: GeodeticPosition, secondsAfterHour: Float, direction: UInt16 = 9_000, speed: UInt16 = 1_250,
                         climb: Int16 = -50) -> MAVLinkMessage {
        .openDroneIDLocation(MAVLinkOpenDroneIDLocation(
            idOrMAC: mac, status: 2, direction: direction, speedHorizontal: speed, speedVertical: climb,
            latitude: Int32((position.latitude * 1e7).rounded()), longitude: Int32((position.longitude * 1e7).rounded()),
            altitudeBarometric: -1000, altitudeGeodetic: Float(position.ellipsoidalHeight), height: -1000, heightReference: 0,
            horizontalAccuracy: 10, verticalAccuracy: 4, barometerAccuracy: 0, speedAccuracy: 3, timestampAccuracy: 1,
            timestamp: secondsAfterHour))
    }

    static let basicID = MAVLinkMessage.openDroneIDBasicID(MAVLinkOpenDroneIDBasicID(
        idOrMAC: mac, idType: 1, uaType: 2, uasID: MAVLinkOpenDroneIDBytes(Array("1596F350457ABCDE".utf8) + Array(repeating: 0, count: 4))))

    @Test("A LOCATION becomes the receiver's track in the site's frame, named by the BASIC_ID its transmitter sent, timed in its hour")
    func locationBecomesATrack() throws {
        let plane = LocalTangentPlane(origin: Self.origin)
        let target = plane.geodetic(ENUVector(-700, 400, 95))
        let sink = CapturingSink()
        let processor = FrameProcessor(endpointNames: ["rid"], maximumFrameBytes: 65_536, siteGeoidSeparation: 23, siteOrigin: Self.origin,
                                       recordSinks: [sink])
        let hourStart: Int64 = 491_000 * 3_600_000_000_000
        func feed(_ messages: [MAVLinkMessage], at nanoseconds: Int64) {
            var payload: [UInt8] = []
            for (i, message) in messages.enumerated() { payload += message.frame(sequence: UInt8(i), systemID: 9, componentID: 1) }
            FrameProcessor.lend([Array("mavlink/rid-1".utf8), payload]) {
                _ = processor.process(parts: $0, endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: nanoseconds), sequence: 0)
            }
        }
        // Before its BASIC_ID, a transmitter is known by its MAC; then by its declared UAS id.
        feed([Self.location(target, secondsAfterHour: 12.3)], at: hourStart + 13_000_000_000)
        feed([Self.basicID, Self.location(target, secondsAfterHour: 3_599.9)], at: hourStart + 3_600_000_000_000 + 500_000_000)
        let source = try #require(processor.statistics.sources["mavlink/rid-1"])
        #expect(source.records == [.openDroneIDLocation: 2, .openDroneIDBasicID: 1] && source.framesMalformed == 0)
        #expect(source.truthFixes.isEmpty && processor.statistics.truth.drones.isEmpty)
        let tracks = sink.records.compactMap { record -> TrackReport? in
            if case .track(let track) = record.0 { return track } else { return nil }
        }
        try #require(tracks.count == 2)
        #expect(tracks[0].trackID == "021122334455" && tracks[1].trackID == "1596F350457ABCDE")
        #expect(tracks.allSatisfy { $0.sensorID == "rid-1" && $0.status == "airborne" })
        // 12.3 s into the hour; 3599.9 s received 0.5 s into the next hour: the hour before.
        #expect(abs(tracks[0].time.nanosecondsSinceEpoch - (hourStart + 12_300_000_000)) < 1_000)
        #expect(abs(tracks[1].time.nanosecondsSinceEpoch - (hourStart + 3_599_900_000_000)) < 1_000_000)
        let enu = tracks[0].enu
        #expect(abs(enu.x + 700) < 0.02 && abs(enu.y - 400) < 0.02 && abs(enu.z - 95) < 0.01)
        let v = try #require(tracks[0].velocity)
        #expect(abs(v.x - 12.5) < 1e-9 && abs(v.y) < 1e-9 && v.z == -0.5)   // 90°, 12.5 m/s, sinking 0.5 m/s
    }

    @Test("What cannot be placed is counted, not handed on: no position, no altitude, an unknown time, no site")
    func unplaceable() throws {
        let sink = CapturingSink()
        let processor = FrameProcessor(endpointNames: ["rid"], maximumFrameBytes: 65_536, siteGeoidSeparation: 0, siteOrigin: Self.origin,
                                       recordSinks: [sink])
        let there = GeodeticPosition(latitude: 35.86, longitude: 126.56, ellipsoidalHeight: 100)
        let nowhere = GeodeticPosition(latitude: 0, longitude: 0, ellipsoidalHeight: 100)
        let noAltitude = GeodeticPosition(latitude: 35.86, longitude: 126.56, ellipsoidalHeight: -1000)
        var payload: [UInt8] = []
        for message in [Self.location(nowhere, secondsAfterHour: 1), Self.location(noAltitude, secondsAfterHour: 1),
                        Self.location(there, secondsAfterHour: Float(0xFFFF))] {
            payload += message.frame(sequence: 0, systemID: 9, componentID: 1)
        }
        FrameProcessor.lend([Array("mavlink/rid-1".utf8), payload]) {
            _ = processor.process(parts: $0, endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000), sequence: 0)
        }
        #expect(processor.statistics.sources["mavlink/rid-1"]?.records == [.openDroneIDLocation: 3])
        #expect(sink.records.isEmpty)
        // Without the site's frame nothing is placed either.
        let siteless = FrameProcessor(endpointNames: ["rid"], maximumFrameBytes: 65_536, siteGeoidSeparation: 0, recordSinks: [sink])
        FrameProcessor.lend([Array("mavlink/rid-1".utf8), Self.location(there, secondsAfterHour: 1).frame(sequence: 0, systemID: 9, componentID: 1)]) {
            _ = siteless.process(parts: $0, endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000), sequence: 0)
        }
        #expect(sink.records.isEmpty)
    }

    @Test("Every OPEN_DRONE_ID message survives encoding and parsing field for field")
    func roundTrip() {
        let messages: [MAVLinkMessage] = [
            Self.basicID,
            Self.location(GeodeticPosition(latitude: -33.5, longitude: 151.25, ellipsoidalHeight: 42.5), secondsAfterHour: 1_234.5),
            .openDroneIDSystem(MAVLinkOpenDroneIDSystem(idOrMAC: Self.mac, operatorLatitude: 358_500_000, operatorLongitude: 1_265_500_000,
                                                        areaCeiling: 120, areaFloor: -1000, operatorAltitudeGeodetic: 30.25, timestamp: 250_000_000,
                                                        areaCount: 1, areaRadius: 0, operatorLocationType: 1, classificationType: 1,
                                                        categoryEU: 2, classEU: 3)),
            .openDroneIDOperatorID(MAVLinkOpenDroneIDOperatorID(idOrMAC: Self.mac, operatorIDType: 0,
                                                                operatorID: MAVLinkOpenDroneIDBytes(Array("KOR-OP-0001".utf8) + Array(repeating: 0, count: 9)))),
            .openDroneIDMessagePack(MAVLinkOpenDroneIDMessagePack(idOrMAC: Self.mac, singleMessageSize: 25, messageCount: 2,
                                                                  messages: (0..<225).map { UInt8($0 % 251) })),
        ]
        for message in messages {
            let events = MAVLinkFrameParser.parse(message.frame(sequence: 7, systemID: 9, componentID: 1))
            guard events.count == 1, case .message(let header, let decoded) = events[0] else {
                Issue.record("\(message): \(events)")
                continue
            }
            #expect(header.messageID == message.messageID && decoded == message)
        }
    }
}
