// What an endpoint admitted and refused: connections by the ZAP handler, frames by the decode stage.

/// One endpoint's security counters (the summary's `security` object).
public struct EndpointSecurityCounters: Hashable, Sendable {
    /// What the endpoint requires: `CURVE` when its configuration names a server key, else `NULL`.
    public var mechanism: FrameSender.Mechanism
    /// Connections the ZAP handler admitted (numbered).
    public var connectionsAdmitted: UInt64 = 0
    /// Handshakes refused because the peer spoke plaintext to a CURVE endpoint (each attempt: libzmq
    /// reconnects, so one peer counts again every `reconnect_interval`).
    public var refusedPlaintext: UInt64 = 0
    /// CURVE handshakes refused because the client's key is not listed for the endpoint.
    public var refusedUnlistedKeys: UInt64 = 0
    /// Other handshakes that failed (a malformed handshake, a connection closed mid-way).
    public var handshakeFailures: UInt64 = 0
    /// Frames refused because their sender's key may not speak for their topic or MAVLink system id
    /// (counted per source as `unauthorised_source` too).
    public var framesRefused: UInt64 = 0

    /// Zero counters for an endpoint that requires `mechanism`.
    public init(mechanism: FrameSender.Mechanism) { self.mechanism = mechanism }
}
