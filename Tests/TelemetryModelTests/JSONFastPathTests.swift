// The fast path agrees with the Decodable reference wherever it answers, and answers for the hot records.
import Testing
@testable import TelemetryModel
import Foundation
import TestSupport

@Suite("JSON fast path against the reference decoder")
struct JSONFastPathTests {
    static func fixtureLines() throws -> [[UInt8]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../Replays/fixtures/interop-scenario.jsonl").standardized
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map { Array($0.utf8) }
    }

    static let handmade: [String] = [
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":1}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":"rf-1","scan_id":1,"azimuth_deg":360,"drone_id":null,"det_id":0,"seq":0}"#,
        #" { "type" : "status" , "t" : 1748736016.25 , "sensor_id" : 1 , "lat" : -90 , "lon" : 180 , "alt" : -12.5e1 , "state" : null } "#,
        #"{"type":"truth","t_ns":5,"drone_id":"d","lat":0,"lon":0,"alt":0,"enu":[1,2,3],"vel_enu":null,"extra":[1,2.5,-3e2],"note":"x","flag":true}"#,
        #"{"type":"scan","t_ns":9,"sensor_id":0,"scan_id":0,"n_detections":0}"#,
        #"{"type":"scan","t_ns":9,"sensor_id":0,"scan_id":0,"n_detections":-1}"#,
        #"{"type":"detection","t_ns":1,"t":"x","sensor_id":0,"scan_id":1,"azimuth_deg":1}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":1,"azimuth_deg":2}"#,
        #"{"type":"detection","t_ns":01,"sensor_id":0,"scan_id":1,"azimuth_deg":1}"#,
        #"{"type":"detection","t_ns":1.0,"sensor_id":0,"scan_id":1,"azimuth_deg":1}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":"","scan_id":1,"azimuth_deg":1}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":1e999}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":"r\u0030","scan_id":1,"azimuth_deg":1}"#,
        #"{"type":"detection","t_ns":9223372036854775807,"sensor_id":-9223372036854775808,"scan_id":1,"azimuth_deg":1}"#,
        #"{"type":"detection","t_ns":9223372036854775808,"sensor_id":0,"scan_id":1,"azimuth_deg":1}"#,
        #"{"type":"truth","t_ns":5,"drone_id":7,"lat":0,"lon":0,"alt":0,"enu":[1,2]}"#,
        #"{"type":"status","t_ns":1,"sensor_id":1,"lat":0,"lon":0,"alt":0,"state":"asleep"}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":1,}"#,
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":1} x"#,
        #"{"type":"detection","t_ns":1,"sensor_id":0,"scan_id":1,"azimuth_deg":1,"gain":012}"#,
        #"{"type":"status","t_ns":1,"sensor_id":1,"lat":0,"lon":0,"alt":0,"extra":[1,-01]}"#,
        #"{"type":"truth","t_ns":5,"drone_id":"d","lat":0,"lon":0,"alt":0,"note":"é"}"#,
    ]

    /// Bytes that are never UTF-8, or start a sequence; the mutations splice them in.
    static let nonASCII: [UInt8] = [0x80, 0xC3, 0xE2, 0xF4, 0xFF]

    /// Wherever the fast path answers, the reference must succeed with the very same record.
    func agree(_ bytes: [UInt8]) -> (answered: Bool, agreed: Bool) {
        let fast = bytes.withUnsafeBytes { JSONFastPath.decode($0) }
        guard let fast else { return (false, true) }
        let reference = try? bytes.withUnsafeBytes { (b) throws(TelemetryDecodingError) in try TelemetryJSONDecoder().referenceDecode(b) }
        return (true, reference == fast)
    }

    @Test("Every fixture line and hand-made case: the fast path agrees with the reference")
    func fixtureAndHandmade() throws {
        for line in try Self.fixtureLines() + Self.handmade.map({ Array($0.utf8) }) {
            let outcome = agree(line)
            #expect(outcome.agreed, "\(String(decoding: line, as: UTF8.self))")
        }
    }

    @Test("The hot records of a scenario file all take the fast path")
    func coverage() throws {
        var hot = 0, fast = 0
        for line in try Self.fixtureLines() {
            let text = String(decoding: line, as: UTF8.self)
            guard ["\"detection\"", "\"scan\"", "\"truth\""].contains(where: text.contains) else { continue }
            hot += 1
            if agree(line).answered { fast += 1 }
        }
        #expect(hot > 100)
        #expect(fast == hot)
    }

    @Test("Seeded mutations: where the fast path answers, it agrees", arguments: [UInt64(11), 12, 13])
    func mutations(seed: UInt64) throws {
        var rng = SeededGenerator(state: seed)
        let lines = try Self.fixtureLines() + Self.handmade.map { Array($0.utf8) }
        let alphabet = Array(#"{}[]",:0123456789.-+eE truefalsnul\"#.utf8) + Self.nonASCII
        var answered = 0
        for _ in 0..<4000 {
            var b = lines[Int(rng.next() % UInt64(lines.count))]
            for _ in 0..<(1 + rng.next() % 3) where !b.isEmpty {
                let k = Int(rng.next() % UInt64(b.count))
                switch rng.next() % 3 {
                case 0: b[k] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: b.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: k)
                default: b.remove(at: k)
                }
            }
            let outcome = agree(b)
            if outcome.answered { answered += 1 }
            #expect(outcome.agreed, "\(String(decoding: b, as: UTF8.self))")
        }
        #expect(answered > 100)   // the mutations still exercise the fast path, not only the fallback
    }
}
