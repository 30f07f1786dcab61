// The ingest pipeline: a receive thread feeds the ring; a decode stage and a recorder stage drain it.
public import Logging
public import ZeroMQ
import TelemetryModel
import LockFreeRing
import Atomics
import Synchronization
import Dispatch
import Foundation

/// Runs ingest as three threads around a ``LockFreeRing``:
///
/// 1. **receive** (the producer): one thread polls every endpoint and receives each message's parts
///    straight into the ``FrameArena``, numbering messages with the ring's sequence (the global
///    receive number). Why one poller rather than a producer per endpoint: a libzmq socket belongs
///    to one thread, the ring has one producer by design (no claim contention), libzmq's I/O thread
///    already does the network work, and one thread makes the global receive order a plain counter.
///    Fairness comes from reading at most ``IngestSettings/fairnessBatch`` messages per socket per turn.
/// 2. **decode** (consumer 0): classifies, decodes and counts each frame (``FrameProcessor``),
///    hands records to the record sinks (the tracker), and leaves its verdict for the recorder.
/// 3. **raw** (consumer 1, after decode): hands every frame, good or bad, with its verdict to the
///    raw sinks (the recorder), in receive order.
///
/// Every socket has `ZMQ_MAXMSGSIZE` set (``IngestSettings/messageSizeLimit(of:)``), so a peer cannot
/// make libzmq allocate more than that for one message part; libzmq drops the connection of a peer
/// that tries. Each socket's connection events come in through a monitor PAIR socket polled with
/// the endpoints, and are counted per endpoint (``EndpointLinkCounters``). libzmq gives up a
/// connect endpoint's connection for good after such a refusal; the receive thread connects it
/// again once libzmq has not retried within ``rearmDelay``.
///
/// Backpressure: by default nothing is dropped inside Haechi. When the ring or the arena is full,
/// the receive thread stops reading (counted as a producer wait) and ZeroMQ's own queues take the
/// strain: PULL senders block; SUB publishers drop at their high-water mark, which shows up as
/// sequence gaps. With ``TrackingOverloadPolicy/shed`` the decode stage counts frames without
/// decoding them while it lags, so a slow tracker never stops ingest; the recorder still gets them.
public final class TelemetryIngestor: Sendable {
    /// The settings the run uses.
    public let settings: IngestSettings
    private let logger: Logger
    private let context: ZMQContext
    private let ownsContext: Bool
    private let stopRequested = ManagedAtomic<Bool>(false)
    private let producerDone = ManagedAtomic<Bool>(false)
    private let producerWaits = ManagedAtomic<UInt64>(0)
    private let shared: Mutex<SharedState>
    private let finished = DispatchGroup()
    /// Every connection the ZAP handler admitted, by number.
    public let senders = FrameSenderRegistry()
    private let zap: Mutex<ZAPHandler?> = Mutex(nil)

    private struct SharedState: Sendable {
        var statistics: IngestStatistics
        var started = false
        var stopped = false
        var failure: IngestError?
    }

