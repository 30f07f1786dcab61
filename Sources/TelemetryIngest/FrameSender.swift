// Who sent a frame: one connection admitted on one endpoint, or one CURVE client key.

/// The peer a frame came from, as Haechi's ZAP handler admitted it (``ZAPHandler``).
///
/// libzmq tells a receiver nothing about a message's sender by itself. Haechi sets a ZAP domain on
/// every network endpoint, so libzmq asks the ZAP handler about each new connection; the handler
/// numbers it, and the number comes back on every message of that connection as its `User-Id`
/// metadata. One object per admitted connection, compared by identity (`===`) within a run.
public final class FrameSender: Sendable, CustomStringConvertible {
    /// The ZeroMQ security mechanism the connection used.
    public enum Mechanism: String, Sendable, Hashable {
        /// No authentication (ZMTP NULL): the peer is known only by its connection and address.
        case null = "NULL"
        /// CurveZMQ: the peer proved it holds the secret key of ``FrameSender/publicKey``.
        case curve = "CURVE"
    }

    /// The connection number the ZAP handler gave every connection it refused to number because
    /// ``FrameSenderRegistry/capacity`` connections had been numbered already.
    public static let unattributedConnection: UInt32 = 999_999_999

    /// The connection's number in the run: 1, 2, 3, … in the order the ZAP handler admitted them.
    public let connection: UInt32
    /// The index of the endpoint it connected to, in configuration order.
    public let endpointIndex: Int
    /// That endpoint's name.
    public let endpointName: String
    /// The security mechanism of the connection.
    public let mechanism: Mechanism
    /// The peer's address as libzmq gave it to the ZAP handler: its IP address for TCP (without the
    /// port), empty for IPC.
    public let address: String
    /// The client's CURVE public key (Z85, 40 characters), for a CURVE connection.
    public let publicKey: String?
    /// The name the configuration gives that key, when it gives one.
    public let clientName: String?
    /// The sources the sender may speak for (a CURVE client's, from the configuration); `nil`: any.
    public let allowance: SourceAllowance?

    /// Creates a sender (the ZAP handler does, and a replay from what the recording says).
    public init(connection: UInt32, endpointIndex: Int, endpointName: String, mechanism: Mechanism, address: String,
                publicKey: String? = nil, clientName: String? = nil, allowance: SourceAllowance? = nil) {
        self.connection = connection
        self.endpointIndex = endpointIndex
        self.endpointName = endpointName
        self.mechanism = mechanism
        self.address = address
        self.publicKey = publicKey
        self.clientName = clientName
        self.allowance = allowance
    }

    /// Whether the sender could not be numbered (the registry was full): such a sender never
    /// becomes a drone's truth source.
    public var isUnattributed: Bool { connection == Self.unattributedConnection }

    /// What truth binding compares: the CURVE key when there is one (a client that reconnects with
    /// its key is the same sender), otherwise the connection (a reconnect is a new sender).
    public var identity: String {
        if let publicKey { return "curve:\(publicKey)" }
        return "connection:\(connection)@\(endpointIndex)"
    }

    /// For people: `connection 3 from 127.0.0.1 on 'drones'`, or `key 'gcs-1' (rq:rM>…) on 'drones'`.
    public var description: String {
        if let publicKey {
            let name = clientName.map { "'\($0)' " } ?? ""
            return "key \(name)(\(publicKey.prefix(8))…) on '\(endpointName)'"
        }
        if isUnattributed { return "an unnumbered connection from \(address.isEmpty ? "a local peer" : address) on '\(endpointName)'" }
        return "connection \(connection) from \(address.isEmpty ? "a local peer" : address) on '\(endpointName)'"
    }
}
