// How an endpoint's ZeroMQ socket is opened, configured and attached.
import ZeroMQ
import TransportSettings

extension IngestEndpoint.SocketKind {
    var zmqType: ZMQSocketType { self == .sub ? .sub : .pull }
}

extension IngestEndpoint {
    /// The connection events ingest watches (see `TelemetryIngestor`'s link counters); a CURVE endpoint's
    /// monitor also reports its handshakes, which the ingest thread hands to the ZAP handler's counters
    /// (libzmq allows one monitor per socket).
    static let monitoredEvents: [ZMQSocketEvent] = [.accepted, .connected, .connectDelayed, .connectRetried, .disconnected]

    /// Opens and configures this endpoint's socket, with `ZMQ_MAXMSGSIZE` set to `messageSizeLimit` and
    /// its connection events (and a CURVE endpoint's handshakes) published at `monitor` (an `inproc://`
    /// address). It is not yet bound or connected: ``attach(_:)`` does that once the monitor's reader is
    /// connected, because a monitor drops the events it has no reader for, and a peer that connects in
    /// between would be missing from the link and handshake counters.
    func open(in context: ZMQContext, messageSizeLimit: Int, monitor: String) throws(ZMQError) -> ZMQSocket {
        let socket = try ZMQSocket(context: context, type: socket.zmqType)
        if let hwm = receiveHighWaterMark { try socket.setOption(.receiveHighWaterMark, hwm) }
        if let ivl = reconnectIntervalMilliseconds { try socket.setOption(.reconnectInterval, ivl) }
        try socket.setOption(.maxMessageSize, messageSizeLimit)
        try socket.setOption(.linger, 0)
        if let curve {
            guard let secretKey = curve.serverSecretKey else {
                throw ZMQError(code: .invalidArgument, message: "the CURVE server key (\(curve.serverKeyFile)) was not loaded")
            }
            try socket.makeCurveServer(secretKey: secretKey)
        }
        try socket.startMonitor(at: monitor, events: Self.monitoredEvents + (curve == nil ? [] : ZMQSocketEvent.handshakes))
        // The ZAP handler then numbers every connection, so each frame says which peer sent it.
        if ZAPHandler.appliesTo(self) { try socket.setZAPDomain(name) }
        return socket
    }

    /// Subscribes (a SUB endpoint) and binds or connects the socket ``open(in:messageSizeLimit:monitor:)`` made.
    func attach(_ socket: borrowing ZMQSocket) throws(ZMQError) {
        if self.socket == .sub {
            for topic in topics { try socket.subscribe(topic) }
        }
        switch mode {
        case .bind: try socket.bind(address)
        case .connect: try socket.connect(address)
        }
    }
}
