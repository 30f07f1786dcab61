// The one error type of the ZeroMQ module.

/// An error from libzmq, or from misuse of this module that the environment caused.
///
/// Modelled on NIO's `FileSystemError`: a stable ``code`` to switch on, a human ``message``, and the
/// `errno` that libzmq reported, if any. The code ``Code/contextTerminated`` is not a failure: it is
/// how a blocked call learns that its context is shutting down, and callers treat it as a clean stop.
public struct ZMQError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, as a value callers can switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Wrapped: Hashable, Sendable {
            case contextTerminated
            case invalidEndpoint
            case addressInUse
            case addressNotAvailable
            case unsupportedProtocol
            case invalidArgument
            case messageTooLarge
            case operationNotSupported
            case tooManyOpenFiles
            case other
        }
        fileprivate var wrapped: Wrapped

        /// The context was shut down or terminated: a clean shutdown, not a fault.
        public static let contextTerminated = Code(wrapped: .contextTerminated)
        /// The endpoint string is not valid for its transport.
        public static let invalidEndpoint = Code(wrapped: .invalidEndpoint)
        /// Another socket already holds the address.
        public static let addressInUse = Code(wrapped: .addressInUse)
        /// The address does not belong to this machine.
        public static let addressNotAvailable = Code(wrapped: .addressNotAvailable)
        /// The transport in the endpoint is unknown or not compiled into libzmq.
        public static let unsupportedProtocol = Code(wrapped: .unsupportedProtocol)
        /// libzmq rejected an argument (an option value, a socket type).
        public static let invalidArgument = Code(wrapped: .invalidArgument)
        /// A message was larger than the socket allows.
        public static let messageTooLarge = Code(wrapped: .messageTooLarge)
        /// The operation is not valid for this socket type or state.
        public static let operationNotSupported = Code(wrapped: .operationNotSupported)
        /// The process or the context ran out of sockets or file descriptors.
        public static let tooManyOpenFiles = Code(wrapped: .tooManyOpenFiles)
        /// Any other errno; see ``ZMQError/errno``.
        public static let other = Code(wrapped: .other)

        public var description: String {
            switch wrapped {
            case .contextTerminated: "context terminated"
            case .invalidEndpoint: "invalid endpoint"
            case .addressInUse: "address in use"
            case .addressNotAvailable: "address not available"
            case .unsupportedProtocol: "unsupported protocol"
            case .invalidArgument: "invalid argument"
            case .messageTooLarge: "message too large"
            case .operationNotSupported: "operation not supported"
            case .tooManyOpenFiles: "too many open files"
            case .other: "error"
            }
        }
    }

    /// What went wrong.
    public var code: Code
    /// A sentence a person can act on: the operation, its argument and libzmq's own words.
    public var message: String
    /// The errno libzmq reported, or `nil` when the error did not come from libzmq.
    public var errno: Int32?

    /// Creates an error.
    public init(code: Code, message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    /// `true` when this error only reports that the context is shutting down.
    public var isContextTerminated: Bool { code == .contextTerminated }

    public var description: String { message }
}
