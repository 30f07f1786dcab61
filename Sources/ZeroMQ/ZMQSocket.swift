// A libzmq socket, owned by one thread at a time.
internal import CLibZMQ

/// The storage behind a socket: the libzmq handle, its context, and reusable receive messages.
///
/// A class so that ``ZMQSocketGroup`` can hold sockets in an array; the public face is the
/// non-copyable ``ZMQSocket``, which is what makes ownership explicit.
@usableFromInline
final class ZMQSocketHandle {
    let raw: UnsafeMutableRawPointer
    let type: ZMQSocketType
    /// Keeps the context alive while the socket is open (see ``ZMQContext``).
    let context: ZMQContext
    /// `zmq_msg_t` values reused for every receive, so receiving allocates nothing on our side.
    /// Each is closed (empty) between receives.
    private(set) var parts: UnsafeMutablePointer<zmq_msg_t>
    private(set) var partCapacity: Int
    /// Set while a receive lends its parts; a nested receive would overwrite them.
    var isReceiving = false

    init(context: ZMQContext, type: ZMQSocketType) throws(ZMQError) {
        guard let raw = zmq_socket(context.handle, type.rawType) else {
            let err = zmq_errno()
            if err == ETERM {
                throw ZMQError(code: .contextTerminated, message: "zmq_socket(\(type.rawValue)): context terminated", errno: err)
            }
            throw ZMQError(code: .other, message: "zmq_socket(\(type.rawValue)): \(zmqErrorText(err))", errno: err)
        }
        self.raw = raw
        self.type = type
        self.context = context
        self.partCapacity = 4
        self.parts = .allocate(capacity: 4)
    }

    /// Makes room for `n` parts while the first `received` slots hold live messages of the
    /// receive in progress; those are moved with `zmq_msg_move`, never copied bytewise.
    func ensurePartCapacity(_ n: Int, received: Int) {
        guard n > partCapacity else { return }
        let capacity = max(n, partCapacity * 2)
        let bigger = UnsafeMutablePointer<zmq_msg_t>.allocate(capacity: capacity)
        for i in 0..<received {
            zmq_msg_init(bigger + i)
            zmq_msg_move(bigger + i, parts + i)
            zmq_msg_close(parts + i)
        }
        parts.deallocate()
        parts = bigger
        partCapacity = capacity
    }

    @usableFromInline
    func receivePart(into buffer: UnsafeMutableRawBufferPointer, blocking: Bool) throws(ZMQError) -> (size: Int, more: Bool)? {
        let raw = self.raw
        let result = try zmqCall("receive") { zmq_recv(raw, buffer.baseAddress, buffer.count, blocking ? 0 : ZMQ_DONTWAIT) }
        guard case .done(let size) = result else { return nil }
        var more: Int32 = 0
        var length = MemoryLayout<Int32>.size
        try zmqCheck("getsockopt(ZMQ_RCVMORE)") { zmq_getsockopt(raw, ZMQ_RCVMORE, &more, &length) }
        return (Int(size), more != 0)
    }

    deinit {
        parts.deallocate()
        // Linger decides whether unsent messages are flushed; close itself never blocks.
        _ = zmq_close(raw)
    }
}

/// A ZeroMQ socket.
///
/// `~Copyable` and not `Sendable`: a libzmq socket belongs to one thread. Create it on the thread
/// that uses it, or hand it over once with `consume`. It is closed when its owner lets go of it.
///
/// Received bytes are lent, never copied, inside ``receive(blocking:_:)``'s closure.
public struct ZMQSocket: ~Copyable {
    @usableFromInline let handle: ZMQSocketHandle

    /// Opens a socket of `type` on `context`.
    public init(context: ZMQContext, type: ZMQSocketType) throws(ZMQError) {
        self.handle = try ZMQSocketHandle(context: context, type: type)
    }

    init(handle: ZMQSocketHandle) { self.handle = handle }

    /// The socket's pattern.
    public var type: ZMQSocketType { handle.type }

    /// Binds to a local endpoint, such as `tcp://127.0.0.1:7001`, `tcp://*:*` or `inproc://name`.
    public func bind(_ endpoint: String) throws(ZMQError) {
        try zmqCheck("bind \(endpoint)") { zmq_bind(handle.raw, endpoint) }
    }

    /// Connects to a remote endpoint. libzmq connects in the background and reconnects on its own.
    public func connect(_ endpoint: String) throws(ZMQError) {
        try zmqCheck("connect \(endpoint)") { zmq_connect(handle.raw, endpoint) }
    }

    /// Removes a connection made with ``connect(_:)``.
    public func disconnect(_ endpoint: String) throws(ZMQError) {
        try zmqCheck("disconnect \(endpoint)") { zmq_disconnect(handle.raw, endpoint) }
    }

