// The counters of a whole ingest run.

/// The counters of a whole ingest run.
public struct IngestStatistics: Hashable, Sendable {
    /// Per source, keyed by topic (or a `!bad-topic@<endpoint>` pseudo-source).
    public var sources: [String: SourceStatistics] = [:]
    /// Messages received per endpoint, in configuration order.
    public var endpointFrames: [UInt64]
    /// What libzmq reported of each endpoint's connections, in configuration order; empty where no
    /// socket ran (a replay).
    public var endpointLinks: [EndpointLinkCounters] = []
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

/// What libzmq's socket monitor reported of one endpoint's connections. libzmq gives no reason for a
/// disconnect, so a peer refused for a message over `ZMQ_MAXMSGSIZE` shows only as a disconnect (and,
/// on a connect endpoint, as a reconnect that Haechi made because libzmq gave up).
public struct EndpointLinkCounters: Hashable, Sendable {
    /// Connections made: peers accepted (bind) or connections set up (connect).
    public var connections: UInt64 = 0
    /// Connections that ended, for any reason: the peer closed it, the network failed, or libzmq
    /// dropped it (a message part over `ZMQ_MAXMSGSIZE`, a ZMTP protocol error).
    public var disconnects: UInt64 = 0
    /// Connect endpoints only: disconnects that libzmq did not follow with a reconnect of its own
    /// (it gives up after a protocol error, such as a message part over `ZMQ_MAXMSGSIZE`), after
    /// which Haechi connected again.
    public var reconnects: UInt64 = 0

    /// Zero counters.
    public init() {}
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
