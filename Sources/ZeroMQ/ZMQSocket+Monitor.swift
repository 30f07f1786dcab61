// What libzmq tells about a socket's connections: zmq_socket_monitor and its events.
internal import CLibZMQ

/// A connection event of a monitored socket (`zmq_socket_monitor`), such as a peer that connected
/// or went away. libzmq reports no reason with a disconnect.
public struct ZMQSocketEvent: Hashable, Sendable, CustomStringConvertible {
    /// libzmq's `ZMQ_EVENT_*` bit.
    public let rawValue: UInt16

    /// Wraps a `ZMQ_EVENT_*` bit.
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    /// `ZMQ_EVENT_CONNECTED`: a connect-mode socket's connection was set up.
    public static let connected = ZMQSocketEvent(rawValue: UInt16(ZMQ_EVENT_CONNECTED))
    /// `ZMQ_EVENT_CONNECT_DELAYED`: a connect-mode socket is waiting for its connection.
    public static let connectDelayed = ZMQSocketEvent(rawValue: UInt16(ZMQ_EVENT_CONNECT_DELAYED))
    /// `ZMQ_EVENT_CONNECT_RETRIED`: a connect-mode socket will try again (libzmq's reconnect timer).
    public static let connectRetried = ZMQSocketEvent(rawValue: UInt16(ZMQ_EVENT_CONNECT_RETRIED))
    /// `ZMQ_EVENT_ACCEPTED`: a bind-mode socket accepted a peer's connection.
    public static let accepted = ZMQSocketEvent(rawValue: UInt16(ZMQ_EVENT_ACCEPTED))
    /// `ZMQ_EVENT_DISCONNECTED`: a connection ended, for whatever reason (the peer closed it, the
    /// network failed, or libzmq dropped it: a message over `ZMQ_MAXMSGSIZE`, a protocol error).
    public static let disconnected = ZMQSocketEvent(rawValue: UInt16(ZMQ_EVENT_DISCONNECTED))
    /// `ZMQ_EVENT_HANDSHAKE_SUCCEEDED`: the ZMTP handshake of a connection completed.
    public static let handshakeSucceeded = ZMQSocketEvent(rawValue: UInt16(ZMQ_EVENT_HANDSHAKE_SUCCEEDED))
    /// `ZMQ_EVENT_MONITOR_STOPPED`: the monitor ends (the socket closed).
    public static let monitorStopped = ZMQSocketEvent(rawValue: UInt16(ZMQ_EVENT_MONITOR_STOPPED))
    /// The handshake events (``ZMQHandshakeEvent``): succeeded, and failed without detail, on a
    /// protocol error or by authentication.
    public static let handshakes = [ZMQ_EVENT_HANDSHAKE_SUCCEEDED, ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL,
                                    ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL, ZMQ_EVENT_HANDSHAKE_FAILED_AUTH]
        .map { ZMQSocketEvent(rawValue: UInt16($0)) }

    public var description: String {
        switch self {
        case .connected: "connected"
        case .connectDelayed: "connect delayed"
        case .connectRetried: "connect retried"
        case .accepted: "accepted"
        case .disconnected: "disconnected"
        case .handshakeSucceeded: "handshake succeeded"
        case .monitorStopped: "monitor stopped"
        default: "event 0x\(String(rawValue, radix: 16))"
        }
    }
}

extension ZMQSocket {
    /// Publishes this socket's connection events on a PAIR socket that libzmq binds at `endpoint`
    /// (an `inproc://` address unique in the context); connect a ``ZMQSocketType/pair`` socket there
    /// and read it with ``receiveMonitorEvent(blocking:)``. Start it before `bind` or `connect` to
    /// see every event.
    public func startMonitor(at endpoint: String, events: [ZMQSocketEvent]) throws(ZMQError) {
        let mask = events.reduce(Int32(0)) { $0 | Int32($1.rawValue) }
        try zmqCheck("zmq_socket_monitor(\(endpoint))") { zmq_socket_monitor(handle.raw, endpoint, mask) }
    }

    /// Receives one event from a monitor's PAIR socket (see ``startMonitor(at:events:)``): the event,
    /// its value (a file descriptor, an interval or an errno, by event) and the address concerned.
    /// - Returns: `nil` if `blocking` is `false` and no event is waiting, or the message is not an event.
    public func receiveMonitorEvent(blocking: Bool) throws(ZMQError) -> (event: ZMQSocketEvent, value: UInt32, address: String)? {
        guard let parts = try receiveParts(blocking: blocking) else { return nil }
        // Part 1: the event (u16) and its value (u32), in the machine's byte order; part 2: the address.
        guard parts.count == 2, parts[0].count == 6 else { return nil }
        let (event, value) = parts[0].withUnsafeBytes {
            ($0.loadUnaligned(as: UInt16.self), $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self))
        }
        return (ZMQSocketEvent(rawValue: event), value, String(decoding: parts[1], as: UTF8.self))
    }
}
