// Several sockets owned and polled together by one thread.
internal import CLibZMQ

/// Sockets polled together: the ingest thread's view of all its endpoints.
///
/// The group owns its sockets (they are consumed by ``add(_:)``), so the poll items it hands to
/// `zmq_poll` can never outlive them. Like ``ZMQSocket`` it belongs to one thread.
public struct ZMQSocketGroup: ~Copyable {
    /// `nil` for a plain descriptor (``add(descriptor:)``).
    private var handles: [ZMQSocketHandle?] = []
    private var items: [zmq_pollitem_t] = []

    /// An empty group.
    public init() {}

    /// How many sockets the group holds.
    public var count: Int { handles.count }

    /// Takes ownership of `socket`.
    /// - Returns: its index in the group.
    @discardableResult
    public mutating func add(_ socket: consuming ZMQSocket) -> Int {
        let handle = socket.handle
        handles.append(handle)
        items.append(zmq_pollitem_t(socket: handle.raw, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0))
        return handles.count - 1
    }

    /// Adds a plain file descriptor (a UDP socket, say) to poll for input beside the sockets. The
    /// caller keeps it open while the group is polled, and reads it itself.
    /// - Returns: its index in the group.
    @discardableResult
    public mutating func add(descriptor: Int32) -> Int {
        handles.append(nil)
        items.append(zmq_pollitem_t(socket: nil, fd: descriptor, events: Int16(ZMQ_POLLIN), revents: 0))
        return handles.count - 1
    }

    /// Whether entry `index` is a plain descriptor rather than a socket.
    public func isDescriptor(_ index: Int) -> Bool { handles[index] == nil }

    /// Waits up to `timeout` (nil: for ever) until at least one socket has input.
    ///
    /// - Returns: how many sockets have input; ask ``hasInput(_:)`` which.
    /// - Complexity: O(n) in the number of sockets.
    public mutating func poll(timeout: Duration?) throws(ZMQError) -> Int {
        let count = Int32(items.count)
        let ms = milliseconds(timeout)
        return Int(try items.withUnsafeMutableBufferPointer { (buffer) throws(ZMQError) in
            try zmqCheck("poll") { zmq_poll(buffer.baseAddress, count, ms) }
        })
    }

    /// Whether socket `index` had input at the last ``poll(timeout:)``.
    public func hasInput(_ index: Int) -> Bool {
        (items[index].revents & Int16(ZMQ_POLLIN)) != 0
    }

    /// Lends socket `index` to `body`. `index` must be a socket's, not a descriptor's.
    public func withSocket<R, E: Error>(at index: Int, _ body: (borrowing ZMQSocket) throws(E) -> R) throws(E) -> R {
        guard let handle = handles[index] else { preconditionFailure("entry \(index) of the group is a plain descriptor") }
        let socket = ZMQSocket(handle: handle)
        return try body(socket)
    }
}
