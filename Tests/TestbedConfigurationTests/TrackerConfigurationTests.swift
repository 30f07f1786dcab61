// The tracker config file: the shipped file equals the defaults, and errors name file, line and field.
import Testing
import Foundation
import TestbedConfiguration
import Tracking

@Suite("Tracker configuration")
struct TrackerConfigurationTests {
    static let configFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Config/tracker.yaml").standardized.path

    @Test("Config/tracker.yaml lists every setting at its built-in default")
    func shippedFileIsTheDefaults() throws {
        #expect(try TrackerConfiguration.load(path: Self.configFile) == TrackerSettings())
        // Every field is in the file: each key of the settings' encoding appears as a YAML key.
        let text = try String(contentsOfFile: Self.configFile, encoding: .utf8)
        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(TrackerSettings())) as! [String: [String: Any]]
        for (section, fields) in encoded {
            #expect(text.contains("\n\(section):"), "section \(section) missing")
            for key in fields.keys { #expect(text.contains("  \(key):"), "\(section).\(key) missing") }
        }
    }

    @Test("An empty section keeps the defaults; a value overrides one field")
    func overrides() throws {
        let s = try TrackerConfiguration.parse(yaml: "motion:\n  model: cv\nfilter: {kind: ukf}\n", file: "t.yaml")
        var expected = TrackerSettings()
        expected.motion.model = .cv
        expected.filter.kind = .ukf
        #expect(s == expected)
    }

    @Test("Bad values name the file, the line and the field", arguments: [
        ("motion:\n  modle: cv\n", 2, "motion.modle", "unknown field"),
        ("association:\n  gate: -1\n", 2, "association.gate", "positive"),
        ("initiation:\n  confirm_hits: 4\n  confirm_window: 3\n", 3, "initiation.confirm_window", "between confirm_hits"),
        ("filter:\n  kind: kalman\n", 2, "filter.kind", "unknown filter 'kalman'"),
        ("motion:\n  initial_mode_probabilities: [0.5, 0.5]\n", 2, "motion.initial_mode_probabilities", "three probabilities"),
        ("output:\n  report_coasted: maybe\n", 2, "output.report_coasted", "true or false"),
    ])
    func errors(yaml: String, line: Int, field: String, message: String) {
        do {
            _ = try TrackerConfiguration.parse(yaml: yaml, file: "bad.yaml")
            Issue.record("accepted \(yaml)")
        } catch {
            #expect(error.file == "bad.yaml")
            #expect(error.line == line)
            #expect(error.field == field)
            #expect(error.message.contains(message), "\(error.message)")
        }
    }
}

@Suite("Ingest config: tracking section")
struct IngestTrackingSectionTests {
    static let base = """
        site: {origin: {lat: 35.85, lon: 126.55, alt: 5}, geoid_separation_m: 23}
        endpoints:
          - {name: s, address: "tcp://127.0.0.1:7001", socket: pull, mode: bind}

        """

    @Test("Tracking is on by default with the built-in settings, and the section sets it up")
    func section() throws {
        let plain = try IngestConfiguration.parse(Self.base, file: "i.yaml")
        #expect(plain.tracking.enabled && plain.tracking.publish == nil && plain.tracking.settings == TrackerSettings())
        let configured = try IngestConfiguration.parse(Self.base + "tracking: {enabled: false, publish: \"tcp://127.0.0.1:7003\"}\n",
                                                       file: "i.yaml")
        #expect(!configured.tracking.enabled && configured.tracking.publish == "tcp://127.0.0.1:7003")
    }

    @Test("A bad publish endpoint, or one an ingest endpoint binds, names line and field")
    func badPublish() {
        for (yaml, message) in [("tracking:\n  publish: nowhere\n", "not a ZeroMQ endpoint"),
                                ("tracking:\n  publish: \"tcp://127.0.0.1:7001\"\n", "already binds")] {
            do {
                _ = try IngestConfiguration.parse(Self.base + yaml, file: "i.yaml")
                Issue.record("accepted \(yaml)")
            } catch {
                #expect(error.line == 5 && error.field == "tracking.publish" && error.message.contains(message), "\(error)")
            }
        }
    }
}
