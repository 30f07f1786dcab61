// CURVE on ingest endpoints: the configuration, the key files and the warnings for exposed binds.
import Testing
import TelemetryIngest
import ZeroMQIngest
import TransportSettings
import ZeroMQ
import Foundation
@testable import TestbedRuntime
import TestbedConfiguration

@Suite("CURVE configuration and keys")
struct CurveConfigurationTests {
    static let clientKey = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"

    static func config(curve: String, address: String = "tcp://0.0.0.0:7002") -> String {
        """
        site:
          origin: {lat: 35.85, lon: 126.55, alt: 5.0}
          geoid_separation_m: 23.0
        endpoints:
          - name: drones
            address: \(address)
            socket: sub
            mode: bind
        \(curve)
        """
    }

    static let validCurve = """
            curve:
              server_key: keys/drones.key
              clients:
                - {name: gcs-7, public_key: "\(clientKey)", topics: [mavlink/drone-7, "json/gcs-*"], mavlink_systems: [7]}
        """

    @Test("An endpoint's curve names the server key (relative to the config) and each client's key and sources")
    func parses() throws {
        let config = try IngestConfiguration.parse(Self.config(curve: Self.validCurve), file: "/etc/haechi/range.yaml")
        let curve = try #require(config.endpoints[0].curve)
        #expect(curve.serverKeyFile == "/etc/haechi/keys/drones.key" && curve.serverSecretKey == nil)
        #expect(curve.clients == [CurveClient(name: "gcs-7", publicKey: Self.clientKey, topics: ["mavlink/drone-7", "json/gcs-*"],
                                              mavlinkSystems: [7])])
        #expect(config.exposureWarnings.isEmpty)   // a CURVE endpoint may bind any address
    }

    @Test("Mistakes in curve name the field", arguments: [
        ("server_key: keys/drones.key", "server_key: \"\"", "range.yaml:10:19: error: endpoints[0].curve.server_key: name the file holding the server's secret key (haechi keys generate --curve)"),
        (clientKey, "not-a-key", "range.yaml:12:37: error: endpoints[0].curve.clients[0].public_key: not a CURVE public key: expected 40 characters of Z85 (the .pub file of haechi keys generate --curve)"),
        ("mavlink_systems: [7]", "mavlink_systems: [300]", "range.yaml:12:140: error: endpoints[0].curve.clients[0].mavlink_systems[0]: 300 is not a MAVLink system id (0 to 255)"),
        ("[mavlink/drone-7, \"json/gcs-*\"]", "[]", "range.yaml:12:89: error: endpoints[0].curve.clients[0].topics: list the topics this key may send; an empty list admits nothing"),
        ("mavlink/drone-7,", "drone 7,", "range.yaml:12:90: error: endpoints[0].curve.clients[0].topics[0]: 'drone 7' is neither a topic (json/radar-1) nor a prefix ending in * (mavlink/drone-*)"),
        ("topics:", "topic:", "range.yaml:12:81: error: endpoints[0].curve.clients[0].topic: unknown field; expected one of mavlink_systems, name, public_key, topics"),
    ])
    func mistakes(original: String, replacement: String, expected: String) {
        let text = Self.config(curve: Self.validCurve.replacingOccurrences(of: original, with: replacement))
        #expect(text != Self.config(curve: Self.validCurve))
        #expect {
            _ = try IngestConfiguration.parse(text, file: "range.yaml")
        } throws: { error in
            if "\(error)" != expected { Issue.record("got: \(error)") }
            return "\(error)" == expected
        }
    }

    @Test("CURVE on a transport without a handshake is refused")
    func inprocRefused() {
        #expect(throws: RuntimeError.self) {
            _ = try IngestConfiguration.parse(Self.config(curve: Self.validCurve, address: "inproc://drones"), file: "range.yaml")
        }
    }

    @Test("Binding a non-loopback address without CURVE is warned about; loopback, ipc and connects are not", arguments: [
        ("tcp://*:7002", true), ("tcp://0.0.0.0:7002", true), ("tcp://10.1.2.3:7002", true), ("tcp://eth0:7002", true),
        ("ws://0.0.0.0:7002", true), ("tcp://127.0.0.1:7002", false), ("tcp://127.0.0.2:7002", false),
        ("tcp://localhost:7002", false), ("tcp://[::1]:7002", false), ("ipc:///run/haechi.sock", false), ("inproc://x", false),
    ])
    func exposure(address: String, warned: Bool) throws {
        let config = try IngestConfiguration.parse(Self.config(curve: "", address: address), file: "range.yaml")
        #expect(config.exposureWarnings.count == (warned ? 1 : 0))
        if warned { #expect(config.exposureWarnings[0].contains("'drones' binds \(address), which is not loopback, without CURVE")) }
        let connecting = try IngestConfiguration.parse(Self.config(curve: "", address: address).replacingOccurrences(of: "mode: bind", with: "mode: connect"),
                                                       file: "range.yaml")
        #expect(connecting.exposureWarnings.isEmpty)
    }

    static func folder() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("haechi-curve-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test("keys generate --curve writes a secret key of mode 0600 and its public key, never overwriting, never in Replays/")
    func generate() throws {
        let folder = Self.folder()
        let secret = folder + "/keys/drones.key"
        let made = try CurveKeys.generate(secretPath: secret)
        #expect(made.publicPath == folder + "/keys/drones.pub")
        let attributes = try FileManager.default.attributesOfItem(atPath: secret)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let secretText = try String(contentsOfFile: secret, encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(try ZMQCurveKeyPair(secretKey: secretText).publicKey == made.publicKey)
        #expect(try String(contentsOfFile: made.publicPath, encoding: .utf8) == made.publicKey + "\n")
        #expect(try CurveKeys.readSecretKey(secret, recordDirectory: folder + "/Replays") == secretText)
        #expect(throws: RuntimeError.self) { try CurveKeys.generate(secretPath: secret) }                       // never overwritten
        #expect(throws: RuntimeError.self) { try CurveKeys.generate(secretPath: folder + "/Replays/drones.key") }   // never in Replays/
        #expect(!FileManager.default.fileExists(atPath: folder + "/Replays/drones.key"))
        // Read back only when closed to others, and never from the run's record folder.
        chmod(secret, 0o644)
        #expect { try CurveKeys.readSecretKey(secret, recordDirectory: nil) } throws: { "\($0)".contains("open to others (mode 644)") }
        chmod(secret, 0o600)
        #expect { try CurveKeys.readSecretKey(secret, recordDirectory: folder + "/keys") } throws: { "\($0)".contains("recording folder") }
        #expect(FileManager.default.createFile(atPath: folder + "/bad.key", contents: Data("not a key\n".utf8), attributes: [.posixPermissions: 0o600]))
        #expect { try CurveKeys.readSecretKey(folder + "/bad.key", recordDirectory: nil) } throws: { "\($0)".contains("not a CURVE secret key") }
    }

    @Test("A live run's settings carry the server key read at start; a missing key stops the run before anything opens")
    func loadsServerKeys() throws {
        let folder = Self.folder()
        let made = try CurveKeys.generate(secretPath: folder + "/keys/drones.key")
        _ = made
        let config = try IngestConfiguration.parse(Self.config(curve: Self.validCurve), file: folder + "/range.yaml")
        let settings = try CurveKeys.loadServerKeys(config.ingestSettings, recordDirectory: folder + "/Replays")
        let key = try #require(settings.endpoints[0].curve?.serverSecretKey)
        #expect(ZMQCurveKeyPair.isKey(key))
        let elsewhere = try IngestConfiguration.parse(Self.config(curve: Self.validCurve), file: "/nonexistent/range.yaml")
        #expect { _ = try CurveKeys.loadServerKeys(elsewhere.ingestSettings, recordDirectory: nil) } throws: {
            "\($0)".contains("cannot read the CURVE server key") && "\($0)".contains("haechi keys generate --curve --out /nonexistent/keys/drones.key")
        }
    }
}
