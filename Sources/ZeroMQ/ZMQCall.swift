// The single place where libzmq return codes become Swift control flow.
internal import CLibZMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a non-blocking libzmq call did.
@usableFromInline
enum ZMQCallResult: Sendable {
    /// The call succeeded with this return value.
    case done(Int32)
    /// `EAGAIN`: nothing to do without blocking.
    case wouldBlock
}

/// Runs one libzmq call and interprets its errno, following NIO's `System.swift`.
///
/// - `EINTR` is retried: a signal is not an error.
/// - `EAGAIN` is returned as ``ZMQCallResult/wouldBlock``.
/// - `ETERM` throws ``ZMQError/Code/contextTerminated``: the context is shutting down.
/// - `EFAULT` and `ENOTSOCK` are programmer errors (a closed or foreign handle): they trap.
/// - Anything else throws with the operation's name and libzmq's message.
@inline(__always)
func zmqCall(_ operation: @autoclosure () -> String, _ body: () -> Int32) throws(ZMQError) -> ZMQCallResult {
    while true {
        let rc = body()
        if rc >= 0 { return .done(rc) }
        let err = zmq_errno()
        switch err {
        case EINTR:
            continue
        case EAGAIN:
            return .wouldBlock
        case ETERM:
            throw ZMQError(code: .contextTerminated, message: "\(operation()): context terminated", errno: err)
        case EFAULT, ENOTSOCK:
            preconditionFailure("\(operation()): libzmq reports \(zmqErrorText(err)); the socket or message handle is invalid")
        default:
            throw ZMQError(code: errorCode(for: err), message: "\(operation()): \(zmqErrorText(err))", errno: err)
        }
    }
}

/// Like ``zmqCall(_:_:)`` for calls that cannot would-block: `EAGAIN` is thrown as an error.
@inline(__always)
@discardableResult
func zmqCheck(_ operation: @autoclosure () -> String, _ body: () -> Int32) throws(ZMQError) -> Int32 {
    switch try zmqCall(operation(), body) {
    case .done(let rc): return rc
    case .wouldBlock:
        throw ZMQError(code: .other, message: "\(operation()): resource temporarily unavailable", errno: EAGAIN)
    }
}

func zmqErrorText(_ err: Int32) -> String {
    guard let text = zmq_strerror(err) else { return "errno \(err)" }
    return String(cString: text)
}

private func errorCode(for err: Int32) -> ZMQError.Code {
    switch err {
    case EINVAL: .invalidArgument
    case EADDRINUSE: .addressInUse
    case EADDRNOTAVAIL: .addressNotAvailable
    case EPROTONOSUPPORT: .unsupportedProtocol
    case EMSGSIZE: .messageTooLarge
    case ENOTSUP, EFSM: .operationNotSupported
    case EMFILE: .tooManyOpenFiles
    case ENODEV, ENOENT: .invalidEndpoint
    default: .other
    }
}
