// A `sapient` endpoint: a TCP listener whose connections are SAPIENT nodes.
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import CLinuxPoll
import Sapient
import TelemetryIngest
import TransportSettings
import TelemetryModel
import SwiftProtobuf

/// The decision module's side of SAPIENT over TCP (BSI Flex 335 v2.0): accepts nodes, cuts each
/// connection's stream into messages by their 4-byte little-endian length, answers a Registration
/// with a RegistrationAck and a message it cannot take with an Error, and queues every message, whole
/// and in arrival order, as a frame for the ring.
///
/// A plain socket rather than libzmq's `ZMQ_STREAM`: a STREAM socket hands over TCP segments with a
/// routing id and leaves the framing, the per-connection buffers and the replies to the caller anyway,
/// and it cannot stop reading one peer (libzmq reads every connection into its own queues), so a node
/// that floods would fill memory instead of meeting TCP's back-pressure. Every descriptor (the
/// listener and each connection) is watched by one epoll instance, and that one descriptor is what the
/// receive thread's `zmq_poll` watches beside the ZeroMQ sockets, so the frames take their place in
/// the one receive order.
///
/// Bounded: at most ``IngestEndpoint/maximumConnections`` connections, each buffering at most one
/// message (the length limit is the ingest's `max_frame_bytes`); a longer length prefix closes the
/// connection, as does a message left unfinished for ``IngestEndpoint/stallTimeoutMilliseconds``.
/// Belongs to the receive thread.
final class SapientListener {
    /// One message ready for the ring.
    struct Frame {
        var topic: [UInt8]
        var payload: [UInt8]
        /// The transport's own reject reason (`oversize_length`, `stalled`), sent as a third part.
        var transportReason: String?
        var connection: UInt32
        var receiveTime: Int64
    }

    private struct Connection {
        let descriptor: Int32
        let sender: FrameSender
        var reader: SapientFrameReader
        /// The node ids this connection registered as (the receive thread's view, for its replies).
        var nodes: Set<String> = []
        /// When the connection last sent anything (wall clock, ns): a message left unfinished this long
        /// ago is stalled, and the longest-silent unregistered connection is the first to make room.
        var lastProgress: Int64
        /// Replies not yet taken by the socket, sent whole and in order (at most ``maximumOutbox`` bytes).
        var outbox: [UInt8] = []
    }

    /// The most reply bytes kept for a connection that does not read them; further replies are dropped
    /// whole (never cut, which would put the node's stream out of step).
    static let maximumOutbox = 256 * 1024

    /// The descriptor to poll: readable when the listener or any connection has input.
    let descriptor: Int32
    private let listener: Int32
    private let endpoint: IngestEndpoint
    private let endpointIndex: Int
    private let maximumMessageBytes: Int
    private let registry: FrameSenderRegistry
    private let decisionModule: String
    private let settings: SapientSettings
    private let validator: SapientValidator
    private var connections: [Int32: Connection] = [:]
    private var ready: [Frame] = []
    private var readyStart = 0
    /// Connections accepted and closed since the counters last took them.
    private(set) var accepted = 0
    private(set) var closed = 0
    private var readBuffer = [UInt8](repeating: 0, count: 64 * 1024)

