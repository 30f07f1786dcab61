// The summary of `haechi track`: inputs, the tracker's counters and how fast it ran.
public import Tracking
import TelemetryModel
import Foundation

/// What a tracking run read, did and wrote (`haechi-track-summary/1`).
public struct TrackSummary: Encodable, Sendable {
    struct BadLine: Encodable, Sendable {
        var line: Int
        var reason: String
        var message: String
    }

    struct Timing: Encodable, Sendable {
        var steps = 0
        var loopSeconds = 0.0
        var detectionsPerSecond = 0.0
        var scansPerSecond = 0.0
        var msPerScanP50 = 0.0
        var msPerScanP99 = 0.0
        var msPerScanMax = 0.0
        var scenarioSeconds = 0.0
        var realTimeFactor = 0.0

        enum CodingKeys: String, CodingKey {
            case steps, loopSeconds = "loop_seconds", detectionsPerSecond = "detections_per_second"
            case scansPerSecond = "scans_per_second", msPerScanP50 = "ms_per_scan_p50", msPerScanP99 = "ms_per_scan_p99"
            case msPerScanMax = "ms_per_scan_max", scenarioSeconds = "scenario_seconds", realTimeFactor = "real_time_factor"
        }
    }

    let format = "haechi-track-summary/1"
    let version = HaechiVersion.version
    let scenario: String
    let out: String
    let trackerConfig: String?
    let settings: TrackerSettings
    /// Non-blank lines read.
    var lines = 0
    /// Lines that did not decode, by reason.
    var badLines: [String: Int] = [:]
    /// The first of them.
    var badLineExamples: [BadLine] = []
    /// Scans released short of their announced detections.
    var incompleteScans = 0
    /// Sensors described without a usable position.
    var unplacedSensors: [String] = []
    /// Lines written to the track file.
    public internal(set) var trackLines = 0
    /// The tracker's counters.
    public internal(set) var tracker = TrackerStatistics()
    /// Speed of the tracker's steps.
    var timing = Timing()
    /// Peak resident memory of the process, MiB (Linux's VmHWM).
    var peakRSSMiB: Double?

    enum CodingKeys: String, CodingKey {
        case format, version, scenario, out, settings, lines, tracker, timing
        case trackerConfig = "tracker_config", badLines = "bad_lines", badLineExamples = "bad_line_examples"
        case incompleteScans = "incomplete_scans", unplacedSensors = "unplaced_sensors", trackLines = "track_lines"
        case peakRSSMiB = "peak_rss_mib"
    }

    init(scenario: String, out: String, trackerConfig: String?, settings: TrackerSettings) {
        self.scenario = scenario
        self.out = out
        self.trackerConfig = trackerConfig
        self.settings = settings
    }

    mutating func noteBadLine(_ line: Int, _ error: TelemetryDecodingError) {
        badLines[error.reason.rawValue, default: 0] += 1
        if badLineExamples.count < 10 { badLineExamples.append(BadLine(line: line, reason: error.reason.rawValue, message: error.message)) }
    }

    mutating func finish(session: TrackingSession, stepNanoseconds: [Int64]) {
        tracker = session.tracker.statistics
        incompleteScans = session.assembler.incompleteScans
        unplacedSensors = session.unplacedSensors.sorted()
        let sorted = stepNanoseconds.sorted()
        let total = Double(stepNanoseconds.reduce(0, +)) / 1e9
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, Int((p * Double(sorted.count - 1)).rounded(.up)))
            return Double(sorted[index]) / 1e6
        }
        timing.steps = sorted.count
        timing.loopSeconds = total
        timing.detectionsPerSecond = total > 0 ? Double(tracker.detectionsReceived) / total : 0
        timing.scansPerSecond = total > 0 ? Double(sorted.count) / total : 0
        timing.msPerScanP50 = percentile(0.5)
        timing.msPerScanP99 = percentile(0.99)
        timing.msPerScanMax = sorted.last.map { Double($0) / 1e6 } ?? 0
        timing.scenarioSeconds = session.scenarioSpan
        timing.realTimeFactor = total > 0 ? session.scenarioSpan / total : 0
        peakRSSMiB = Self.peakResidentMiB()
    }

    /// VmHWM from /proc/self/status, MiB; `nil` where there is no procfs.
    static func peakResidentMiB() -> Double? {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
            let digits = line.split(separator: " ").dropFirst().first.flatMap { Double($0) }
            return digits.map { $0 / 1024 }
        }
        return nil
    }

    /// The summary as pretty, key-sorted JSON text.
    public func jsonText() throws -> String { try summaryJSON(self) }

    /// A few lines for a person.
    public var textReport: String {
        var text = "haechi track: \(scenario) → \(out)\n"
        text += "\(tracker.scansProcessed) scans, \(tracker.detectionsUsed) of \(tracker.detectionsReceived) detections used; "
        text += "\(tracker.confirmed) tracks confirmed, \(trackLines) track lines\n"
        let rejected = tracker.detectionsRejected.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }
        if !rejected.isEmpty { text += "detections skipped: \(rejected.joined(separator: ", "))\n" }
        if !badLines.isEmpty {
            text += "lines skipped: " + badLines.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + "\n"
        }
        if !unplacedSensors.isEmpty { text += "sensors without a usable position: \(unplacedSensors.joined(separator: ", "))\n" }
        text += String(format: "tracker: %.0f detections/s, %.3f ms per scan p50, %.3f p99; %.0f× real time",
                       timing.detectionsPerSecond, timing.msPerScanP50, timing.msPerScanP99, timing.realTimeFactor)
        if let peakRSSMiB { text += String(format: "; peak RSS %.0f MiB", peakRSSMiB) }
        return text + "\n"
    }
}
