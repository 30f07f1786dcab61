// The ingest thread: polls every endpoint, hands each message to the FrameProcessor.
public import Logging
public import ZeroMQ
import TelemetryModel
import Synchronization
import Dispatch
import Foundation

/// Runs ingest on a thread of its own: every endpoint's socket is polled there, and each message
/// is classified, decoded and counted by a ``FrameProcessor``.
///
/// A flood on one socket cannot starve the others: each socket gives up its turn after
/// ``IngestSettings/fairnessBatch`` messages. A bad frame costs a counter, never the loop.
///
/// ```swift
/// let ingestor = TelemetryIngestor(settings: settings, logger: logger)
/// try ingestor.start()
/// // ... ingestor.snapshot() for live counters ...
/// let final = ingestor.stop()
/// ```
public final class TelemetryIngestor: Sendable {
    /// The settings the run uses.
    public let settings: IngestSettings
    private let logger: Logger
    private let context: ZMQContext
    private let ownsContext: Bool
    private let stopRequested = Atomic<Bool>(false)
    private let shared: Mutex<SharedState>
    private let finished = DispatchSemaphore(value: 0)

    private struct SharedState: Sendable {
        var statistics: IngestStatistics
        var started = false
        var stopped = false
        var failure: IngestError?
    }

    /// How often the ingest thread publishes its counters for ``snapshot()``.
    static let publishInterval: Duration = .milliseconds(200)
    /// How long one poll waits; bounds how quickly ``stop()`` is noticed.
    static let pollTimeout: Duration = .milliseconds(50)

    /// Prepares a run. Nothing is opened until ``start(rawSinks:recordSinks:)``.
    ///
    /// - Parameter context: the ZeroMQ context to open sockets in; pass one to share `inproc://`
    ///   endpoints with other code. By default the ingestor makes its own.
    public init(settings: IngestSettings, context: ZMQContext? = nil, logger: Logger) throws(IngestError) {
        self.settings = settings
        self.logger = logger
        if let context {
            self.context = context
            self.ownsContext = false
        } else {
            do {
                self.context = try ZMQContext()
            } catch {
                throw IngestError(code: .endpointSetup, message: "cannot create a ZeroMQ context: \(error)", cause: error)
            }
            self.ownsContext = true
        }
        self.shared = Mutex(SharedState(statistics: IngestStatistics(endpointCount: settings.endpoints.count)))
    }

    /// Opens every endpoint and starts the ingest thread.
    ///
    /// Returns once every socket is bound or connected; throws if one could not be.
    /// The sinks are called on the ingest thread only, from now until ``stop()`` returns.
    public func start(rawSinks: [any RawFrameSink] = [], recordSinks: [any TelemetryRecordSink] = []) throws(IngestError) {
        precondition(shared.withLock { !$0.started && !$0.stopped }, "an ingestor runs once")
        let ready = DispatchSemaphore(value: 0)
        let setupError = Mutex<IngestError?>(nil)
        let sinks = SinkHandOff(raw: rawSinks, records: recordSinks)
        let thread = Thread { [self] in
            var group = ZMQSocketGroup()
            for endpoint in settings.endpoints {
                do throws(ZMQError) {
                    group.add(try endpoint.open(in: context))
                } catch {
                    setupError.withLock {
                        $0 = IngestError(code: .endpointSetup,
                                         message: "endpoint '\(endpoint.name)' (\(endpoint.mode.rawValue) \(endpoint.address)): \(error.message)",
                                         cause: error)
                    }
                    ready.signal()
                    finished.signal()
                    return
                }
            }
            ready.signal()
            run(group: &group, sinks: sinks)
            finished.signal()
        }
        thread.name = "haechi-ingest"
        thread.start()
        ready.wait()
        if let error = setupError.withLock({ $0 }) {
            shared.withLock { $0.stopped = true }
            throw error
        }
        shared.withLock { $0.started = true }
        logger.info("ingest started", metadata: ["endpoints": "\(settings.endpoints.map(\.name))"])
    }

    /// The counters as of the last publication (at most ~200 ms old while running; final after ``stop()``).
    public func snapshot() -> IngestStatistics {
        shared.withLock { $0.statistics }
    }

    /// Why the ingest thread stopped on its own, if it did.
    public var failure: IngestError? {
        shared.withLock { $0.failure }
    }

    /// Whether the ingest thread has ended (after ``stop()``, or on a socket failure).
    public var hasEnded: Bool {
        shared.withLock { $0.stopped }
    }

    /// Stops the ingest thread, waits for it (at most one poll interval) and returns the final counters.
    @discardableResult
    public func stop() -> IngestStatistics {
        stopRequested.store(true, ordering: .relaxed)
        let wasStarted = shared.withLock { state -> Bool in
            let wait = state.started && !state.stopped
            state.started = false
            return wait
        }
        if wasStarted {
            finished.wait()
            if ownsContext { context.shutdown() }
        }
        return snapshot()
    }

    private func run(group: inout ZMQSocketGroup, sinks: SinkHandOff) {
        let processor = FrameProcessor(endpointNames: settings.endpoints.map(\.name),
                                       maximumFrameBytes: settings.maximumFrameBytes,
                                       maximumSources: settings.maximumSources,
                                       siteGeoidSeparation: settings.siteGeoidSeparation,
                                       rawSinks: sinks.raw, recordSinks: sinks.records)
        // Intervals use the monotonic clock: a GPS or NTP step of the wall clock must not change them.
        let clock = ContinuousClock()
        var lastPublish = clock.now
        var failure: IngestError?
        loop: while !stopRequested.load(ordering: .relaxed) {
            do {
                if try group.poll(timeout: Self.pollTimeout) > 0 {
                    for index in 0..<group.count where group.hasInput(index) {
                        try drain(group: group, socket: index, into: processor)
                    }
                }
            } catch {
                if !error.isContextTerminated {
                    failure = IngestError(code: .socketFailure, message: "ingest stopped: \(error.message)", cause: error)
                }
                break loop
            }
            let now = clock.now
            if now - lastPublish >= Self.publishInterval {
                let statistics = processor.statistics
                shared.withLock { $0.statistics = statistics }
                lastPublish = now
            }
        }
        let statistics = processor.statistics
        shared.withLock {
            $0.statistics = statistics
            $0.failure = failure
            $0.stopped = true
        }
        if let failure { logger.error("\(failure.message)") }
    }

    /// Reads up to one fairness batch of waiting messages from one socket.
    private func drain(group: borrowing ZMQSocketGroup, socket index: Int, into processor: FrameProcessor) throws(ZMQError) {
        try group.withSocket(at: index) { (socket) throws(ZMQError) in
            for _ in 0..<settings.fairnessBatch {
                let received: Bool? = try socket.receive(blocking: false) { message in
                    Self.lend(message, endpoint: index, to: processor)
                    return true
                }
                if received == nil { return }
            }
        }
    }

    /// Hands a received message's parts to the processor without copying them.
    private static func lend(_ message: borrowing ZMQReceivedMessage, endpoint: Int, to processor: FrameProcessor) {
        let receivedAt = WallClock.now()
        message.withUnsafePartBuffers { parts in
            processor.process(parts: parts, endpoint: endpoint, receivedAt: receivedAt)
        }
    }
}

/// The sinks, handed from the caller's thread to the ingest thread once.
private struct SinkHandOff {
    let raw: [any RawFrameSink]
    let records: [any TelemetryRecordSink]
}

// Invariant: after `start` hands the sinks over, only the ingest thread calls them, until `stop()`
// has joined that thread. The caller must not use them concurrently in that time (documented on `start`).
extension SinkHandOff: @unchecked Sendable {}
