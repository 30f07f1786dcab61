// A non-blocking TCP client for the track outputs (CoT over TCP, SAPIENT to a decision module).
import TransportSettings
import Foundation

#if canImport(Glibc)
import Glibc
import TestbedConfiguration
#endif

/// A TCP connection to one peer, made again (at most every 2 s) when it drops, written without ever
/// waiting. A message is written whole or not at all: one that a full buffer cut short is finished
/// before the next, and one that cannot start is dropped (and reported as not sent).
final class StreamSender {
    private var target = sockaddr_in()
    private var descriptor: Int32 = -1
    private var connected = false
    private var lastAttempt: ContinuousClock.Instant?
    private var pending: [UInt8] = []
    /// Called on each new connection with a chance to send first (a SAPIENT registration).
    var onConnect: (() -> Void)?
    /// Connections made so far.
    private(set) var connections: UInt64 = 0

    /// A client of `text` (`tcp://<IPv4>:<port>`); `field` names the config field in errors.
    init(_ text: String, field: String) throws(RuntimeError) {
        guard let address = UDPAddress(text, scheme: "tcp") else {
            throw RuntimeError(code: .config, field: field, message: "'\(text)' is not tcp://<IPv4 address>:<port>")
        }
        target.sin_family = sa_family_t(AF_INET)
        target.sin_port = address.port.bigEndian
        guard inet_pton(AF_INET, address.host, &target.sin_addr) == 1 else {
            throw RuntimeError(code: .config, field: field, message: "'\(text)' is not tcp://<IPv4 address>:<port>")
        }
        connectIfDue()
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Starts a non-blocking connection when none is up and the last attempt is 2 s old.
    private func connectIfDue() {
        guard descriptor < 0 else { return }
        let now = ContinuousClock.now
        if let last = lastAttempt, now - last < .seconds(2) { return }
        lastAttempt = now
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return }
        var one: Int32 = 1
        _ = setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if result != 0 && errno != EINPROGRESS { drop() }
        connected = false
    }

    private func drop() {
        if descriptor >= 0 { close(descriptor) }
        descriptor = -1
        connected = false
        pending.removeAll()
    }

    /// Whether the connection is up (checked without waiting); calls `onConnect` when it has just come up.
    /// A connection still not made 2 s after it was begun (a peer that never answers) is given up, so
    /// that the next send tries again.
    private func isUp() -> Bool {
        guard descriptor >= 0 else { return false }
        if connected {
            discardIncoming()
            return descriptor >= 0
        }
        if let last = lastAttempt, ContinuousClock.now - last >= .seconds(2) {
            var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
            if poll(&poller, 1, 0) != 1 {
                drop()
                return false
            }
        }
        var poller = pollfd(fd: descriptor, events: Int16(POLLOUT), revents: 0)
        guard poll(&poller, 1, 0) == 1 else { return false }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &error, &length) == 0, error == 0 else {
            drop()
            return false
        }
        connected = true
        connections += 1
        onConnect?()
        return connected
    }

    /// Reads and drops what the peer sent (a decision module's RegistrationAck and tasks, which Haechi
    /// does not act on), so that its buffer never fills; notices a connection the peer closed.
    private func discardIncoming() {
        var scratch = [UInt8](repeating: 0, count: 4096)
        for _ in 0..<16 {   // at most 64 kB a call: a peer that floods cannot hold the output thread
            let n = scratch.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if n > 0 { continue }
            if n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { drop() }
            return
        }
    }

    /// Writes `bytes` whole, or not at all; returns whether it went (or is going, its end queued
    /// behind a full buffer).
    @discardableResult
    func send(_ bytes: [UInt8]) -> Bool {
        connectIfDue()
        guard isUp() else { return false }
        if !pending.isEmpty && !flush() { return false }
        let sent = bytes.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)) }
        if sent == bytes.count { return true }
        if sent > 0 {
            pending = Array(bytes[sent...])
            return true
        }
        if errno != EAGAIN && errno != EWOULDBLOCK { drop() }
        return false
    }

    /// Writes the rest of a half-written message; `false` while some is left.
    private func flush() -> Bool {
        let sent = pending.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL)) }
        if sent > 0 { pending.removeFirst(sent) }
        if sent < 0 && errno != EAGAIN && errno != EWOULDBLOCK { drop() }
        return pending.isEmpty
    }
}