    /// How often the decode stage publishes its counters for ``snapshot()``.
    static let publishInterval: Duration = .milliseconds(200)
    /// How long one poll waits; bounds how quickly ``stop()`` is noticed.
    static let pollTimeout: Duration = .milliseconds(50)
    /// The most a stage takes from the ring at once.
    static let drainBatch = 256
    /// How long after a connect endpoint's disconnect the receive thread waits for libzmq's own
    /// reconnect (announced at once, as `connect retried`) before it connects again itself.
    static let rearmDelay: Duration = .seconds(1)
    /// Numbers the monitor addresses (`inproc://haechi-monitor-<n>`), unique in the process.
    private static let monitorNumbers = ManagedAtomic<Int>(0)

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
        var initial = IngestStatistics(endpointCount: settings.endpoints.count)
        initial.pipeline = Self.counters(settings)
        initial.endpointLinks = Array(repeating: EndpointLinkCounters(), count: settings.endpoints.count)
        self.shared = Mutex(SharedState(statistics: initial))
    }

    private static func counters(_ settings: IngestSettings) -> PipelineCounters {
        var counters = PipelineCounters()
        counters.ringSlots = settings.pipeline.ringSlots
        counters.arenaBytes = settings.pipeline.arenaBytes
        counters.trackingOverload = settings.pipeline.trackingOverload
        return counters
    }

    /// The arena room kept for one message: its payload and its topic up to the frame limit (+1 so
    /// an oversize frame is seen to be oversize), and a little for length prefixes and extra parts.
    var messageBudget: Int { IngestSettings.messageBudget(maximumFrameBytes: settings.maximumFrameBytes) }

    /// Opens every endpoint and starts the three threads.
    ///
    /// Returns once every socket is bound or connected; throws if one could not be.
    /// The sinks are called on the pipeline's threads only (record sinks on the decode thread, raw
    /// sinks on the raw thread), from now until ``stop()`` returns.
    public func start(rawSinks: [any RawFrameSink] = [], recordSinks: [any TelemetryRecordSink] = []) throws(IngestError) {
        precondition(shared.withLock { !$0.started && !$0.stopped }, "an ingestor runs once")
        let pipeline = settings.pipeline
        let minimumArena = IngestSettings.minimumArenaBytes(maximumFrameBytes: settings.maximumFrameBytes)
        guard pipeline.arenaBytes >= minimumArena else {
            throw IngestError(code: .endpointSetup, message: "pipeline.arena_bytes (\(pipeline.arenaBytes)) must hold at least four "
                              + "frames of max_frame_bytes: at least \(minimumArena)")
        }
        let wait: any RingWaitStrategy = switch pipeline.wait {
        case .block: SpinThenBlockWait()
        case .yield: YieldingWait()
        case .spin: BusySpinWait()
        }
        let core = PipelineCore(ring: LockFreeRing(capacity: pipeline.ringSlots, consumers: 2, dependencies: [nil, 0], waitStrategy: wait),
                                arena: FrameArena(capacity: pipeline.arenaBytes))
        let sinks = SinkHandOff(raw: rawSinks, records: recordSinks)

        // The ZAP handler answers before any endpoint opens, so no connection goes unnumbered.
        if settings.endpoints.contains(where: ZAPHandler.appliesTo) {
            let handler = ZAPHandler(context: context, endpoints: settings.endpoints, registry: senders)
            try handler.start()
            zap.withLock { $0 = handler }
        }
        let ready = DispatchSemaphore(value: 0)
        let setupError = Mutex<IngestError?>(nil)
        finished.enter()
        let receive = Thread { [self] in
            defer {
                producerDone.store(true, ordering: .releasing)
                core.ring.waitStrategy.signal()
                finished.leave()
            }
            // Sockets 0..<n are the endpoints; n..<2n their monitors, in the same order. Each endpoint is
            // bound or connected only once its monitor's reader is there (see IngestEndpoint.open).
            var group = ZMQSocketGroup()
            func fail(_ endpoint: IngestEndpoint, _ what: String, _ error: ZMQError) {
                setupError.withLock {
                    $0 = IngestError(code: .endpointSetup,
                                     message: "endpoint '\(endpoint.name)' (\(endpoint.mode.rawValue) \(endpoint.address)): \(what)\(error.message)",
                                     cause: error)
                }
                ready.signal()
            }
            let monitors = settings.endpoints.map { _ in
                "inproc://haechi-monitor-\(Self.monitorNumbers.loadThenWrappingIncrement(ordering: .relaxed))"
            }
            for (index, endpoint) in settings.endpoints.enumerated() {
                do throws(ZMQError) {
                    group.add(try endpoint.open(in: context, messageSizeLimit: settings.messageSizeLimit(of: endpoint),
                                                monitor: monitors[index]))
                } catch {
                    fail(endpoint, "", error)
                    return
                }
            }
            for (index, address) in monitors.enumerated() {
                do throws(ZMQError) {
                    let monitor = try ZMQSocket(context: context, type: .pair)
                    try monitor.setOption(.linger, 0)
                    try monitor.connect(address)
                    group.add(monitor)
                } catch {
                    fail(settings.endpoints[index], "cannot watch its connections: ", error)
                    return
                }
            }
            for (index, endpoint) in settings.endpoints.enumerated() {
                do throws(ZMQError) {
                    try group.withSocket(at: index) { (socket) throws(ZMQError) in try endpoint.attach(socket) }
                } catch {
                    fail(endpoint, "", error)
                    return
                }
            }
            ready.signal()
            produce(group: &group, core: core)
        }
        receive.name = "haechi-receive"
        receive.start()
        ready.wait()
        if let error = setupError.withLock({ $0 }) {
            finished.wait()
            zap.withLock { $0 }?.stop()
            shared.withLock { $0.stopped = true }
            throw error
        }
        spawn("haechi-decode") { [self] in decodeStage(core: core, sinks: sinks) }
        spawn("haechi-raw") { [self] in rawStage(core: core, sinks: sinks) }
        shared.withLock { $0.started = true }
        logger.info("ingest started", metadata: ["endpoints": "\(settings.endpoints.map(\.name))"])
    }

    /// Runs `body` on a named thread that ``stop()`` waits for.
    private func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        finished.enter()
        let thread = Thread { [finished] in
            body()
            finished.leave()
        }
        thread.name = name
        thread.start()
    }

    /// The counters as of the last publication (at most ~200 ms old while running; final after ``stop()``).
    public func snapshot() -> IngestStatistics {
        var statistics = shared.withLock { $0.statistics }
        statistics.pipeline.producerWaits = producerWaits.load(ordering: .relaxed)
        if let admitted = zap.withLock({ $0 })?.securityCounters {
            for (index, counters) in admitted.enumerated() where index < statistics.endpointSecurity.count {
                var merged = counters
                merged.framesRefused = statistics.endpointSecurity[index].framesRefused
                statistics.endpointSecurity[index] = merged
            }
        }
        return statistics
    }

    /// Why ingest stopped on its own, if it did.
    public var failure: IngestError? {
        shared.withLock { $0.failure }
    }

    /// Whether ingest has ended (after ``stop()``, or on a socket failure).
    public var hasEnded: Bool {
        shared.withLock { $0.stopped } || (producerDone.load(ordering: .acquiring) && shared.withLock { $0.failure != nil })
    }

    /// Stops receiving, lets the decode and raw stages finish every frame already received, waits
    /// for the threads, and returns the final counters.
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
            zap.withLock { $0 }?.stop()
            if ownsContext { context.shutdown() }
            shared.withLock { $0.stopped = true }
        }
        return snapshot()
    }

    // MARK: The receive thread

    private func produce(group: inout ZMQSocketGroup, core: PipelineCore) {
        let ring = core.ring
        var pending: Int64?   // the last claimed, unpublished sequence
        var failure: IngestError?
        let cancelled = { [stopRequested] in stopRequested.load(ordering: .relaxed) }
        func publishPending() {
            if let last = pending {
                ring.publish(through: last)
                pending = nil
            }
        }
        let endpointCount = settings.endpoints.count
        let clock = ContinuousClock()
        // Per connect endpoint: when to connect again unless libzmq announces its own reconnect first.
        var rearmAt = [ContinuousClock.Instant?](repeating: nil, count: endpointCount)
        loop: while !stopRequested.load(ordering: .relaxed) {
            do {
                if try group.poll(timeout: Self.pollTimeout) > 0 {
                    for index in 0..<group.count where group.hasInput(index) {
                        if index >= endpointCount {
                            try group.withSocket(at: index) { (monitor) throws(ZMQError) in
                                try watchLinks(monitor, endpoint: index - endpointCount, rearmAt: &rearmAt[index - endpointCount],
                                               now: clock.now)
                            }
                            continue
                        }
                        for _ in 0..<settings.fairnessBatch {
                            // A slot first: when the ring is full, stop reading (backpressure).
                            var sequence = ring.tryClaim()
                            if sequence == nil {
                                publishPending()
                                producerWaits.wrappingIncrement(ordering: .relaxed)
                                sequence = ring.claim(1, until: cancelled)
                            }
                            guard let sequence else { break loop }
                            guard let start = reserveArena(core: core, cancelled: cancelled, publish: publishPending) else {
                                break loop
                            }
                            // The slot is claimed; if nothing is waiting after all, it is simply reused next time.
                            let slot = try group.withSocket(at: index) { (socket) throws(ZMQError) -> FrameSlot? in
                                try receiveMessage(from: socket, into: core.arena, at: start, endpoint: index)
                            }
                            guard let slot else {
                                ring.unclaim(sequence)
                                break
                            }
                            core.arena.commit(start: start, count: slot.byteCount)
                            if ring.isInitialized(sequence) {
                                ring.withSlot(sequence) { $0 = slot }
                            } else {
                                ring.store(slot, at: sequence)
                            }
                            pending = sequence
                        }
                        publishPending()
                    }
                }
                for index in rearmAt.indices {
                    guard let due = rearmAt[index], clock.now >= due else { continue }
                    rearmAt[index] = nil
                    let address = settings.endpoints[index].address
                    try group.withSocket(at: index) { (socket) throws(ZMQError) in try socket.connect(address) }
                    shared.withLock { $0.statistics.endpointLinks[index].reconnects += 1 }
                }
            } catch {
                if !error.isContextTerminated {
                    failure = IngestError(code: .socketFailure, message: "ingest stopped: \(error.message)", cause: error)
                }
                break loop
            }
        }
        publishPending()
        if let failure {
            shared.withLock { $0.failure = failure }
            logger.error("\(failure.message)")
        }
    }

    /// Counts the connection events waiting on an endpoint's monitor. A disconnect of a connect
    /// endpoint arms `rearmAt`; libzmq's own reconnect (`connect retried`, `connect delayed`,
    /// `connected`) disarms it. libzmq announces that reconnect at once, except after a protocol error
    /// (a message part over `ZMQ_MAXMSGSIZE`), after which it never reconnects.
    private func watchLinks(_ monitor: borrowing ZMQSocket, endpoint: Int, rearmAt: inout ContinuousClock.Instant?,
                            now: ContinuousClock.Instant) throws(ZMQError) {
        let connects = settings.endpoints[endpoint].mode == .connect
        while let link = try monitor.receiveMonitorEvent(blocking: false) {
            let event = link.event
            switch event {
            case .accepted, .connected:
                if event == .connected { rearmAt = nil }
                shared.withLock { $0.statistics.endpointLinks[endpoint].connections += 1 }
            case .disconnected:
                if connects { rearmAt = now + Self.rearmDelay }
                shared.withLock { $0.statistics.endpointLinks[endpoint].disconnects += 1 }
            case .connectRetried, .connectDelayed:
                rearmAt = nil
            default:
                // A CURVE endpoint's handshakes: the ZAP handler counts the refusals it never sees.
                if let handshake = ZMQHandshakeEvent(event: event.rawValue, value: link.value) {
                    zap.withLock { $0 }?.count(handshake, endpoint: endpoint)
                }
            }
        }
    }

    /// Waits until the arena has room for one more message; returns where it starts.
    private func reserveArena(core: PipelineCore, cancelled: () -> Bool, publish: () -> Void) -> Int64? {
        let budget = messageBudget
        func fits() -> Int64? {
            let start = core.arena.start(forBudget: budget)
            let ring = core.ring
            // The arena's tail: where the oldest message still in use starts (none: everything is free).
            let oldest = ring.slowestConsumedSequence + 1
            let tail = oldest < ring.nextSequence - 1 ? ring.producerPeek(oldest).arenaOffset : start
            return start + Int64(budget) - min(tail, start) <= Int64(core.arena.capacity) ? start : nil
        }
        if let start = fits() { return start }
        publish()
        producerWaits.wrappingIncrement(ordering: .relaxed)
        var start: Int64?
        _ = core.ring.waitStrategy.wait(until: { start = fits(); return start != nil }, deadline: nil, cancelled: cancelled)
        return start
    }

    /// Receives one whole message into the arena at `start`, or returns `nil` if none is waiting.
    private func receiveMessage(from socket: borrowing ZMQSocket, into arena: FrameArena, at start: Int64,
                                endpoint: Int) throws(ZMQError) -> FrameSlot? {
        let base = arena.pointer(at: start)
        let budget = messageBudget
        var used = 0
        var arrived = 0   // parts, stored or not
        var slot = FrameSlot(arenaOffset: start, endpoint: endpoint)
        var more = true
        while more {
            // Room for this part: what is left of the budget after its 4-byte length prefix.
            let room = max(0, budget - used - 4)
            let buffer = UnsafeMutableRawBufferPointer(start: base + used + 4, count: room)
            let first = arrived == 0
            guard let part = try socket.receivePart(into: buffer, blocking: !first, readingUserID: first) else {
                precondition(first, "libzmq delivers the parts of a message together")
                return nil
            }
            if first {
                slot.receiveTime = WallClock.now().nanosecondsSinceEpoch
                slot.connection = part.userID
            } else {
                slot.payloadBytes += part.size   // as it arrived, however much of it is kept
            }
            arrived += 1
            let stored = min(part.size, room)
            if part.size > room { slot.truncated = true }
            if used + 4 <= budget {
                (base + used).storeBytes(of: UInt32(stored).littleEndian, as: UInt32.self)
                used += 4 + stored
                slot.partCount += 1
            } else {
                slot.truncated = true   // no room even for the length: the part is counted as cut short
            }
            more = part.more
        }
        slot.byteCount = used
        return slot
    }

    // MARK: The decode stage

    private func decodeStage(core: PipelineCore, sinks: SinkHandOff) {
        let processor = FrameProcessor(endpointNames: settings.endpoints.map(\.name),
                                       maximumFrameBytes: settings.maximumFrameBytes,
                                       maximumSources: settings.maximumSources,
                                       siteGeoidSeparation: settings.siteGeoidSeparation,
                                       truthIntegrity: settings.truthIntegrity,
                                       recordSinks: sinks.records)
        var senderCache = FrameSenderCache(registry: senders)
        let ring = core.ring
        let shed = settings.pipeline.trackingOverload == .shed
        let decode = settings.pipeline.decodeFrames
        let shedLag = Int64(Double(ring.capacity) * settings.pipeline.shedLag)
        let clock = ContinuousClock()
        var lastPublish = clock.now
        func publish() {
            let statistics = processor.statistics
            shared.withLock {
                // The pipeline's and the links' counters are kept by the receive thread.
                let pipeline = $0.statistics.pipeline
                let links = $0.statistics.endpointLinks
                $0.statistics = statistics
                $0.statistics.pipeline = pipeline
                $0.statistics.endpointLinks = links
            }
        }
        while true {
            let drained = ring.drain(0, maxBatch: Self.drainBatch) { sequence, slot in
                let receivedAt = Timestamp(nanosecondsSinceEpoch: slot.receiveTime)
                guard decode else {
                    core.verdicts[Int(sequence & Int64(ring.capacity - 1))] = Verdict.shed
                    return
                }
                core.arena.withParts(of: slot) { parts in
                    let verdict: UInt8
                    if shed, ring.publishedSequence - sequence > shedLag {
                        processor.countShed(parts: parts, endpoint: slot.endpoint, receivedAt: receivedAt, sequence: UInt64(sequence),
                                            payloadBytes: slot.payloadBytes)
                        verdict = Verdict.shed
                    } else {
                        let sender = senderCache.sender(connection: slot.connection, endpoint: slot.endpoint)
                        let rejection = processor.process(parts: parts, endpoint: slot.endpoint, receivedAt: receivedAt,
                                                          sequence: UInt64(sequence), payloadBytes: slot.payloadBytes, sender: sender)
                        verdict = Verdict.code(rejection)
                    }
                    // Read by the raw stage after this stage releases `sequence` (the ring's dependency pair).
                    core.verdicts[Int(sequence & Int64(ring.capacity - 1))] = verdict
                }
            }
            if clock.now - lastPublish >= Self.publishInterval {
                publish()
                lastPublish = clock.now
            }
            if drained > 0 { continue }
            if producerDone.load(ordering: .acquiring), ring.consumedSequence(0) >= ring.publishedSequence { break }
            _ = ring.waitForData(0, until: { [producerDone] in producerDone.load(ordering: .acquiring) },
                                 deadline: clock.now + Self.publishInterval)
        }
        publish()
    }

    // MARK: The raw stage

    private func rawStage(core: PipelineCore, sinks: SinkHandOff) {
        let ring = core.ring
        let badTopicKeys = settings.endpoints.map { FrameProcessor.badTopicKey(endpoint: $0.name) }
        var senderCache = FrameSenderCache(registry: senders)
        while true {
            let drained = ring.drain(1, maxBatch: Self.drainBatch) { sequence, slot in
                guard !sinks.raw.isEmpty else { return }
                let verdict = core.verdicts[Int(sequence & Int64(ring.capacity - 1))]
                core.arena.withParts(of: slot) { parts in
                    let frame = RawFrame(receiveSequence: UInt64(sequence), receiveTime: Timestamp(nanosecondsSinceEpoch: slot.receiveTime),
                                         endpointIndex: slot.endpoint,
                                         sourceKey: FrameProcessor.frameKey(parts.first.flatMap(SourceTopic.init(bytes:)),
                                                                            endpoint: badTopicKeys[slot.endpoint]),
                                         parts: parts, rejection: Verdict.reason(verdict), wasDecoded: verdict != Verdict.shed,
                                         isTruncated: slot.truncated, payloadBytes: slot.payloadBytes,
                                         sender: senderCache.sender(connection: slot.connection, endpoint: slot.endpoint))
                    for sink in sinks.raw { sink.receive(frame) }
                }
            }
            for sink in sinks.raw { sink.idle() }
            if drained > 0 { continue }
            if producerDone.load(ordering: .acquiring), ring.consumedSequence(1) >= ring.publishedSequence { break }
            _ = ring.waitForData(1, until: { [producerDone] in producerDone.load(ordering: .acquiring) },
                                 deadline: ContinuousClock.now + Self.publishInterval)
        }
    }
}

