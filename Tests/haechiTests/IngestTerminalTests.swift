// The start banner `haechi ingest` prints: every endpoint, the recording, tracks, the web view, what stops it.
import Testing
import TestbedRuntime
import TestbedConfiguration
import TestSupport
@testable import haechi

@Suite("Ingest start banner")
struct IngestTerminalTests {
    @Test("names the config, each endpoint, the recording, the tracks' endpoint, the web view and the stop conditions")
    func banner() throws {
        let configuration = try IngestConfiguration.parse(ConfigFixtures.validIngest, file: "range.yaml")
        let text = IngestTerminal.banner(IngestStart(configuration: configuration, version: "9.9", recordingPath: "Replays/run-1.mcap",
                                                     tracksEndpoint: "tcp://127.0.0.1:7003", webAddress: "http://127.0.0.1:8620/",
                                                     idleTimeout: 2, duration: nil))
        #expect(text == """
            haechi ingest 9.9: range.yaml, site Test range
              listening: sensors pull bind tcp://127.0.0.1:7001
              listening: drones sub connect tcp://127.0.0.1:7002
              recording: Replays/run-1.mcap
              tracks:    published on tcp://127.0.0.1:7003 (json/tracks)
              web view:  http://127.0.0.1:8620/
              stops on:  Ctrl-C, 2 s without a frame

            """)
        let quiet = IngestTerminal.banner(IngestStart(configuration: configuration, version: "9.9", recordingPath: nil, tracksEndpoint: nil,
                                                      webAddress: nil, idleTimeout: nil, duration: 60))
        #expect(quiet.contains("  recording: off\n") && !quiet.contains("web view") && quiet.hasSuffix("  stops on:  Ctrl-C, after 60 s\n"))
    }
}