    /// The endpoint the socket last bound to, with a wildcard port resolved (`tcp://127.0.0.1:41234`).
    public var lastEndpoint: String {
        get throws(ZMQError) {
            var buffer = [CChar](repeating: 0, count: 512)
            var size = buffer.count
            try zmqCheck("getsockopt(ZMQ_LAST_ENDPOINT)") {
                zmq_getsockopt(handle.raw, ZMQ_LAST_ENDPOINT, &buffer, &size)
            }
            return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }

    /// Subscribes a SUB socket to every topic that starts with `prefix` (empty: everything).
    public func subscribe(_ prefix: String = "") throws(ZMQError) {
        try setBytesOption(ZMQ_SUBSCRIBE, Array(prefix.utf8), name: "ZMQ_SUBSCRIBE")
    }

    /// Removes a subscription made with ``subscribe(_:)``.
    public func unsubscribe(_ prefix: String) throws(ZMQError) {
        try setBytesOption(ZMQ_UNSUBSCRIBE, Array(prefix.utf8), name: "ZMQ_UNSUBSCRIBE")
    }

    /// Sets an integer option.
    public func setOption(_ option: ZMQIntegerOption, _ value: Int) throws(ZMQError) {
        if option.isInt64 {
            var v = Int64(value)
            try zmqCheck("setsockopt(\(option), \(value))") {
                zmq_setsockopt(handle.raw, option.rawName, &v, MemoryLayout<Int64>.size)
            }
        } else {
            var v = Int32(clamping: value)
            try zmqCheck("setsockopt(\(option), \(value))") {
                zmq_setsockopt(handle.raw, option.rawName, &v, MemoryLayout<Int32>.size)
            }
        }
    }

    /// Reads an integer option.
    public func option(_ option: ZMQIntegerOption) throws(ZMQError) -> Int {
        if option.isInt64 {
            var v: Int64 = 0
            var size = MemoryLayout<Int64>.size
            try zmqCheck("getsockopt(\(option))") { zmq_getsockopt(handle.raw, option.rawName, &v, &size) }
            return Int(v)
        } else {
            var v: Int32 = 0
            var size = MemoryLayout<Int32>.size
            try zmqCheck("getsockopt(\(option))") { zmq_getsockopt(handle.raw, option.rawName, &v, &size) }
            return Int(v)
        }
    }

    private func setBytesOption(_ name: Int32, _ bytes: [UInt8], name label: String) throws(ZMQError) {
        _ = try withBytes(of: bytes) { (buffer) throws(ZMQError) in
            try zmqCheck("setsockopt(\(label))") {
                zmq_setsockopt(handle.raw, name, buffer.baseAddress, buffer.count)
            }
        }
    }

    // MARK: Sending

    /// Sends one part of a message. Pass `hasMore: true` for every part but the last.
    ///
    /// - Returns: `false` if `blocking` is `false` and the message could not be queued now.
    ///   Once the first part of a message is queued, libzmq accepts its remaining parts.
    @discardableResult
    public func send(part: UnsafeRawBufferPointer, hasMore: Bool, blocking: Bool = true) throws(ZMQError) -> Bool {
        let flags = (hasMore ? ZMQ_SNDMORE : 0) | (blocking ? 0 : ZMQ_DONTWAIT)
        let result = try zmqCall("send") { zmq_send(handle.raw, part.baseAddress, part.count, flags) }
        switch result {
        case .done: return true
        case .wouldBlock: return false
        }
    }

    /// Sends a multipart message.
    ///
    /// - Returns: `false` if `blocking` is `false` and the message could not be queued now.
    @discardableResult
    public func send(_ parts: [[UInt8]], blocking: Bool = true) throws(ZMQError) -> Bool {
        precondition(!parts.isEmpty, "a ZeroMQ message has at least one part")
        for (index, part) in parts.enumerated() {
            let more = index < parts.count - 1
            let queued = try withBytes(of: part) { (bytes) throws(ZMQError) in
                try send(part: bytes, hasMore: more, blocking: blocking || index > 0)
            }
            if !queued { return false }
        }
        return true
    }

    /// Sends a `[topic, payload]` message, the Haechi wire envelope.
    @discardableResult
    public func send(topic: String, payload: [UInt8], blocking: Bool = true) throws(ZMQError) -> Bool {
        try send([Array(topic.utf8), payload], blocking: blocking)
    }

    // MARK: Receiving

    /// Receives one whole multipart message and lends its parts to `body`.
    ///
    /// The bytes are libzmq's own buffers, valid only inside `body`; nothing is copied.
    /// - Returns: `body`'s result, or `nil` if `blocking` is `false` and no message is waiting
    ///   (or a receive timeout expired).
    public func receive<R>(blocking: Bool = true, _ body: (borrowing ZMQReceivedMessage) -> R) throws(ZMQError) -> R? {
        let h = handle
        precondition(!h.isReceiving, "receive called from inside its own closure: the lent parts would be overwritten")
        h.isReceiving = true
        var count = 0
        defer {
            for i in 0..<count { _ = zmq_msg_close(h.parts + i) }
            h.isReceiving = false
        }
        var flags = blocking ? 0 : ZMQ_DONTWAIT
        while true {
            h.ensurePartCapacity(count + 1, received: count)
            let msg = h.parts + count
            zmq_msg_init(msg)
            let result: ZMQCallResult
            do {
                result = try zmqCall("receive") { zmq_msg_recv(msg, h.raw, flags) }
            } catch {
                zmq_msg_close(msg)
                throw error
            }
            guard case .done = result else {
                zmq_msg_close(msg)
                precondition(count == 0, "libzmq delivers the parts of a message atomically")
                return nil
            }
            count += 1
            // The rest of a multipart message is already here: libzmq delivers messages whole.
            flags = 0
            if zmq_msg_more(msg) == 0 { break }
        }
        return body(ZMQReceivedMessage(parts: h.parts, count: count))
    }

    /// Receives the next part of a message straight into `buffer` (caller-owned memory: the ingest
    /// path's arena), without a `zmq_msg_t` and without allocating.
    ///
    /// - Returns: `nil` if `blocking` is `false` and nothing is waiting; otherwise the part's full
    ///   size (larger than `buffer.count` when it was cut short: only `buffer.count` bytes are
    ///   stored) and whether more parts of the same message follow. Once the first part of a
    ///   message has arrived, the rest are already here (libzmq delivers messages whole).
    @inlinable
    public func receivePart(into buffer: UnsafeMutableRawBufferPointer, blocking: Bool) throws(ZMQError) -> (size: Int, more: Bool)? {
        try handle.receivePart(into: buffer, blocking: blocking)
    }

    /// Receives one multipart message and copies its parts out. For tests and cold paths.
    public func receiveParts(blocking: Bool = true) throws(ZMQError) -> [[UInt8]]? {
        try receive(blocking: blocking) { message in
            (0..<message.partCount).map { message.bytes(ofPart: $0) }
        }
    }

    /// Waits up to `timeout` (nil: for ever) until a message can be received.
    public func waitForInput(timeout: Duration?) throws(ZMQError) -> Bool {
        var item = zmq_pollitem_t(socket: handle.raw, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0)
        let rc = try zmqCheck("poll") { zmq_poll(&item, 1, milliseconds(timeout)) }
        return rc > 0 && (item.revents & Int16(ZMQ_POLLIN)) != 0
    }
}

/// A received multipart message, lent to a closure.
///
/// `~Copyable` and only ever passed `borrowing`, so it cannot outlive the receive that made it.
public struct ZMQReceivedMessage: ~Copyable {
    private let parts: UnsafeMutablePointer<zmq_msg_t>
    /// How many parts the message has.
    public let partCount: Int

