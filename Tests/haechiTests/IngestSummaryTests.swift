// The summary file: stable keys, exact counters, nulls where nothing was seen.
import Testing
import TestSupport
import TransportSettings
import TestbedRuntime
@testable import haechi
import TelemetryIngest
import TelemetryModel
import Foundation
import TestbedConfiguration

@Suite("Ingest summary")
struct IngestSummaryTests {
    @Test("The summary JSON carries every key, per source and in total")
    func json() throws {
        let config = try IngestConfiguration.parse(ConfigFixtures.validIngest, file: "range.yaml")
        let processor = FrameProcessor(endpointNames: config.endpoints.map(\.name), maximumFrameBytes: 1024, siteGeoidSeparation: 23)
        let t = Timestamp(nanosecondsSinceEpoch: 1_000)
        processor.process(parts: [Array("json/r".utf8), Array(#"{"type":"scan","t_ns":7,"sensor_id":0,"scan_id":0,"seq":1}"#.utf8)], endpoint: 0, receivedAt: t)
        processor.process(parts: [Array("bogus".utf8), [1]], endpoint: 1, receivedAt: t)
        let summary = IngestSummary(configuration: config, statistics: processor.statistics, started: t, ended: t,
                                    stopReason: .idle, libzmqVersion: "4.3.4")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(summary.jsonText().utf8)) as? [String: Any])
        #expect(object["format"] as? String == "haechi-ingest-summary/1")
        #expect(object["stop_reason"] as? String == "idle")
        let sources = try #require(object["sources"] as? [String: [String: Any]])
        #expect(Set(sources.keys) == ["json/r", "!bad-topic@drones"])
        let r = try #require(sources["json/r"])
        #expect(Set(r.keys) == ["frames_received", "bytes_received", "frames_malformed", "frames_shed", "records", "malformed", "sequence",
                                "mavlink_loss", "truth_fixes", "first_t_ns", "last_t_ns", "first_receive_ns", "last_receive_ns"])
        #expect((r["mavlink_loss"] as? [String: Int]) == ["estimated": 0, "minimum": 0, "maximum": 0, "unbounded_gaps": 0, "unchecked_frames": 0])
        #expect(r["first_t_ns"] as? Int == 7)
        #expect((r["records"] as? [String: Int]) == ["scan": 1])
        #expect((r["sequence"] as? [String: Int]) == ["checked": 1, "gaps": 0, "missing": 0, "out_of_order": 0, "restarts": 0])
        #expect(sources["!bad-topic@drones"]?["first_t_ns"] is NSNull)
        let totals = try #require(object["totals"] as? [String: Any])
        #expect(totals["frames_received"] as? Int == 2)
        #expect((totals["malformed"] as? [String: Int]) == ["bad_topic": 1])
        let endpoints = try #require(object["endpoints"] as? [[String: Any]])
        #expect(endpoints.map { $0["frames_received"] as? Int } == [1, 1])
        #expect(summary.textReport.contains("!bad-topic@drones"))
        let truth = try #require(object["truth"] as? [String: Any])
        #expect(truth["max_speed_mps"] as? Double == 150 && (truth["drones"] as? [String: Any])?.isEmpty == true)
        #expect((truth["flagged_drones"] as? [String]) == [])
    }

    @Test("A drone whose truth had a second sender is flagged in the JSON and the text, with what was kept out")
    func truthFindings() throws {
        let config = try IngestConfiguration.parse(ConfigFixtures.validIngest, file: "range.yaml")
        let processor = FrameProcessor(endpointNames: config.endpoints.map(\.name), maximumFrameBytes: 1024, siteGeoidSeparation: 23)
        let first = FrameSender(connection: 1, endpointIndex: 0, endpointName: "sensors", mechanism: .null, address: "10.0.0.5")
        let second = FrameSender(connection: 2, endpointIndex: 0, endpointName: "sensors", mechanism: .null, address: "10.0.0.66")
        for (i, sender) in [first, second, first].enumerated() {
            let record = #"{"type":"truth","t_ns":\#(1_800_000_000_000_000_000 + i * 100_000_000),"drone_id":"d1","lat":35.85,"lon":126.55,"alt":60}"#
            FrameProcessor.lend([Array("json/truth".utf8), Array(record.utf8)]) {
                _ = processor.process(parts: $0, endpoint: 0, receivedAt: Timestamp(nanosecondsSinceEpoch: Int64(i)), sequence: UInt64(i), sender: sender)
            }
        }
        let t = Timestamp(nanosecondsSinceEpoch: 1_000)
        let summary = IngestSummary(configuration: config, statistics: processor.statistics, started: t, ended: t,
                                    stopReason: .idle, libzmqVersion: "4.3.4")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(summary.jsonText().utf8)) as? [String: Any])
        let truth = try #require(object["truth"] as? [String: Any])
        #expect((truth["flagged_drones"] as? [String]) == ["d1"])
        let d1 = try #require((truth["drones"] as? [String: [String: Any]])?["d1"])
        #expect(d1["fixes_accepted"] as? Int == 2 && d1["other_sender_fixes"] as? Int == 1 && d1["flagged"] as? Bool == true)
        #expect(d1["bound_sender"] as? String == "connection 1 from 10.0.0.5 on 'sensors', topic json/truth")
        #expect(summary.textReport.contains("truth: 1 drone(s), 1 FLAGGED (d1)"))
        #expect(summary.textReport.contains("d1: bound to connection 1 from 10.0.0.5 on 'sensors', topic json/truth; 1 fix(es) from 1 other sender(s) excluded (connection 2 from 10.0.0.66"))
    }
}
