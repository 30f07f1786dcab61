// JSON v1: every record type, both scan forms, and every way a record can be rejected.
import Testing
@testable import TelemetryModel
import Foundation

@Suite("Telemetry JSON v1 decoding")
struct TelemetryJSONDecoderTests {
    let decoder = TelemetryJSONDecoder()

    func decode(_ text: String) throws(TelemetryDecodingError) -> DecodedJSONRecord {
        try decoder.decode(Array(text.utf8))
    }

    func reason(_ text: String) -> RejectReason? {
        do {
            _ = try decode(text)
            return nil
        } catch {
            return error.reason
        }
    }

    @Test("A scenario detection line decodes with its ground-truth label kept apart")
    func scenarioDetection() throws {
        let record = try decode(#"{"type": "detection", "t": 1748736016.0, "t_ns": 1748736016000000000, "t_rel": 16.0, "sensor_id": 0, "scan_id": 16, "det_id": 143, "drone_id": 7, "range_m": 2189.99, "azimuth_deg": 132.16446, "elevation_deg": 6.897607}"#)
        #expect(record.record == .detection(Detection(
            time: Timestamp(nanosecondsSinceEpoch: 1_748_736_016_000_000_000), sensorID: "0", scanID: 16, detectionID: 143,
            range: 2189.99, azimuth: 132.16446, elevation: 6.897607, groundTruthLabel: "7")))
        #expect(record.sequenceNumber == nil)
    }

    @Test("Clutter has a null drone_id and string ids equal integer ids")
    func clutterAndStringIDs() throws {
        let record = try decode(#"{"type":"detection","t_ns":5,"sensor_id":"0","scan_id":1,"drone_id":null,"range_m":10,"azimuth_deg":0,"elevation_deg":0}"#)
        guard case .detection(let d) = record.record else { Issue.record("not a detection"); return }
        #expect(d.groundTruthLabel == nil)
        #expect(d.sensorID == "0")
    }

    @Test("t_ns wins over t; t alone is rounded to the nanosecond")
    func time() throws {
        let both = try decode(#"{"type":"scan","t":1.5,"t_ns":7,"sensor_id":1,"scan_id":0}"#)
        #expect(both.record.time == Timestamp(nanosecondsSinceEpoch: 7))
        let seconds = try decode(#"{"type":"scan","t":1748736016.25,"sensor_id":1,"scan_id":0}"#)
        #expect(seconds.record.time == Timestamp(nanosecondsSinceEpoch: 1_748_736_016_250_000_000))
    }

    @Test("A batched scan carries its detections, which inherit time, sensor and scan")
    func batchedScan() throws {
        let record = try decode(#"{"type":"scan","t_ns":100,"sensor_id":"rf-1","scan_id":9,"n_detections":2,"seq":41,"detections":[{"det_id":1,"azimuth_deg":10.5},{"det_id":2,"range_m":5,"azimuth_deg":20,"elevation_deg":1,"drone_id":"d3"}]}"#)
        guard case .scan(let scan) = record.record else { Issue.record("not a scan"); return }
        #expect(record.sequenceNumber == 41)
        #expect(scan.detectionCount == 2)
        #expect(scan.detections == [
            Detection(time: Timestamp(nanosecondsSinceEpoch: 100), sensorID: "rf-1", scanID: 9, detectionID: 1, range: nil, azimuth: 10.5, elevation: nil),
            Detection(time: Timestamp(nanosecondsSinceEpoch: 100), sensorID: "rf-1", scanID: 9, detectionID: 2, range: 5, azimuth: 20, elevation: 1, groundTruthLabel: "d3"),
        ])
    }

    @Test("Sensor, status, truth, track and meta records decode")
    func otherRecords() throws {
        let sensor = try decode(#"{"type": "sensor", "sensor_id": 1, "kind": "radar", "enu": [1800.0, -600.0, 15.0], "lat": 35.844593577, "lon": 126.569928937, "alt": 20.288, "scan_rate_hz": 1.0, "scan_offset_s": 0.5, "sigma_range_m": 5.0, "sigma_azimuth_deg": 0.5, "sigma_elevation_deg": 0.5, "pd": 0.9, "clutter_per_scan": 5.0, "max_range_m": 8000.0}"#)
        #expect(sensor.record == .sensor(SensorDescription(
            sensorID: "1", kind: "radar", position: GeodeticPosition(latitude: 35.844593577, longitude: 126.569928937, ellipsoidalHeight: 20.288),
            enu: ENUVector(1800, -600, 15), scanRateHz: 1, sigmaRange: 5, sigmaAzimuth: 0.5, sigmaElevation: 0.5,
            detectionProbability: 0.9, maximumRange: 8000)))
        let rf = try decode(#"{"type":"sensor","sensor_id":"rf-1","kind":"rf","measures":"azimuth"}"#)
        guard case .sensor(let rfSensor) = rf.record else { Issue.record("not a sensor"); return }
        #expect(rfSensor.measures == .azimuth)

        let status = try decode(#"{"type":"status","t_ns":9,"sensor_id":"radar-1","lat":35.85,"lon":126.55,"alt":15.2,"state":"degraded","seq":17}"#)
        #expect(status.record == .status(SensorStatus(time: Timestamp(nanosecondsSinceEpoch: 9), sensorID: "radar-1",
                                                       position: GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 15.2),
                                                       state: .degraded)))
        #expect(status.sequenceNumber == 17)

        let truth = try decode(#"{"type": "truth", "t": 1748736016.0, "t_ns": 1748736016000000000, "t_rel": 16.0, "drone_id": 7, "enu": [1575.52, -1511.081, 274.355], "vel_enu": [-5.328, 1.537, 0.0], "lat": 35.836380605, "lon": 126.56743728, "alt": 279.729}"#)
        #expect(truth.record == .truth(TruthFix(
            time: Timestamp(nanosecondsSinceEpoch: 1_748_736_016_000_000_000), droneID: "7",
            position: GeodeticPosition(latitude: 35.836380605, longitude: 126.56743728, ellipsoidalHeight: 279.729),
            enu: ENUVector(1575.52, -1511.081, 274.355), velocityENU: ENUVector(-5.328, 1.537, 0), clock: .message, heightReference: .ellipsoid)))

        let track = try decode(#"{"type": "track", "track_id": 0, "t": 1748736017.0, "t_ns": 1748736017000000000, "t_rel": 17.0, "enu": [1577.517, -1520.347, 282.745], "vel": [-5.319, -31.567, 0.402], "status": "updated", "sensor_id": 0}"#)
        #expect(track.record == .track(TrackReport(time: Timestamp(nanosecondsSinceEpoch: 1_748_736_017_000_000_000), trackID: "0",
                                                    enu: ENUVector(1577.517, -1520.347, 282.745), velocity: ENUVector(-5.319, -31.567, 0.402),
                                                    status: "updated", sensorID: "0")))

        let meta = try decode(#"{"type": "meta", "format": "cuas-scenario/1", "seed": 1, "scale": null, "frame": "ENU", "origin": {"lat": 35.85, "lon": 126.55, "alt": 5.0}, "epoch_ns": 1748736000000000000, "duration_s": 30.0, "truth_dt_s": 0.5, "clutter_volume": {"shape": "cylinder"}}"#)
        #expect(meta.record == .meta(ScenarioMeta(format: "cuas-scenario/1", origin: GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 5),
                                                   epoch: Timestamp(nanosecondsSinceEpoch: 1_748_736_000_000_000_000), durationSeconds: 30, seed: 1, truthStepSeconds: 0.5)))
    }

    @Test("Unknown fields are ignored")
    func unknownFields() throws {
        let record = try decode(#"{"type":"scan","t_ns":1,"sensor_id":1,"scan_id":2,"vendor":{"x":[1,2,{"y":null}]},"note":"hi"}"#)
        #expect(record.record.kind == .scan)
    }

    @Test("Text that is not JSON is malformed_json", arguments: [
        "{bad", "", " ", "[1,2", #"{"type":"scan""#, "\u{FF}\u{FE}", "nul", #"{"a":1}}"#, #"{"type":"scan" "t_ns":1}"#,
    ])
    func malformed(text: String) {
        #expect(reason(text) == .malformedJSON)
    }

    /// A payload that breaks the JSON grammar, and the same payload mended: the mended one must decode,
    /// so the broken one is rejected for its fault and nothing else.
    struct GrammarCase: Sendable, CustomTestStringConvertible {
        var broken: [UInt8]
        var mended: [UInt8]
        var testDescription: String { String(decoding: broken, as: UTF8.self) }

        init(_ text: String, fault: [UInt8], mend: String) {
            let parts = text.split(separator: "@", omittingEmptySubsequences: false)
            broken = Array(parts[0].utf8) + fault + Array(parts[1].utf8)
            mended = Array(parts[0].utf8) + Array(mend.utf8) + Array(parts[1].utf8)
        }
    }

    static let leadingZeroCases: [GrammarCase] = [
        GrammarCase(#"{"type":"detection","t_ns":@,"sensor_id":0,"scan_id":1,"azimuth_deg":1}"#, fault: Array("01".utf8), mend: "1"),
        GrammarCase(#"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":1,"gain":@}"#, fault: Array("012".utf8), mend: "12"),
        GrammarCase(#"{"type":"status","t_ns":1,"sensor_id":1,"lat":0,"lon":0,"alt":0,"seq":@}"#, fault: Array("00".utf8), mend: "0"),
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"vendor":{"gain":[1,@]}}"#, fault: Array("-00.5".utf8), mend: "-0.5"),
        GrammarCase(#"{"type":"truth","t_ns":1,"drone_id":1,"lat":0,"lon":0,"alt":0,"enu":[1,@,3]}"#, fault: Array("02".utf8), mend: "2"),
        GrammarCase(#"{"type":"sensor","sensor_id":1,"kind":"radar","pd":@}"#, fault: Array("00.9".utf8), mend: "0.9"),
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"detections":[{"azimuth_deg":1,"x":@}]}"#,
                    fault: Array("-012e3".utf8), mend: "-12e3"),
        GrammarCase(#"@"#, fault: Array("012".utf8), mend: #"{"type":"scan","t_ns":12,"sensor_id":0,"scan_id":1}"#),
    ]

    static let invalidUTF8Cases: [GrammarCase] = [
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"note":"a@b"}"#, fault: [0xFF], mend: "x"),           // never in UTF-8
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"note":"@"}"#, fault: [0xC3], mend: "é"),               // cut short
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"note":"@"}"#, fault: [0x80], mend: "x"),               // stray continuation
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"note":"@"}"#, fault: [0xC0, 0xAF], mend: "/"),         // overlong
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"note":"@"}"#, fault: [0xED, 0xA0, 0x80], mend: "x"),   // a surrogate
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"note":"@"}"#, fault: [0xF4, 0x90, 0x80, 0x80], mend: "𝄞"), // above U+10FFFF
        GrammarCase(#"{"type":"detection","t_ns":1,"sensor_id":"radar-@","scan_id":1,"azimuth_deg":1}"#, fault: [0xE2, 0x82], mend: "€"),
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"@":1}"#, fault: [0xC3, 0x28], mend: "é("),              // in a key
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"detections":[{"azimuth_deg":1,"drone_id":"@"}]}"#,
                    fault: [0xFE], mend: "d"),
        GrammarCase(#"{"type":"sensor","sensor_id":1,"kind":"radar@"}"#, fault: [0xF0, 0x9F, 0x98], mend: "😀"),
    ]

    static let otherBreakCases: [GrammarCase] = [
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"gain":@}"#, fault: Array("1.".utf8), mend: "1.5"),
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"gain":@}"#, fault: Array("-".utf8), mend: "-1"),
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"gain":@}"#, fault: Array("1e".utf8), mend: "1e0"),
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"note":"a@b"}"#, fault: [0x0A], mend: #"\n"#),
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"note":"@"}"#, fault: Array(#"\x"#.utf8), mend: #"\\x"#),
        GrammarCase(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"note":"@"}"#, fault: Array(#"\u12"#.utf8), mend: #"\u0012"#),
    ]

    /// The mended payload decodes; the broken one is malformed_json through `decode` (fast path, then
    /// the reference) and through the reference path alone, and the fast path does not answer for it.
    func expectMalformed(_ testCase: GrammarCase) throws {
        _ = try decoder.decode(testCase.mended)
        #expect(testCase.broken.withUnsafeBytes { JSONFastPath.decode($0) } == nil)
        let viaDecode = Result { () throws(TelemetryDecodingError) in try decoder.decode(testCase.broken) }
        let viaReference: Result<DecodedJSONRecord, TelemetryDecodingError> = testCase.broken.withUnsafeBytes { bytes in
            Result { () throws(TelemetryDecodingError) in try decoder.referenceDecode(bytes) }
        }
        for (path, outcome) in [("decode", viaDecode), ("referenceDecode", viaReference)] {
            switch outcome {
            case .success(let record): Issue.record("\(path) accepted it as a \(record.record.kind) record")
            case .failure(let error):
                #expect(error.reason == .malformedJSON, "\(path): \(error.message)")
                #expect(error.message.hasPrefix("not valid JSON"), "\(path): \(error.message)")
            }
        }
    }

    @Test("A number with a leading zero is malformed_json, wherever it is", arguments: leadingZeroCases)
    func leadingZero(testCase: GrammarCase) throws {
        try expectMalformed(testCase)
    }

    @Test("Invalid UTF-8 is malformed_json, wherever it is", arguments: invalidUTF8Cases)
    func invalidUTF8(testCase: GrammarCase) throws {
        try expectMalformed(testCase)
    }

    @Test("Other breaks of the grammar in a field no one reads are malformed_json", arguments: otherBreakCases)
    func otherGrammarBreaks(testCase: GrammarCase) throws {
        try expectMalformed(testCase)
    }

    @Test("JSON that breaks the schema is schema_invalid", arguments: [
        "42", "[]", #""detection""#, "null",
        #"{"t_ns":1}"#,                                                                 // no type
        #"{"type":"radar-plot","t_ns":1}"#,                                             // unknown type
        #"{"type":7}"#,                                                                 // type not a string
        #"{"type":"detection","sensor_id":0,"scan_id":1,"azimuth_deg":1}"#,             // no time
        #"{"type":"detection","t_ns":"soon","sensor_id":0,"scan_id":1,"azimuth_deg":1}"#, // time a string
        #"{"type":"detection","t_ns":1.5,"sensor_id":0,"scan_id":1,"azimuth_deg":1}"#,  // time not an integer
        #"{"type":"detection","t_ns":1,"scan_id":1,"azimuth_deg":1}"#,                  // no sensor
        #"{"type":"detection","t_ns":1,"sensor_id":0,"azimuth_deg":1}"#,                // no scan
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1}"#,                    // no azimuth
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":360.5}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":-1}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":1,"elevation_deg":91}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":1,"range_m":-3}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":-1,"azimuth_deg":1}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":true,"scan_id":1,"azimuth_deg":1}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":"","scan_id":1,"azimuth_deg":1}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":1,"seq":-2}"#,
        #"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"n_detections":3,"detections":[{"azimuth_deg":1}]}"#,
        #"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"detections":[{"azimuth_deg":400}]}"#,
        #"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"detections":{"azimuth_deg":1}}"#,
        #"{"type":"truth","t_ns":1,"drone_id":1,"lat":95,"lon":0,"alt":0}"#,
        #"{"type":"truth","t_ns":1,"drone_id":1,"lat":0,"lon":0}"#,
        #"{"type":"truth","t_ns":1,"drone_id":1,"lat":0,"lon":0,"alt":0,"enu":[1,2]}"#,
        #"{"type":"status","t_ns":1,"sensor_id":1,"lat":0,"lon":0,"alt":0,"state":"asleep"}"#,
        #"{"type":"track","t_ns":1,"track_id":1}"#,
        #"{"type":"sensor","sensor_id":1}"#,
        #"{"type":"sensor","sensor_id":1,"kind":"radar","pd":1.5}"#,
        #"{"type":"sensor","sensor_id":1,"kind":"rf","measures":"smell"}"#,
        #"{"type":"meta"}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":1e999}"#,
    ])
    func schemaInvalid(text: String) {
        let outcome = reason(text)
        // 1e999 overflows a Double; Foundation's parser rejects it as a syntax error, which is fair too.
        if text.contains("1e999") {
            #expect(outcome == .schemaInvalid || outcome == .malformedJSON)
        } else {
            #expect(outcome == .schemaInvalid)
        }
    }

    @Test("Schema errors name the field at fault")
    func errorNamesField() {
        #expect(throws: TelemetryDecodingError(reason: .schemaInvalid, message: "azimuth_deg: 400.0 is outside [0.0, 360.0]")) {
            try decode(#"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":400}"#)
        }
        do {
            _ = try decode(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,"detections":[{"azimuth_deg":1},{"azimuth_deg":1,"range_m":-1}]}"#)
            Issue.record("accepted")
        } catch {
            #expect(error.message.hasPrefix("detections[1].range_m"))
        }
    }

    @Test("Every line of the committed scenario fixture decodes, and its types tally with a plain JSON read")
    func scenarioFixture() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Replays/fixtures/interop-scenario.jsonl").standardized
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        #expect(lines.count > 100)
        var ours: [String: Int] = [:]
        var plain: [String: Int] = [:]
        for line in lines {
            let bytes = Array(line.utf8)
            ours[try decoder.decode(bytes).record.kind.rawValue, default: 0] += 1
            let object = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            plain[try #require(object["type"] as? String), default: 0] += 1
        }
        #expect(ours == plain)
        #expect(Set(ours.keys) == ["meta", "sensor", "truth", "scan", "detection"])
    }
}

@Suite("Foundation JSON parser leniency, pinned")
struct JSONParserLeniencyTests {
    @Test("A trailing comma is tolerated by Foundation's parser; the record is then judged on its fields")
    func trailingComma() throws {
        // Documented in docs/wire-formats.md. If Foundation turns strict, this test tells us to update the doc.
        let record = try TelemetryJSONDecoder().decode(Array(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1,}"#.utf8))
        #expect(record.record.kind == .scan)
    }

    @Test("A leading byte order mark is ignored (RFC 8259 §8.1 allows a parser to), as Foundation's parser does")
    func byteOrderMark() throws {
        let record = try TelemetryJSONDecoder().decode([0xEF, 0xBB, 0xBF] + Array(#"{"type":"scan","t_ns":1,"sensor_id":0,"scan_id":1}"#.utf8))
        #expect(record.record.kind == .scan)
    }
}
