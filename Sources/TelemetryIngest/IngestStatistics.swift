// The counters of a whole ingest run.

/// The counters of a whole ingest run.
public struct IngestStatistics: Hashable, Sendable {
    /// Per source, keyed by topic (or a `!bad-topic@<endpoint>` pseudo-source).
    public var sources: [String: SourceStatistics] = [:]
    /// Messages received per endpoint, in configuration order.
    public var endpointFrames: [UInt64]
    /// The next global receive sequence number; also how many messages have been received.
    public var receiveSequence: UInt64 = 0
    /// The ring-buffer core's own counters.
    public var pipeline = PipelineCounters()
    /// What the truth checks found, per drone.
    public var truth = TruthIntegrityStatistics()
    /// Per endpoint, in configuration order: connections admitted and refused (a live run's ZAP
    /// handler; zero in a replay) and frames refused for their source (the decode stage).
    public var endpointSecurity: [EndpointSecurityCounters]

    /// Zero counters for `endpointCount` endpoints.
    public init(endpointCount: Int) {
        endpointFrames = Array(repeating: 0, count: endpointCount)
        endpointSecurity = Array(repeating: EndpointSecurityCounters(mechanism: .null), count: endpointCount)
    }

    /// Every source added together.
    public var totals: SourceStatistics {
        var total = SourceStatistics()
        for source in sources.values { total.add(source) }
        return total
    }
}

/// What the ring-buffer core did: how often ingest had to wait, and with what sizes and policy.
public struct PipelineCounters: Hashable, Sendable {
    /// Times the receive thread found the ring or the arena full and stopped reading until the
    /// slowest stage caught up (backpressure: nothing is lost, ZeroMQ's queues hold the rest).
    public var producerWaits: UInt64 = 0
    /// Ring slots.
    public var ringSlots: Int = 0
    /// Arena bytes.
    public var arenaBytes: Int = 0
    /// The tracking-overload policy in force.
    public var trackingOverload: TrackingOverloadPolicy = .block

    /// Zero counters.
    public init() {}
}
