// The summary of `haechi simulate`: what was sent, per topic and record kind, and how fast.
import Simulation
import TelemetryModel
import Foundation

/// What a simulation run produced.
public struct SimulateSummary: Encodable, Sendable {
    struct Topic: Encodable {
        var messages: UInt64
        var records: [String: UInt64]
    }
    struct Detections: Encodable { var target: UInt64; var clutter: UInt64 }

    let format = "haechi-simulate-summary/1"
    let scenario: String
    let seed: UInt64
    let speed: String
    let durationSeconds: Double
    /// Wall-clock time of the run.
    public let wallSeconds: Double
    /// Messages published per wall-clock second.
    public let messagesPerSecond: Double
    /// Messages handed to ZeroMQ; equal to the totals unless the run was interrupted mid-step.
    let messagesSent: UInt64
    let topics: [String: Topic]
    let totals: Topic
    let detections: Detections
    /// Lines written with `--write`.
    public let writtenLines: UInt64
    let interrupted: Bool
    /// Endpoints on which no receiver showed itself (no subscription heard on a PUB endpoint): what
    /// was published there went to nobody.
    public let unheardEndpoints: [String]

    enum CodingKeys: String, CodingKey {
        case format, scenario, seed, speed, topics, totals, detections, interrupted
        case unheardEndpoints = "unheard_endpoints"
        case durationSeconds = "duration_s", wallSeconds = "wall_seconds", messagesPerSecond = "messages_per_second"
        case writtenLines = "written_lines", messagesSent = "messages_sent"
    }

    init(scenario: String, spec: ScenarioSpec, speed: SimulationSpeed, wallSeconds: Double, tally: SimulationTally,
         sent: UInt64, writtenLines: UInt64, interrupted: Bool, unheard: [String] = []) {
        func records(_ r: [RecordKind: UInt64]) -> [String: UInt64] {
            Dictionary(uniqueKeysWithValues: r.map { ($0.key.rawValue, $0.value) })
        }
        self.scenario = scenario
        seed = spec.seed
        self.speed = speed.description
        durationSeconds = spec.duration
        self.wallSeconds = wallSeconds
        messagesSent = sent
        messagesPerSecond = wallSeconds > 0 ? Double(sent) / wallSeconds : 0
        topics = tally.topics.mapValues { Topic(messages: $0.messages, records: records($0.records)) }
        totals = Topic(messages: tally.messages, records: records(tally.records))
        detections = Detections(target: tally.targetDetections, clutter: tally.clutterDetections)
        self.writtenLines = writtenLines
        self.interrupted = interrupted
        unheardEndpoints = unheard
    }

    /// The summary as pretty, key-sorted JSON text.
    public func jsonText() throws -> String { try summaryJSON(self) }

    /// A few lines for a person.
    public var textReport: String {
        var text = "haechi simulate: \(scenario) seed \(seed), \(durationSeconds) s of scenario in \(String(format: "%.2f", wallSeconds)) s"
        text += interrupted ? " (interrupted)\n" : "\n"
        if messagesSent > 0 || totals.messages > 0 {
            text += "published \(messagesSent) messages on \(topics.count) topics, \(Int(messagesPerSecond.rounded())) messages/s; "
            text += "detections: \(detections.target) of drones, \(detections.clutter) clutter\n"
        }
        if writtenLines > 0 { text += "wrote \(writtenLines) lines\n" }
        return text
    }

    /// Warnings for a person: endpoints that published to nobody.
    public var warnings: [String] {
        unheardEndpoints.map { "nobody subscribed on \($0): what was published there went to no one (start the receiver first, "
            + "or give --wait-subscribers)" }
    }
}
