// Config files: the shipped sample loads, and every mistake names its file, line and field.
import Testing
import Tracking
import TestbedConfiguration
import TelemetryModel
import TelemetryIngest
import TransportSettings
import Asterix
import Foundation
import TestSupport
import LiveView

@Suite("Ingest configuration")
struct IngestConfigurationTests {
    @Test("The shipped sample config loads")
    func sample() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Config/ingest.yaml").standardized.path
        let config = try IngestConfiguration.load(path: path)
        #expect(config.endpoints.map(\.name) == ["sensors", "drones"])
        #expect(config.endpoints[1].topics == ["mavlink/"])
        #expect(config.endpoints[0].receiveHighWaterMark == 100_000)
        #expect(config.site.geoidSeparation == 23)
        #expect(config.sensors.map(\.sensorID) == ["radar-0", "radar-1", "radar-asterix"])
        #expect(config.asterixSensors[AsterixSource(sac: 7, sic: 1)]?.sensorID == "radar-asterix")
        #expect(config.maximumFrameBytes == 1_048_576)
        #expect(config.text.contains("geoid_separation_m"))
    }

    @Test("web: is off unless present; present, it is on, on loopback, its folders the config file's; an exposed address warns")
    func web() throws {
        #expect(try IngestConfiguration.parse(ConfigFixtures.validIngest, file: "/range/haechi.yaml").web.enabled == false)
        let config = try IngestConfiguration.parse(ConfigFixtures.validIngest + "\nweb:\n  tiles: tiles\n  max_clients: 3\n", file: "/range/haechi.yaml")
        #expect(config.web.enabled && config.web.address == "127.0.0.1" && config.web.port == 8620)
        #expect(config.web.tiles == "/range/tiles" && config.web.maximumClients == 3)
        #expect(config.web.leaflet == "/usr/share/javascript/leaflet")
        #expect(!config.exposureWarnings.contains { $0.contains("web view") })
        let exposed = try IngestConfiguration.parse(ConfigFixtures.validIngest + "\nweb: {address: 0.0.0.0, port: 0}\n", file: "r.yaml")
        #expect(exposed.exposureWarnings.contains { $0.hasPrefix("the web view listens on 0.0.0.0:0, which is not loopback") })
        #expect(try IngestConfiguration.parse(ConfigFixtures.validIngest + "\nweb: {enabled: false}\n", file: "r.yaml").web.enabled == false)
    }

    @Test("A valid config parses into ingest settings")
    func valid() throws {
        let config = try IngestConfiguration.parse(ConfigFixtures.validIngest, file: "range.yaml")
        let settings = config.ingestSettings
        #expect(settings.endpoints == [
            IngestEndpoint(name: "sensors", address: "tcp://127.0.0.1:7001", socket: .pull, mode: .bind),
            IngestEndpoint(name: "drones", address: "tcp://127.0.0.1:7002", socket: .sub, mode: .connect, topics: ["mavlink/"]),
        ])
        #expect(settings.maximumFrameBytes == 65536)
        #expect(settings.siteGeoidSeparation == 23)
    }

    /// Each case: a replacement applied to the valid config, and the exact diagnostic expected.
    @Test("Without a tracker file, the built-in settings are kept as JSON, and a replay takes the recorded ones over today's defaults")
    func builtInTrackerSettingsAreRecorded() throws {
        let live = try IngestConfiguration.parse(ConfigFixtures.validIngest, file: "range.yaml")
        #expect(live.tracking.trackerFile == nil)
        let recorded = try #require(live.tracking.trackerText)
        #expect(recorded.contains("\"turn_rate_deg_s\""))
        // A recording made by an earlier version whose defaults differed: its settings win.
        var earlier = live.tracking.settings
        earlier.motion.turnRateDegreesPerSecond = 6
        earlier.motion.modeStayProbability = 0.9
        let replayed = try IngestConfiguration.parse(ConfigFixtures.validIngest, file: "range.yaml",
                                                     recordedTrackerText: TrackerConfiguration.json(earlier))
        #expect(replayed.tracking.settings == earlier)
        #expect(try IngestConfiguration.parse(ConfigFixtures.validIngest, file: "range.yaml", recordedTrackerText: recorded).tracking.settings
                == live.tracking.settings)
    }

    @Test("Mistakes name the file, line, column and field", arguments: [
        ("socket: pull", "socket: dealer",
         "range.yaml:8:13: error: endpoints[0].socket: unknown socket type 'dealer'; expected sub, pull, asterix or sapient"),
        ("mode: bind", "mode: listen",
         "range.yaml:9:11: error: endpoints[0].mode: unknown mode 'listen'; expected bind or connect"),
        ("lat: 35.85", "lat: 95",
         "range.yaml:3:17: error: site.origin.lat: 95 is outside [-90, 90]"),
        ("lon: 126.55", "lon: east",
         "range.yaml:3:29: error: site.origin.lon: expected a number, found 'east'"),
        ("  geoid_separation_m: 23.0\n", "",
         "range.yaml:2:3: error: site.geoid_separation_m: required field is missing"),
        ("    address: tcp://127.0.0.1:7002", "    adress: tcp://127.0.0.1:7002",
         "range.yaml:11:5: error: endpoints[1].adress: unknown field; expected one of address, curve, interface, max_connections, max_message_bytes, mode, name, receive_buffer_bytes, receive_hwm, reconnect_interval_ms, socket, stall_timeout_ms, topics"),
        ("address: tcp://127.0.0.1:7001", "address: 127.0.0.1:7001",
         "range.yaml:7:14: error: endpoints[0].address: '127.0.0.1:7001' is not a ZeroMQ endpoint such as tcp://127.0.0.1:7001 (transports: tcp, ipc, inproc, pgm, epgm, ws, wss)"),
        ("name: drones", "name: sensors",
         "range.yaml:10:11: error: endpoints[1].name: another endpoint is already named 'sensors'"),
        ("    mode: connect", "    mode: bind\n    receive_hwm: -5",
         "range.yaml:14:18: error: endpoints[1].receive_hwm: -5 is below the minimum of 0"),
        ("socket: sub", "socket: pull",
         "range.yaml:14:13: error: endpoints[1].topics: topics apply to sub endpoints only; a pull socket receives everything"),
        ("max_frame_bytes: 65536", "max_frame_bytes: 0",
         "range.yaml:16:20: error: limits.max_frame_bytes: 0 is below the minimum of 1"),
        ("max_frame_bytes: 65536", "max_frame_bytes: 1073741824",
         "range.yaml:16:20: error: limits.max_frame_bytes: 1073741824 is above the maximum of 536870912"),
        ("    mode: connect", "    mode: connect\n    max_message_bytes: 4294967296",
         "range.yaml:14:24: error: endpoints[1].max_message_bytes: 4294967296 is above the maximum of 2147483647"),
        ("limits:", "limit:",
         "range.yaml:15:1: error: limit: unknown field; expected one of archive, endpoints, limits, outputs, pipeline, sapient, sensors, site, tracking, truth, web"),
        ("limits:", "web: {address: range-host}\nlimits:",
         "range.yaml:15:16: error: web.address: give an IPv4 address: 127.0.0.1 for this machine only, 0.0.0.0 for every interface"),
        ("limits:", "web: {port: 70000}\nlimits:",
         "range.yaml:15:13: error: web.port: 70000 is above the maximum of 65535"),
        ("limits:", "web: {push_interval_s: 0}\nlimits:",
         "range.yaml:15:24: error: web.push_interval_s: 0 is outside [0.1, 10]"),
        ("limits:", "truth: {max_speed_mps: 0}\nlimits:",
         "range.yaml:15:24: error: truth.max_speed_mps: 0 is outside [1, 10000]"),
        ("limits:", "truth: {max_drones: 0}\nlimits:",
         "range.yaml:15:21: error: truth.max_drones: 0 is below the minimum of 1"),
        ("limits:", "truth: {max_speed: 100}\nlimits:",
         "range.yaml:15:9: error: truth.max_speed: unknown field; expected one of handover_s, identities, max_drones, max_speed_mps, position_slack_m"),
        ("  origin: {lat: 35.85, lon: 126.55, alt: 5.0}", "  origin: {lat: 35.85, lon: 126.55, alt: 5.0",
         "range.yaml:4:21: error: not valid YAML: did not find expected ',' or '}'"),
    ])
    func mistakes(original: String, replacement: String, expected: String) throws {
        #expect(ConfigFixtures.validIngest.contains(original))
        let text = ConfigFixtures.validIngest.replacingOccurrences(of: original, with: replacement)
        #expect {
            _ = try IngestConfiguration.parse(text, file: "range.yaml")
        } throws: { error in
            guard let error = error as? RuntimeError else { return false }
            if "\(error)" != expected { Issue.record("got: \(error)") }
            return error.code == .config && "\(error)" == expected
        }
    }

    @Test("The truth checks' limits default, and the config sets them")
    func truthLimits() throws {
        let defaults = try IngestConfiguration.parse(ConfigFixtures.validIngest, file: "range.yaml").ingestSettings.truthIntegrity
        #expect(defaults == TruthIntegritySettings(maximumSpeed: 150, positionSlack: 50, handoverSeconds: 2, maximumDrones: 1024))
        let text = ConfigFixtures.validIngest + "\ntruth: {max_speed_mps: 90, position_slack_m: 20, handover_s: 0, max_drones: 16}\n"
        let set = try IngestConfiguration.parse(text, file: "range.yaml").ingestSettings.truthIntegrity
        #expect(set == TruthIntegritySettings(maximumSpeed: 90, positionSlack: 20, handoverSeconds: 0, maximumDrones: 16))
    }

    @Test("A missing or empty file is a config error naming the file")
    func missingFile() {
        #expect {
            _ = try IngestConfiguration.load(path: "/nonexistent/haechi.yaml")
        } throws: { error in
            "\(error)".hasPrefix("/nonexistent/haechi.yaml: error: cannot read the config file")
        }
        #expect(throws: RuntimeError.self) { _ = try IngestConfiguration.parse("", file: "empty.yaml") }
        #expect(throws: RuntimeError.self) { _ = try IngestConfiguration.parse("- a list", file: "list.yaml") }
    }
}
