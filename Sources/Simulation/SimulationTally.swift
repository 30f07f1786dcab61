// What a simulation produced, counted per topic and record kind: the simulator's own summary.
public import TelemetryModel

/// Counts of what a simulation produced.
public struct SimulationTally: Hashable, Sendable {
    /// Per topic: messages, and records by kind.
    public struct Topic: Hashable, Sendable {
        /// Messages sent on the topic.
        public var messages: UInt64 = 0
        /// Records sent on the topic, by kind.
        public var records: [RecordKind: UInt64] = [:]
    }

    /// Per topic.
    public var topics: [String: Topic] = [:]
    /// Detections of drones, and clutter.
    public var targetDetections: UInt64 = 0
    /// Clutter detections.
    public var clutterDetections: UInt64 = 0

    /// Zero counts.
    public init() {}

    mutating func count(_ topic: String, _ kind: RecordKind) {
        topics[topic, default: Topic()].messages += 1
        topics[topic, default: Topic()].records[kind, default: 0] += 1
    }

    /// One message on `topic` holding `records` (an ASTERIX datagram holds several kinds).
    mutating func messages(_ topic: String, records: [RecordKind: UInt64]) {
        topics[topic, default: Topic()].messages += 1
        for (kind, count) in records where count > 0 { topics[topic, default: Topic()].records[kind, default: 0] += count }
    }

    /// Messages over every topic.
    public var messages: UInt64 { topics.values.reduce(0) { $0 + $1.messages } }

    /// Records by kind over every topic.
    public var records: [RecordKind: UInt64] {
        topics.values.reduce(into: [:]) { total, topic in total.merge(topic.records, uniquingKeysWith: +) }
    }
}