/// The ring, the arena and the verdicts, shared by the three threads.
private final class PipelineCore: @unchecked Sendable {
    // @unchecked Sendable: the ring's cursors order every access. The receive thread writes slots and
    // arena bytes before publishing; the decode stage writes `verdicts[s]` before releasing s; the raw
    // stage, which depends on the decode stage, reads them after acquiring its cursor.
    let ring: LockFreeRing<FrameSlot>
    let arena: FrameArena
    let verdicts: UnsafeMutablePointer<UInt8>

    init(ring: LockFreeRing<FrameSlot>, arena: FrameArena) {
        self.ring = ring
        self.arena = arena
        verdicts = .allocate(capacity: ring.capacity)
        verdicts.initialize(repeating: 0, count: ring.capacity)
    }

    deinit { verdicts.deallocate() }
}

/// The decode stage's verdict on a frame, as one byte for the raw stage.
enum Verdict {
    static let accepted: UInt8 = 0
    static let shed: UInt8 = 255
    static let reasons = RejectReason.allCases

    static func code(_ reason: RejectReason?) -> UInt8 {
        guard let reason else { return accepted }
        return UInt8(reasons.firstIndex(of: reason)! + 1)
    }

    static func reason(_ code: UInt8) -> RejectReason? {
        code == accepted || code == shed ? nil : reasons[Int(code) - 1]
    }
}

/// The sinks, handed from the caller's thread to the pipeline's threads once.
private struct SinkHandOff {
    let raw: [any RawFrameSink]
    let records: [any TelemetryRecordSink]
}

// Invariant: after `start` hands the sinks over, record sinks are called only on the decode thread
// and raw sinks only on the raw thread, until `stop()` has joined both. The caller must not use
// them concurrently in that time (documented on `start`).
extension SinkHandOff: @unchecked Sendable {}