    /// Binds `endpoint.address` (`tcp://<IPv4>:<port>`) and listens.
    init(endpoint: IngestEndpoint, index: Int, maximumMessageBytes: Int, registry: FrameSenderRegistry, decisionModule: String,
         settings: SapientSettings) throws(IngestError) {
        guard let tcp = UDPAddress(endpoint.address, scheme: "tcp") else {
            throw IngestError(code: .endpointSetup, message: "'\(endpoint.address)' is not tcp://<IPv4 address>:<port>")
        }
        self.endpoint = endpoint
        self.endpointIndex = index
        self.maximumMessageBytes = maximumMessageBytes
        self.registry = registry
        self.decisionModule = decisionModule
        self.settings = settings
        self.validator = SapientValidator(timeWindow: settings.timeWindow)
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw Self.failure("socket", endpoint.address) }
        let poller = haechi_epoll_create()
        guard poller >= 0 else {
            close(listener)
            throw Self.failure("epoll_create1 for", endpoint.address)
        }
        self.listener = listener
        self.descriptor = poller
        var yes: Int32 = 1
        _ = setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_port = tcp.port.bigEndian
        _ = inet_pton(AF_INET, tcp.host, &local.sin_addr)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Self.failure("bind", endpoint.address) }
        guard listen(listener, 64) == 0 else { throw Self.failure("listen on", endpoint.address) }
        guard haechi_epoll_add(poller, listener) == 0 else { throw Self.failure("epoll_ctl for", endpoint.address) }
    }

    deinit {
        for descriptor in connections.keys { close(descriptor) }
        close(listener)
        close(descriptor)
    }

    /// Accepts, reads and frames whatever is waiting, without blocking; closes stalled connections.
    /// Reads at most 64 KiB per connection per call, so one node cannot starve the others.
    func service() {
        var fds = [Int32](repeating: 0, count: 64)
        let count = fds.withUnsafeMutableBufferPointer { haechi_epoll_ready(descriptor, $0.baseAddress, 64) }
        for index in 0..<max(0, Int(count)) {
            if fds[index] == listener { acceptWaiting() } else { read(fds[index]) }
        }
        let now = WallClock.now().nanosecondsSinceEpoch
        let timeout = Int64(endpoint.stallTimeoutMilliseconds) * 1_000_000
        for (fd, connection) in connections where connection.reader.pendingBytes > 0 && now - connection.lastProgress > timeout {
            end(fd, reason: .stalled, at: now)
        }
        for (fd, connection) in connections where !connection.outbox.isEmpty { flush(fd) }
    }

    /// The next frame for the ring, in arrival order.
    func nextFrame() -> Frame? {
        guard readyStart < ready.count else {
            ready.removeAll(keepingCapacity: true)
            readyStart = 0
            return nil
        }
        defer { readyStart += 1 }
        return ready[readyStart]
    }

    /// Takes the connection counts since the last call.
    func takeLinkCounts() -> (accepted: Int, closed: Int) {
        defer { accepted = 0; closed = 0 }
        return (accepted, closed)
    }

    private func acceptWaiting() {
        while true {
            var peer = sockaddr_in()
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let fd = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { accept(listener, $0, &length) }
            }
            guard fd >= 0 else { return }   // EAGAIN: no more; anything else: the next poll tries again
            // accept4(2) is GNU-only, outside Swift's Glibc module: the flags are set after.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            accepted += 1
            // Full: the longest-silent connection that has not registered makes room, so that silent
            // connections cannot lock the nodes out; registered nodes are never pushed out.
            if connections.count >= endpoint.maximumConnections,
               let idle = connections.values.filter({ $0.nodes.isEmpty }).min(by: { $0.lastProgress < $1.lastProgress }) {
                end(idle.descriptor, reason: idle.reader.pendingBytes > 0 ? .stalled : nil, at: WallClock.now().nanosecondsSinceEpoch)
            }
            guard connections.count < endpoint.maximumConnections, haechi_epoll_add(descriptor, fd) == 0 else {
                close(fd)
                closed += 1
                continue
            }
            var text = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
            _ = inet_ntop(AF_INET, &peer.sin_addr, &text, socklen_t(INET_ADDRSTRLEN))
            let address = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let sender = registry.register(endpointIndex: endpointIndex, endpointName: endpoint.name, mechanism: .null, address: address)
            connections[fd] = Connection(descriptor: fd, sender: sender, reader: SapientFrameReader(maximumMessageBytes: maximumMessageBytes),
                                         lastProgress: WallClock.now().nanosecondsSinceEpoch)
        }
    }

    private func read(_ fd: Int32) {
        guard connections[fd] != nil else { return }
        let n = readBuffer.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
        let now = WallClock.now().nanosecondsSinceEpoch
        if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            // The node hung up (or the connection broke): an unfinished message is kept as stalled.
            end(fd, reason: connections[fd]!.reader.pendingBytes > 0 ? .stalled : nil, at: now)
            return
        }
        guard n > 0 else { return }
        readBuffer.withUnsafeBytes { connections[fd]!.reader.append(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        connections[fd]!.lastProgress = now
        while true {
            switch connections[fd]!.reader.next() {
            case .incomplete:
                return
            case .oversize:
                end(fd, reason: .oversizeLength, at: now)
                return
            case .message(let range):
                let bytes = Array(connections[fd]!.reader.buffer[range])
                take(bytes, on: fd, at: now)
            }
        }
    }

    /// Queues one message and answers it where the ICD asks: a Registration with a RegistrationAck; a
    /// message that is no SapientMessage, or that comes from a node not registered on this connection,
    /// with an Error (never an Error with an Error).
    private func take(_ bytes: [UInt8], on fd: Int32, at now: Int64) {
        let envelope = bytes.withUnsafeBytes { SapientEnvelope($0) }
        let node = envelope?.nodeID
        ready.append(Frame(topic: topic(node: node), payload: bytes, transportReason: nil, connection: connections[fd]!.sender.connection,
                           receiveTime: now))
        guard let envelope else {
            reply(SapientReply.error(from: decisionModule, to: nil, packet: bytes, messages: ["not a SapientMessage"], at: now), on: fd)
            return
        }
        switch envelope.content {
        case .registration:
            // The decode stage judges the same bytes at the same receive time by the same rules, so its
            // counters agree with the answer given here.
            var reasons: [String] = []
            do {
                let message = try BSISapientMessage(serializedBytes: bytes)
                reasons = validator.problems(message, receivedAt: now).map(\.description)
                if reasons.isEmpty, !settings.admits(message.nodeID) { reasons = ["node \(message.nodeID) is not one this range expects"] }
            } catch {
                reasons = ["not a SapientMessage: \(error)"]
            }
            if reasons.isEmpty, let node { connections[fd]!.nodes.insert(node) }
            reply(SapientReply.registrationAck(from: decisionModule, to: node, accepted: reasons.isEmpty, reasons: reasons, at: now), on: fd)
        case .error:
            break
        case .statusReport:
            // A node that says goodbye is registered no more (the decode stage applies the same rule).
            if let node, let message = try? BSISapientMessage(serializedBytes: bytes), message.statusReport.system == .goodbye {
                connections[fd]!.nodes.remove(node)
            } else if let node, connections[fd]!.nodes.contains(node) {
                return
            } else {
                reply(SapientReply.error(from: decisionModule, to: node, packet: bytes,
                                         messages: ["node \(node ?? "(none)") has not registered on this connection"], at: now), on: fd)
            }
        default:
            if let node, connections[fd]!.nodes.contains(node) { return }
            reply(SapientReply.error(from: decisionModule, to: node, packet: bytes,
                                     messages: ["node \(node ?? "(none)") has not registered on this connection"], at: now), on: fd)
        }
    }

    /// Queues a reply and sends what the socket takes without blocking; the rest goes at the next turn.
    /// A node that does not read its replies must not stall ingest nor fill memory: past
    /// ``maximumOutbox`` queued bytes, a reply is dropped whole.
    private func reply(_ bytes: [UInt8], on fd: Int32) {
        guard let queued = connections[fd]?.outbox.count, queued + bytes.count <= Self.maximumOutbox else { return }
        connections[fd]!.outbox += bytes
        flush(fd)
    }

    private func flush(_ fd: Int32) {
        guard let outbox = connections[fd]?.outbox, !outbox.isEmpty else { return }
        let sent = outbox.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
        if sent > 0 { connections[fd]!.outbox.removeFirst(sent) }
    }

    /// Closes a connection; with a reason, what it had sent of its last message becomes a frame with that reason.
    private func end(_ fd: Int32, reason: SapientProblem.Kind?, at now: Int64) {
        guard let connection = connections.removeValue(forKey: fd) else { return }
        if let reason {
            let kept = Array(connection.reader.pending.prefix(maximumMessageBytes))
            ready.append(Frame(topic: topic(node: connection.nodes.sorted().first), payload: kept, transportReason: reason.rawValue,
                               connection: connection.sender.connection, receiveTime: now))
        }
        _ = haechi_epoll_remove(descriptor, fd)
        close(fd)
        closed += 1
    }

    /// `sapient/<node-id>`, or `sapient/<endpoint name>` when the message names no usable node id.
    private func topic(node: String?) -> [UInt8] {
        if let node, let topic = SourceTopic(formatName: WireFormat.sapient.rawValue, sourceID: node) { return Array(topic.description.utf8) }
        return Array("sapient/\(endpoint.name)".utf8)
    }

    private static func failure(_ what: String, _ address: String) -> IngestError {
        let code = errno
        return IngestError(code: .endpointSetup, message: "\(what) \(address) failed: \(String(cString: strerror(code))) (errno \(code))")
    }
}
