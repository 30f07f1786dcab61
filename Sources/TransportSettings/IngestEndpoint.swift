// Where and how Haechi listens: one endpoint's address, socket kind and limits (no libzmq).
import TelemetryIngest

/// One endpoint to read telemetry from: a ZeroMQ socket, or a UDP socket for ASTERIX.
public struct IngestEndpoint: Hashable, Sendable {
    /// The receiving socket patterns Haechi offers.
    public enum SocketKind: String, Hashable, Sendable, CaseIterable {
        /// Subscribe to publishers (filtered by ``IngestEndpoint/topics``).
        case sub
        /// Pull from pushers: lossless, back-pressure reaches the sender.
        case pull
        /// Not ZeroMQ: a UDP socket (`udp://<IPv4>:<port>`, bound; a multicast group is joined) whose
        /// datagrams are ASTERIX, each a frame on `asterix/<SAC>-<SIC>` of its first record (or
        /// `asterix/<endpoint name>` when that cannot be read).
        case asterix
        /// Not ZeroMQ: a TCP listener (`tcp://<IPv4>:<port>`) for SAPIENT nodes (BSI Flex 335 v2.0), each
        /// connection a node, each length-prefixed message a frame on `sapient/<node-id>`.
        case sapient

    }

    /// Whether the socket binds the address or connects to it.
    public enum Mode: String, Hashable, Sendable, CaseIterable {
        case bind, connect
    }

    /// A unique name, used in summaries and for bad-topic pseudo-sources.
    public var name: String
    /// A ZeroMQ endpoint, such as `tcp://127.0.0.1:7001`.
    public var address: String
    /// SUB or PULL.
    public var socket: SocketKind
    /// Bind or connect.
    public var mode: Mode
    /// Topic prefixes to subscribe to (SUB only); `[""]` is everything.
    public var topics: [String]
    /// `ZMQ_RCVHWM`, messages; `nil` keeps libzmq's default (1000).
    public var receiveHighWaterMark: Int?
    /// `ZMQ_RECONNECT_IVL`, ms; `nil` keeps libzmq's default (100).
    public var reconnectIntervalMilliseconds: Int?
    /// `ZMQ_MAXMSGSIZE`, bytes: libzmq refuses a message part larger than this (it drops the
    /// connection of the peer that sent it) before allocating it. `nil`: twice the ingest's
    /// `maximumFrameBytes` (``IngestSettings/messageSizeLimit(of:)``); there is always a limit.
    public var maximumMessageSize: Int?
    /// CurveZMQ: when set, the endpoint is a CURVE server and admits only the listed client keys.
    public var curve: CurveSettings?
    /// An `asterix` endpoint on a multicast group: the IPv4 address of the interface to join it on
    /// (`nil`: the kernel's choice).
    public var multicastInterface: String?
    /// An `asterix` endpoint: `SO_RCVBUF`, bytes (`nil`: the system's default).
    public var receiveBufferBytes: Int?
    /// A `sapient` endpoint: the most nodes connected at once; a further connection is closed at once.
    public var maximumConnections = 64
    /// A `sapient` endpoint: how long a connection may sit in the middle of a message before it is
    /// closed (and what it sent is counted as `sapient_stalled`), ms.
    public var stallTimeoutMilliseconds = 10_000

    /// Creates an endpoint.
    public init(name: String, address: String, socket: SocketKind, mode: Mode, topics: [String] = [""],
                receiveHighWaterMark: Int? = nil, reconnectIntervalMilliseconds: Int? = nil, maximumMessageSize: Int? = nil,
                curve: CurveSettings? = nil, multicastInterface: String? = nil, receiveBufferBytes: Int? = nil) {
        self.multicastInterface = multicastInterface
        self.receiveBufferBytes = receiveBufferBytes
        self.name = name
        self.address = address
        self.socket = socket
        self.mode = mode
        self.topics = topics
        self.receiveHighWaterMark = receiveHighWaterMark
        self.reconnectIntervalMilliseconds = reconnectIntervalMilliseconds
        self.maximumMessageSize = maximumMessageSize
        self.curve = curve
    }
}
