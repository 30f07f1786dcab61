// The counters of the CoT output: events sent and dropped per transport, TCP connections.

/// What the CoT output sent, for the summary and the end-of-run report.
public struct CotCounters: Sendable, Hashable {
    /// Events handed to the kernel, per transport.
    public var udpSent: UInt64 = 0
    public var tcpSent: UInt64 = 0
    /// Events not sent: the socket's buffer was full, or the TCP peer was not connected.
    public var udpDropped: UInt64 = 0
    public var tcpDropped: UInt64 = 0
    /// TCP connections made (the first, and each reconnection).
    public var tcpConnections: UInt64 = 0
}