    init(parts: UnsafeMutablePointer<zmq_msg_t>, count: Int) {
        self.parts = parts
        self.partCount = count
    }

    /// The size of part `index` in bytes.
    public func size(ofPart index: Int) -> Int {
        precondition(index >= 0 && index < partCount, "part \(index) of \(partCount)")
        return zmq_msg_size(parts + index)
    }

    /// Lends the bytes of part `index`.
    public func withUnsafeBytes<R>(ofPart index: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < partCount, "part \(index) of \(partCount)")
        let msg = parts + index
        return try body(UnsafeRawBufferPointer(start: zmq_msg_data(msg), count: zmq_msg_size(msg)))
    }

    /// Copies part `index` out.
    public func bytes(ofPart index: Int) -> [UInt8] {
        withUnsafeBytes(ofPart: index) { Array($0) }
    }
}

/// `Array.withUnsafeBytes` rethrows untyped errors; this keeps `throws(ZMQError)` typed.
@inline(__always)
func withBytes<R>(of array: [UInt8], _ body: (UnsafeRawBufferPointer) throws(ZMQError) -> R) throws(ZMQError) -> R {
    let result: Result<R, ZMQError> = array.withUnsafeBytes { buffer in
        do throws(ZMQError) { return .success(try body(buffer)) } catch { return .failure(error) }
    }
    return try result.get()
}

func milliseconds(_ timeout: Duration?) -> Int {
    guard let timeout else { return -1 }
    let (seconds, attoseconds) = timeout.components
    return max(0, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
}
