// The summary file: stable keys, exact counters, nulls where nothing was seen.
import Testing
import TestbedRuntime
import TelemetryIngest
import TelemetryModel
import Foundation

@Suite("Ingest summary")
struct IngestSummaryTests {
    @Test("The summary JSON carries every key, per source and in total")
    func json() throws {
        let config = try IngestConfiguration.parse(validConfig, file: "range.yaml")
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
                                "truth_fixes", "first_t_ns", "last_t_ns", "first_receive_ns", "last_receive_ns"])
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
    }
}
