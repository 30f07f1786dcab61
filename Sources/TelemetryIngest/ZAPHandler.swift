// The ZAP handler (ZeroMQ RFC 27): numbers each connection to a network endpoint, admits or refuses it.
import ZeroMQ
import Atomics
import Dispatch
import Foundation
import Synchronization

/// Answers libzmq's ZAP requests on `inproc://zeromq.zap.01`, on a thread of its own.
///
/// Every network endpoint's socket carries a ZAP domain (its endpoint name), so libzmq asks here
/// about each new connection before any of its messages is delivered, plaintext (NULL) ones
/// included. The handler registers the connection (``FrameSenderRegistry``) and answers `200` with
/// the connection's number as the user id; libzmq then stamps that number on every message of the
/// connection (`User-Id` metadata), which is how the receive thread knows who sent each frame.
/// A ZAP handler's user id takes precedence over any property a peer sends about itself.
final class ZAPHandler: Sendable {
    /// Where libzmq looks for a context's ZAP handler (RFC 27).
    static let address = "inproc://zeromq.zap.01"
    /// How long one poll waits; bounds how quickly ``stop()`` is noticed.
    static let pollTimeout: Duration = .milliseconds(50)

    let registry: FrameSenderRegistry
    private let context: ZMQContext
    private let endpointNames: [String]
    private let stopRequested = ManagedAtomic<Bool>(false)
    private let finished = DispatchSemaphore(value: 0)

    /// A handler for `endpoints` (their names are the ZAP domains) in `context`.
    init(context: ZMQContext, endpoints: [IngestEndpoint], registry: FrameSenderRegistry) {
        self.context = context
        self.endpointNames = endpoints.map(\.name)
        self.registry = registry
    }

    /// Whether an endpoint's connections go through ZAP: those with a ZMTP handshake (not `inproc://`,
    /// whose peers share the process, and not PGM, which has no connections).
    static func appliesTo(_ endpoint: IngestEndpoint) -> Bool {
        !["inproc", "pgm", "epgm"].contains(endpoint.address.split(separator: ":", maxSplits: 1).first.map(String.init) ?? "")
    }

    /// Binds the handler's socket and starts its thread; returns once it answers.
    func start() throws(IngestError) {
        let ready = DispatchSemaphore(value: 0)
        let setupError = Mutex<ZMQError?>(nil)
        let thread = Thread { [self] in
            defer { finished.signal() }
            do throws(ZMQError) {
                let socket = try ZMQSocket(context: context, type: .rep)
                try socket.setOption(.linger, 0)
                try socket.bind(Self.address)
                ready.signal()
                serve(socket)
            } catch {
                setupError.withLock { $0 = error }
                ready.signal()
            }
        }
        thread.name = "haechi-zap"
        thread.start()
        ready.wait()
        if let failure = setupError.withLock({ $0 }) {
            finished.wait()
            let message = failure.code == .addressInUse
                ? "another ZAP handler already serves this ZeroMQ context (\(Self.address))"
                : "cannot start the ZAP handler: \(failure.message)"
            throw IngestError(code: .endpointSetup, message: message, cause: failure)
        }
    }

    /// Stops the thread and waits for it.
    func stop() {
        guard !stopRequested.exchange(true, ordering: .relaxed) else { return }
        finished.wait()
    }

    private func serve(_ socket: borrowing ZMQSocket) {
        while !stopRequested.load(ordering: .relaxed) {
            do {
                guard try socket.waitForInput(timeout: Self.pollTimeout),
                      let request = try socket.receiveParts(blocking: false) else { continue }
                try socket.send(answer(request))
            } catch {
                return   // the context is shutting down (or the socket failed): libzmq refuses connections without us
            }
        }
    }

    /// The reply to one request: `[version, request id, status, text, user id, metadata]`.
    func answer(_ request: [[UInt8]]) -> [[UInt8]] {
        func reply(_ status: String, _ text: String, userID: String = "") -> [[UInt8]] {
            [Array("1.0".utf8), request.count > 1 ? request[1] : [], Array(status.utf8), Array(text.utf8), Array(userID.utf8), []]
        }
        // [version, request id, domain, address, routing id, mechanism, credentials...]
        guard request.count >= 6, request[0] == Array("1.0".utf8) else { return reply("400", "malformed ZAP request") }
        let domain = String(decoding: request[2], as: UTF8.self)
        let address = String(decoding: request[3], as: UTF8.self)
        let mechanism = String(decoding: request[5], as: UTF8.self)
        guard let endpoint = endpointNames.firstIndex(of: domain) else {
            // Not one of ours (a socket sharing the context set a domain): admitted, not numbered.
            return reply("200", "OK")
        }
        switch mechanism {
        case "NULL":
            let sender = registry.register(endpointIndex: endpoint, endpointName: domain, mechanism: .null, address: address)
            return reply("200", "OK", userID: "\(sender.connection)")
        default:
            return reply("400", "mechanism \(mechanism) is not accepted on '\(domain)'")
        }
    }
}
