// SAPIENT messages on `sapient/<node-id>` topics, through the frame processor: the session rules, the
// mapping into detections, tracks and sensor positions, and every problem counted under its reason.
import Foundation
import Geodesy
import Sapient
import SwiftProtobuf
import Testing
import TelemetryIngest
import TelemetryModel

@Suite("SAPIENT frames")
struct SapientFrameTests {
    static let node = "1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed"
    static let now: Int64 = 1_790_000_000_000_000_000
    static let radar = GeodeticPosition(latitude: 35.86, longitude: 126.56, ellipsoidalHeight: 31)
    static let origin = GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 5)

    static func encoded(at nanoseconds: Int64 = now, node: String = node, _ fill: (inout BSISapientMessage) -> Void) -> [UInt8] {
        var message = BSISapientMessage()
        message.timestamp = Google_Protobuf_Timestamp(seconds: nanoseconds / 1_000_000_000, nanos: Int32(nanoseconds % 1_000_000_000))
        message.nodeID = node
        fill(&message)
        return (try? message.serializedBytes()) ?? []
    }

    static func registration(tracking: BSIRegistration.TrackingType = .track) -> BSIRegistration {
        BSIRegistration.sensorNode(type: .radar, name: "radar", model: "test", statusIntervalSeconds: 5, tracking: tracking)
    }

    static func detection(object: String = "01JAAAAAAAAAAAAAAAAAAAAAA1", azimuth: Double = 0.5, range: Double = 2, classes: [(String, Float)] = [])
        -> BSIDetectionReport {
        var report = BSIDetectionReport()
        report.reportID = "01JBBBBBBBBBBBBBBBBBBBBBB1"
        report.objectID = object
        var polar = BSIRangeBearing()
        polar.azimuth = azimuth
        polar.range = range
        polar.elevation = 0.05
        polar.coordinateSystem = .radiansKm
        polar.datum = .true
        report.rangeBearing = polar
        report.classification = classes.map { name, confidence in
            var classification = BSIDetectionReport.DetectionReportClassification()
            classification.type = name
            classification.confidence = confidence
            return classification
        }
        return report
    }

    @discardableResult
    static func feed(_ processor: FrameProcessor, _ payload: [UInt8], connection: UInt32 = 1, at nanoseconds: Int64 = now,
                     extra: [UInt8]? = nil) -> RejectReason? {
        let sender = FrameSender(connection: connection, endpointIndex: 0, endpointName: "nodes", mechanism: .null, address: "127.0.0.1")
        return FrameProcessor.lend([Array("sapient/\(node)".utf8), payload] + (extra.map { [$0] } ?? [])) {
            processor.process(parts: $0, endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: nanoseconds), sequence: 0, sender: sender)
        }
    }

    static func processor(_ sink: CapturingSink) -> FrameProcessor {
        let radar = SensorDescription(sensorID: "radar-s", kind: "radar", position: Self.radar)
        return FrameProcessor(endpointNames: ["nodes"], maximumFrameBytes: 65_536, siteGeoidSeparation: 23,
                              sapient: SapientSettings(sensors: [node: radar]), siteOrigin: origin, recordSinks: [sink])
    }

    @Test("A registered node's detection becomes a detection of its configured sensor, in degrees and metres, with its class, and a track")
    func detections() throws {
        let sink = CapturingSink()
        let processor = Self.processor(sink)
        #expect(Self.feed(processor, Self.encoded { $0.registration = Self.registration() }) == nil)
        #expect(Self.feed(processor, Self.encoded { $0.detectionReport = Self.detection(classes: [("Bird", 0.2), ("UAV", 0.7)]) }) == nil)
        let source = try #require(processor.statistics.sources["sapient/\(Self.node)"])
        #expect(source.records == [.sensor: 1, .detection: 1] && source.framesMalformed == 0)
        let records = sink.records.map(\.0)
        guard records.count == 2, case .detection(let detection) = records[0], case .track(let track) = records[1] else {
            Issue.record("unexpected records: \(records)")
            return
        }
        #expect(detection.sensorID == "radar-s" && detection.range == 2000)
        #expect(abs(detection.azimuth - 0.5 * 180 / .pi) < 1e-9 && abs(detection.elevation! - 0.05 * 180 / .pi) < 1e-9)
        #expect(detection.classification == "UAV" && abs(detection.classificationConfidence! - 0.7) < 1e-6)
        #expect(ObjectClass(reported: detection.classification) == .drone)
        #expect(track.trackID == "01JAAAAAAAAAAAAAAAAAAAAAA1" && track.classification == "UAV")
        // The track sits where the polar measurement puts it, seen from the site's origin.
        let expected = LocalTangentPlane(origin: Self.origin).enu(
            SensorFrame(position: Self.radar).geodetic(of: PolarMeasurement(range: 2000, azimuth: detection.azimuth, elevation: detection.elevation!)))
        #expect(((track.enu - expected) * (track.enu - expected)).sum().squareRoot() < 1e-6)
    }

    @Test("A CAMERA node no sensor names is described as an angle-only sensor, and its detections carry no range")
    func camera() throws {
        let sink = CapturingSink()
        let processor = FrameProcessor(endpointNames: ["nodes"], maximumFrameBytes: 65_536, siteGeoidSeparation: 23,
                                       sapient: SapientSettings(), siteOrigin: Self.origin, recordSinks: [sink])
        let registration = BSIRegistration.sensorNode(type: .camera, name: "eo", model: "test", statusIntervalSeconds: 5)
        #expect(Self.feed(processor, Self.encoded { $0.registration = registration }) == nil)
        var report = Self.detection()
        report.rangeBearing.clearRange()
        #expect(Self.feed(processor, Self.encoded { $0.detectionReport = report }) == nil)
        let records = sink.records.map(\.0)
        guard case .sensor(let sensor)? = records.first, case .detection(let detection)? = records.dropFirst().first else {
            Issue.record("unexpected records: \(records)")
            return
        }
        #expect(sensor.kind == "eo_ir" && sensor.measures == .azimuthElevation)
        #expect(detection.range == nil && abs(detection.elevation! - 0.05 * 180 / .pi) < 1e-9)
    }

    @Test("A range no place can have (10³⁰⁰ m) gives the detection as reported, for the tracker to refuse, and no track")
    func absurdRange() throws {
        let sink = CapturingSink()
        let processor = Self.processor(sink)
        Self.feed(processor, Self.encoded { $0.registration = Self.registration() })
        var report = Self.detection()
        report.rangeBearing.range = 1e300
        #expect(Self.feed(processor, Self.encoded { $0.detectionReport = report }) == nil)
        let records = sink.records.map(\.0)
        #expect(records.count == 1)
        guard case .detection(let detection)? = records.first else { Issue.record("no detection: \(records)"); return }
        #expect(detection.range == 1e303)
    }

    @Test("Messages before registration, on another connection, or of a node past its goodbye are unregistered")
    func session() throws {
        let sink = CapturingSink()
        let processor = Self.processor(sink)
        #expect(Self.feed(processor, Self.encoded { $0.detectionReport = Self.detection() }) == .sapientUnregistered)
        #expect(Self.feed(processor, Self.encoded { $0.registration = Self.registration() }) == nil)
        #expect(Self.feed(processor, Self.encoded { $0.detectionReport = Self.detection() }, connection: 2) == .sapientUnregistered)
        var goodbye = BSIStatusReport()
        goodbye.reportID = "01JCCCCCCCCCCCCCCCCCCCCCC1"
        goodbye.system = .goodbye
        goodbye.info = .new
        goodbye.mode = "default"
        #expect(Self.feed(processor, Self.encoded { $0.statusReport = goodbye }) == nil)
        #expect(Self.feed(processor, Self.encoded { $0.detectionReport = Self.detection() }) == .sapientUnregistered)
        let source = try #require(processor.statistics.sources["sapient/\(Self.node)"])
        #expect(source.malformed == [.sapientUnregistered: 3] && source.records == [.sensor: 1, .status: 1])
    }

    @Test("Broken rules, bad bytes and the transport's own verdicts are counted under their reasons")
    func reasons() throws {
        let sink = CapturingSink()
        let processor = Self.processor(sink)
        Self.feed(processor, Self.encoded { $0.registration = Self.registration() })
        #expect(Self.feed(processor, [0xff, 0xff]) == .sapientMalformed)
        #expect(Self.feed(processor, Self.encoded(at: Self.now - 10_000_000_000) { $0.detectionReport = Self.detection() }) == .sapientBadTime)
        #expect(Self.feed(processor, Self.encoded { $0.detectionReport = Self.detection(object: "nope") }) == .sapientBadIdentifier)
        var magnetic = Self.detection()
        magnetic.rangeBearing.datum = .magnetic
        #expect(Self.feed(processor, Self.encoded { $0.detectionReport = magnetic }) == .sapientUnsupportedLocation)
        #expect(Self.feed(processor, [0, 0, 0, 64], extra: Array("oversize_length".utf8)) == .sapientOversizeLength)
        #expect(Self.feed(processor, [1, 2], extra: Array("stalled".utf8)) == .sapientStalled)
        #expect(Self.feed(processor, [1, 2], extra: Array("anything".utf8)) == .badEnvelope)
        let source = try #require(processor.statistics.sources["sapient/\(Self.node)"])
        #expect(source.malformed == [.sapientMalformed: 1, .sapientBadTime: 1, .sapientBadIdentifier: 1, .sapientUnsupportedLocation: 1,
                                     .sapientOversizeLength: 1, .sapientStalled: 1, .badEnvelope: 1])
        #expect(source.framesMalformed == 7)
    }

    @Test("Reported class names map to the five scored classes by their words, never guessing drone")
    func classes() {
        #expect(ObjectClass(reported: "Air Vehicle/UAV/Rotary Wing") == .drone)
        #expect(ObjectClass(reported: "quadcopter") == .drone)
        #expect(ObjectClass(reported: "Bird") == .bird)
        #expect(ObjectClass(reported: "Manned aircraft") == .mannedAircraft)
        #expect(ObjectClass(reported: "Helicopter") == .mannedAircraft)
        #expect(ObjectClass(reported: "Unmanned aircraft") == .drone)
        #expect(ObjectClass(reported: "Unmanned Aerial Vehicle") == .drone)
        #expect(ObjectClass(reported: "Rotary Wing") == .other)
        #expect(ObjectClass(reported: "Vehicle") == .other)
        #expect(ObjectClass(reported: "Unknown") == .unknown)
        #expect(ObjectClass(reported: nil) == .unknown)
    }
}
