// The web view's picture: what a snapshot says about sources, tracks and truth, and that it stays bounded.
import Foundation
import Testing
@testable import LiveView
import TelemetryIngest
import TelemetryModel
@testable import Tracking
import TrackingMath

@Suite("The live picture")
struct LiveSituationTests {
    static let origin = GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 5)
    static let t0: Int64 = 1_748_736_000_000_000_000

    static func situation(expected: [ExpectedSensor] = []) -> LiveSituation {
        LiveSituation(mode: .live, siteName: "test", origin: origin,
                      sensors: [SensorDescription(sensorID: "radar-0", kind: "radar", position: origin)], expected: expected, tiles: false,
                      snapshotReuse: .zero)
    }

    static func snapshot(_ situation: LiveSituation) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: situation.snapshotJSON()) as? [String: Any])
    }

    static func time(_ seconds: Double) -> Timestamp { Timestamp(nanosecondsSinceEpoch: t0 + Int64(seconds * 1e9)) }

    static func source(frames: UInt64, first: Double, last: Double) -> SourceStatistics {
        var s = SourceStatistics()
        s.framesReceived = frames
        s.firstReceiveTime = time(first)
        s.lastReceiveTime = time(last)
        return s
    }

    static func track(_ id: Int, east: Double, at seconds: Double, velocity: (Double, Double) = (10, 0)) -> TrackOutput {
        let state = GaussianState(mean: StateVector([east, 100, 50, velocity.0, velocity.1, 0]),
                                  covariance: StateCovariance(diagonal: [16, 16, 9, 1, 1, 1]))
        return TrackOutput(trackID: id, time: time(seconds), state: state, updated: true, sensorID: "radar-0", detectionID: nil, modeCount: 1,
                           modeProbabilities: [1, 0, 0])
    }

    static func truth(_ drone: String, at seconds: Double) -> TelemetryRecord {
        .truth(TruthFix(time: time(seconds), droneID: drone, position: GeodeticPosition(latitude: 35.86, longitude: 126.56, ellipsoidalHeight: 100),
                        velocityENU: ENUVector(3, 4, 0), clock: .message, heightReference: .ellipsoid))
    }

    @Test("rates over the interval, a stream gone quiet is stale, a configured sensor never heard is silent")
    func health() throws {
        let situation = Self.situation(expected: [ExpectedSensor(id: "radar-0", sources: ["json/radar-0"]),
                                                  ExpectedSensor(id: "eo-1", sources: ["json/eo-1", "sapient/eo-1"])])
        var statistics = IngestStatistics(endpointCount: 1)
        statistics.sources["json/radar-0"] = Self.source(frames: 10, first: 0, last: 1)
        statistics.sources["json/rf-1"] = Self.source(frames: 5, first: 0, last: 0.5)
        situation.update(health: .init(statistics: statistics, now: Self.time(1), elapsedSeconds: 1))
        statistics.sources["json/radar-0"] = Self.source(frames: 30, first: 0, last: 3)
        situation.update(health: .init(statistics: statistics, now: Self.time(3), elapsedSeconds: 3, recordingPath: "/r.mcap",
                                       recordingBytes: 1234, freeBytes: 99))
        var snapshot = try Self.snapshot(situation)
        var sources = try #require(snapshot["sources"] as? [[String: Any]])
        #expect(sources.map { $0["source"] as? String } == ["json/radar-0", "json/rf-1"])
        #expect(sources[0]["rate_hz"] as? Double == 10)
        #expect(sources[1]["stale"] as? Bool == false, "2.5 s is not stale yet")
        #expect(snapshot["alarms"] as? [String] == ["SILENT eo-1"])
        #expect((snapshot["recording"] as? [String: Any])?["bytes"] as? Int == 1234)
        // Six seconds after its last frame (0.125 s apart), rf-1 is stale; radar-0, 3 s, is not.
        situation.update(health: .init(statistics: statistics, now: Self.time(6.5), elapsedSeconds: 6.5))
        snapshot = try Self.snapshot(situation)
        sources = try #require(snapshot["sources"] as? [[String: Any]])
        #expect(sources[1]["stale"] as? Bool == true && sources[0]["stale"] as? Bool == false)
        #expect(snapshot["alarms"] as? [String] == ["STALE json/rf-1 6 s", "SILENT eo-1"])
    }

    @Test("the tracks are the last step's: a track the tracker dropped is gone, a kept one keeps its history")
    func tracks() throws {
        let situation = Self.situation()
        situation.record(step: TrackerStep(time: Self.time(0), sensorID: "radar-0", tracks: [Self.track(1, east: 0, at: 0), Self.track(2, east: 500, at: 0)]))
        situation.record(step: TrackerStep(time: Self.time(1), sensorID: "radar-0", tracks: [Self.track(2, east: 510, at: 1)]))
        let snapshot = try Self.snapshot(situation)
        let tracks = try #require(snapshot["tracks"] as? [[String: Any]])
        #expect(tracks.count == 1 && tracks[0]["id"] as? String == "2")
        #expect((tracks[0]["history"] as? [[Double]])?.count == 3, "two points of history and the position now")
        #expect(tracks[0]["speed"] as? Double == 10 && tracks[0]["heading"] as? Double == 90)
        #expect(abs((tracks[0]["sigma_h_m"] as? Double ?? 0) - 4) < 1e-12)
    }

    @Test("memory stays bounded: history is capped, silent drones expire, drones past the cap are counted")
    func bounds() throws {
        let situation = Self.situation()
        for second in 0..<2_000 {
            situation.record(step: TrackerStep(time: Self.time(Double(second)), sensorID: "radar-0", tracks: [Self.track(7, east: Double(second), at: Double(second))]))
        }
        var snapshot = try Self.snapshot(situation)
        let history = try #require((snapshot["tracks"] as? [[String: Any]])?.first?["history"] as? [[Double]])
        #expect(history.count == LiveSituation.historyPoints + 1)
        let source = try #require(SourceTopic(formatName: "json", sourceID: "truth"))
        situation.receive(Self.truth("old", at: 0), from: source, frame: 0)
        for index in 0..<(LiveSituation.maximumDrones + 10) {
            situation.receive(Self.truth("drone-\(index)", at: 40), from: source, frame: 1)
        }
        snapshot = try Self.snapshot(situation)
        let truth = try #require(snapshot["truth"] as? [[String: Any]])
        #expect(!truth.contains { $0["id"] as? String == "old" }, "unheard for 40 s of data time")
        #expect(truth.count == LiveSituation.maximumDrones)
        #expect(snapshot["dropped_drones"] as? Int == 10, "the old one expired at the first fix 40 s later; 10 of 522 gave way")
        // At the cap, the drone heard from longest ago gives way to a new one, whatever times the fixes carry.
        let ids = Set(truth.compactMap { $0["id"] as? String })
        #expect(ids.contains("drone-521") && !ids.contains("drone-0") && ids.contains("drone-10"))
    }

    @Test("what a hostile peer sends is shown bounded: long names cut, impossible velocities and ranges left out")
    func hostileValues() throws {
        let situation = Self.situation()
        let source = try #require(SourceTopic(formatName: "json", sourceID: "truth"))
        let long = String(repeating: "x", count: 100_000)
        var fix = TruthFix(time: Self.time(0), droneID: long, position: GeodeticPosition(latitude: 35.86, longitude: 126.56, ellipsoidalHeight: 100),
                           velocityENU: ENUVector(1e200, 0, 0), clock: .message, heightReference: .ellipsoid)
        fix.horizontalAccuracy = .infinity
        situation.receive(.truth(fix), from: source, frame: 0)
        var far = SensorDescription(sensorID: "radar-9", kind: long, position: Self.origin)
        far.maximumRange = 1.7e308
        situation.receive(.sensor(far), from: source, frame: 1)
        let json = situation.snapshotJSON()
        #expect(json.count < 4_000, "\(json.count) bytes")
        let snapshot = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        let drone = try #require((snapshot["truth"] as? [[String: Any]])?.first)
        #expect((drone["id"] as? String)?.count == LiveSituation.maximumNameLength)
        #expect(drone["speed"] == nil && drone["vel_e"] == nil && drone["heading"] == nil && drone["sigma_h_m"] == nil)
        // Times at both ends of Int64, as a sender may stamp them: no arithmetic traps.
        for nanoseconds in [Int64.min, .min + 1, .max, 0, .max] {
            let extreme = TruthFix(time: Timestamp(nanosecondsSinceEpoch: nanoseconds), droneID: "edge",
                                   position: GeodeticPosition(latitude: 35.86, longitude: 126.56, ellipsoidalHeight: 100),
                                   clock: .message, heightReference: .ellipsoid)
            situation.receive(.truth(extreme), from: source, frame: 2)
        }
        #expect(!situation.snapshotJSON().isEmpty)
        let sensor = try #require((snapshot["sensors"] as? [[String: Any]])?.first { $0["id"] as? String == "radar-9" })
        #expect(sensor["max_range_m"] == nil && (sensor["kind"] as? String)?.count == LiveSituation.maximumNameLength)
    }

    @Test("a sensor's self-description adds its range but never moves its surveyed site")
    func sensors() throws {
        let situation = Self.situation()
        var described = SensorDescription(sensorID: "radar-0", kind: "radar", position: GeodeticPosition(latitude: 1, longitude: 2, ellipsoidalHeight: 3))
        described.maximumRange = 8000
        situation.receive(.sensor(described), from: try #require(SourceTopic(formatName: "json", sourceID: "radar-0")), frame: 0)
        let sensors = try #require(try Self.snapshot(situation)["sensors"] as? [[String: Any]])
        #expect(sensors.count == 1)
        #expect(sensors[0]["lat"] as? Double == 35.85 && sensors[0]["max_range_m"] as? Double == 8000)
    }

    @Test("a snapshot is built once for every reader within its reuse interval, and again after it")
    func reuse() throws {
        let situation = LiveSituation(mode: .live, siteName: "test", origin: Self.origin, sensors: [], expected: [], tiles: false,
                                      snapshotReuse: .seconds(3600))
        let first = situation.snapshotJSON()
        situation.record(step: TrackerStep(time: Self.time(0), sensorID: "radar-0", tracks: [Self.track(1, east: 0, at: 0)]))
        #expect(situation.snapshotJSON() == first, "within the interval the built snapshot is shared")
        let fresh = LiveSituation(mode: .live, siteName: "test", origin: Self.origin, sensors: [], expected: [], tiles: false, snapshotReuse: .zero)
        let empty = fresh.snapshotJSON()
        fresh.record(step: TrackerStep(time: Self.time(0), sensorID: "radar-0", tracks: [Self.track(1, east: 0, at: 0)]))
        #expect(fresh.snapshotJSON() != empty)
    }

    @Test("only tile paths of three integers are read")
    func tilePaths() {
        let folder = TileFolder(root: "/nonexistent")
        for path in ["/tiles/../../etc/passwd", "/tiles/1/2/../3.png", "/tiles/a/b/c.png", "/tiles/1/2/3.png.exe", "/tiles/99/1/1.png"] {
            #expect(folder.tile(path) == nil)
        }
    }

    @Test("a loopback view admits its own names only", arguments: [
        ("127.0.0.1:8620", true), ("localhost:8620", true), ("[::1]:8620", true), ("attacker.example:8620", false), (nil, false),
        ("127.0.0.1.attacker.example:8620", false), ("127.1:8620", false),
    ] as [(String?, Bool)])
    func hostCheck(host: String?, admitted: Bool) {
        var settings = LiveViewSettings()
        settings.address = "127.0.0.1"
        #expect(HostCheck(settings: settings).admits(host) == admitted)
    }

    @Test("a WebSocket or request from another site's page is refused; the view's own page, and clients without an Origin, are not",
          arguments: [
              ("http://127.0.0.1:8620", "127.0.0.1:8620", true), (nil, "127.0.0.1:8620", true), ("http://localhost:8620", "localhost:8620", true),
              ("https://attacker.example", "127.0.0.1:8620", false), ("null", "127.0.0.1:8620", false),
              ("http://127.0.0.1:8621", "127.0.0.1:8620", false), ("http://127.0.0.1:8620", nil, false),
          ] as [(String?, String?, Bool)])
    func origin(origin: String?, host: String?, admitted: Bool) {
        #expect(HostCheck.sameOrigin(origin, host: host) == admitted)
    }
}
