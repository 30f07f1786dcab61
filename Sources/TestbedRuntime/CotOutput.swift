// Sends every tracker step's confirmed tracks as CoT events, over UDP and/or TCP, never blocking the
// decode thread that calls it.
public import Geodesy
public import TelemetryModel
public import Tracking
import ZeroMQIngest
import Foundation

#if canImport(Glibc)
import Glibc
#endif

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

/// The CoT output of `haechi ingest` (config `outputs.cot`).
///
/// UDP: one datagram per event, to a unicast or multicast address. TCP: a client connection to a TAK
/// server or C2 system, made again (at most every 2 s) when it drops; events are written whole or
/// not at all. Both are non-blocking: a full buffer or a missing peer drops the event and counts it,
/// because the decode thread must never wait on a C2 system.
public final class CotOutput: @unchecked Sendable {
    // @unchecked Sendable: used by the decode thread alone after `init`; `counters` is read under `lock`.
    private let settings: CotSettings
    private let plane: LocalTangentPlane
    private let udp: DatagramSender?
    private var tcpTarget: sockaddr_in?
    private var tcp: Int32 = -1
    private var tcpConnected = false
    private var lastConnectAttempt: ContinuousClock.Instant?
    private var pending: [UInt8] = []
    private let lock = NSLock()
    private var state = CotCounters()

    /// Opens the UDP socket and starts the TCP connection.
    public init(settings: CotSettings, origin: GeodeticPosition) throws(RuntimeError) {
        self.settings = settings
        plane = LocalTangentPlane(origin: origin)
        udp = try settings.udp.map { (text) throws(RuntimeError) in
            try DatagramSender(text, field: "outputs.cot.udp", multicastTTL: settings.multicastTTL)
        }
        if let text = settings.tcp {
            guard let address = UDPAddress(text, scheme: "tcp"), let target = Self.socketAddress(address) else {
                throw RuntimeError(code: .config, field: "outputs.cot.tcp", message: "'\(text)' is not tcp://<IPv4 address>:<port>")
            }
            tcpTarget = target
            connectIfDue()
        }
    }

    deinit {
        if tcp >= 0 { close(tcp) }
    }

    private static func socketAddress(_ address: UDPAddress) -> sockaddr_in? {
        var out = sockaddr_in()
        out.sin_family = sa_family_t(AF_INET)
        out.sin_port = address.port.bigEndian
        guard inet_pton(AF_INET, address.host, &out.sin_addr) == 1 else { return nil }
        return out
    }

    /// What was sent so far (any thread).
    public var counters: CotCounters {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    private func count(_ change: (inout CotCounters) -> Void) {
        lock.lock()
        change(&state)
        lock.unlock()
    }

    /// Sends one event per confirmed track of `step` (decode thread).
    public func send(_ step: TrackerStep) {
        for track in step.tracks {
            let event = CotEvent(track: track, plane: plane, settings: settings)
            if let udp {
                let sent = udp.send(settings.format == .xml ? Array(event.xml.utf8) : event.meshDatagram)
                count { sent ? ($0.udpSent += 1) : ($0.udpDropped += 1) }
            }
            if tcpTarget != nil { sendStream(settings.format == .xml ? Array(event.xml.utf8) : event.streamBytes) }
        }
    }

    /// Starts a non-blocking connection when none is up and the last attempt is 2 s old.
    private func connectIfDue() {
        guard var target = tcpTarget, tcp < 0 else { return }
        let now = ContinuousClock.now
        if let last = lastConnectAttempt, now - last < .seconds(2) { return }
        lastConnectAttempt = now
        tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard tcp >= 0 else { return }
        var one: Int32 = 1
        _ = setsockopt(tcp, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(tcp, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 && errno != EINPROGRESS { dropConnection() }
        tcpConnected = false
    }

    private func dropConnection() {
        if tcp >= 0 { close(tcp) }
        tcp = -1
        tcpConnected = false
        pending.removeAll()
    }

    /// Whether the connection is up (checked without waiting).
    private func connectionIsUp() -> Bool {
        guard tcp >= 0 else { return false }
        if tcpConnected { return true }
        var poller = pollfd(fd: tcp, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, 0) == 1 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(tcp, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 else {
            dropConnection()
            return false
        }
        tcpConnected = true
        count { $0.tcpConnections += 1 }
        return true
    }

    private func sendStream(_ bytes: [UInt8]) {
        connectIfDue()
        guard connectionIsUp() else {
            count { $0.tcpDropped += 1 }
            return
        }
        // What a full buffer left half-written goes first, so the stream never carries half an event.
        if !pending.isEmpty && !flushPending() {
            count { $0.tcpDropped += 1 }
            return
        }
        let sent = bytes.withUnsafeBytes { Glibc.send(tcp, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)) }
        if sent == bytes.count {
            count { $0.tcpSent += 1 }
        } else if sent > 0 {
            pending = Array(bytes[sent...])
            count { $0.tcpSent += 1 }
        } else if errno == EAGAIN || errno == EWOULDBLOCK {
            count { $0.tcpDropped += 1 }
        } else {
            dropConnection()
            count { $0.tcpDropped += 1 }
        }
    }

    /// Writes the rest of a half-written event; `false` while some is left.
    private func flushPending() -> Bool {
        let sent = pending.withUnsafeBytes { Glibc.send(tcp, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)) }
        if sent > 0 { pending.removeFirst(sent) }
        if sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK { dropConnection() }
        return pending.isEmpty
    }
}
