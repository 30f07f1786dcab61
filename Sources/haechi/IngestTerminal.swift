// What `haechi ingest` shows on the terminal while it runs: the start banner and the status line.
import TestbedRuntime
import TelemetryIngest
import TelemetryModel
import TestbedConfiguration
import TransportSettings
import Foundation

/// The command line's ``IngestObserver``: the banner on standard error as the run starts (always,
/// unless `--quiet`), then the status line once a second (only on a terminal).
final class IngestTerminal: IngestObserver {
    private var status = StatusLine(enabled: true)
    private var expected: [ExpectedSensor] = []

    func started(_ start: IngestStart) {
        expected = start.configuration.expectedSensors
        FileHandle.standardError.write(Data(Self.banner(start).utf8))
    }

    func tick(_ health: RunHealth) {
        status.update(health.statistics, now: health.now, elapsed: health.elapsedSeconds,
                      extras: .init(tracksNow: health.tracksNow, tracksConfirmed: health.tracksConfirmed, recordingPath: health.recordingPath,
                                    recordingBytes: health.recordingBytes, freeBytes: health.freeBytes, expectedSensors: expected))
    }

    func stopped() { status.finish() }

    /// Where ingest listens, records, publishes tracks and serves its web view, the sensors it
    /// expects, and what stops it.
    static func banner(_ start: IngestStart) -> String {
        let configuration = start.configuration
        var text = "haechi ingest \(start.version): \(configuration.file)"
            + (configuration.site.name.isEmpty ? "" : ", site \(configuration.site.name)") + "\n"
        for endpoint in configuration.endpoints {
            text += "  listening: \(endpoint.name) \(endpoint.socket.rawValue) \(endpoint.mode.rawValue) \(endpoint.address)"
                + (endpoint.curve == nil ? "" : " (CURVE)") + "\n"
        }
        text += "  recording: " + (start.recordingPath ?? "off") + "\n"
        if let tracksEndpoint = start.tracksEndpoint { text += "  tracks:    published on \(tracksEndpoint) (json/tracks)\n" }
        if let webAddress = start.webAddress { text += "  web view:  \(webAddress)\n" }
        if !configuration.sensors.isEmpty {
            text += "  expecting: \(configuration.sensors.map(\.sensorID).joined(separator: ", "))\n"
        }
        var stops = ["Ctrl-C"]
        if let idle = start.idleTimeout { stops.append("\(idle.formatted()) s without a frame") }
        if let duration = start.duration { stops.append("after \(duration.formatted()) s") }
        text += "  stops on:  " + stops.joined(separator: ", ") + "\n"
        return text
    }
}

// Called by the ingest run loop's one thread only.
extension IngestTerminal: @unchecked Sendable {}
