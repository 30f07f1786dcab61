// The ZeroMQ context: owns libzmq's I/O threads.
internal import CLibZMQ

/// A libzmq context.
///
/// A context is thread-safe, so it is `Sendable`. Every ``ZMQSocket`` keeps a strong reference to its
/// context: Swift may otherwise release the context at its last use, and `zmq_ctx_term` would then block
/// for ever while a socket is still open.
///
/// Call ``shutdown()`` from any thread to make every blocking call on the context's sockets return
/// ``ZMQError/Code/contextTerminated``; the context is terminated when the last reference goes.
public final class ZMQContext: Sendable {
    // `nonisolated(unsafe)`: the pointer is written once in init and libzmq contexts are thread-safe.
    nonisolated(unsafe) let handle: UnsafeMutableRawPointer

    /// Creates a context with `ioThreads` libzmq I/O threads.
    public init(ioThreads: Int = 1) throws(ZMQError) {
        guard let handle = zmq_ctx_new() else {
            throw ZMQError(code: .other, message: "zmq_ctx_new: \(zmqErrorText(zmq_errno()))", errno: zmq_errno())
        }
        self.handle = handle
        if ioThreads != 1 {
            try zmqCheck("zmq_ctx_set(ZMQ_IO_THREADS, \(ioThreads))") {
                zmq_ctx_set(handle, ZMQ_IO_THREADS, Int32(clamping: ioThreads))
            }
        }
    }

    /// Makes blocking calls on every socket of this context fail with ``ZMQError/Code/contextTerminated``.
    ///
    /// Safe to call from any thread, more than once.
    public func shutdown() {
        _ = zmq_ctx_shutdown(handle)
    }

    deinit {
        // Every socket holds a reference to us, so none is open here: zmq_ctx_term cannot block.
        while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {}
    }

    /// The libzmq version this process runs against, as `major.minor.patch`.
    public static var libraryVersion: String {
        var major: Int32 = 0, minor: Int32 = 0, patch: Int32 = 0
        zmq_version(&major, &minor, &patch)
        return "\(major).\(minor).\(patch)"
    }
}
