// Ingest over ZeroMQ: a receive thread polls every endpoint and feeds the core's IngestPipeline.
public import Logging
public import ZeroMQ
public import TelemetryIngest
public import TransportSettings
import TelemetryModel
import Asterix
#if canImport(Glibc)
import Glibc
#endif
import Atomics
import Synchronization
import Dispatch
import Foundation

/// Runs ingest over ZeroMQ: the one receive thread of an ``IngestPipeline`` (whose decode and raw
/// stages drain the ring behind it).
///
/// The receive thread polls every endpoint and receives each message's parts straight into the
/// pipeline's arena (``IngestProducer``), numbering messages with the ring's sequence (the global
/// receive number). Why one poller rather than a producer per endpoint: a libzmq socket belongs to
/// one thread, the ring has one producer by design (no claim contention), libzmq's I/O thread already
/// does the network work, and one thread makes the global receive order a plain counter. Fairness
/// comes from reading at most ``IngestSettings/fairnessBatch`` messages per socket per turn.
///
/// Every socket has `ZMQ_MAXMSGSIZE` set (``IngestSettings/messageSizeLimit(of:)``), so a peer cannot
/// make libzmq allocate more than that for one message part; libzmq drops the connection of a peer
/// that tries. Each socket's connection events come in through a monitor PAIR socket polled with
/// the endpoints, and are counted per endpoint (``EndpointLinkCounters``). libzmq gives up a
/// connect endpoint's connection for good after such a refusal; the receive thread connects it
/// again once libzmq has not retried within ``rearmDelay``.
///
/// Backpressure: see ``IngestPipeline``. When the ring or the arena is full the receive thread stops
/// reading and ZeroMQ's own queues take the strain: PULL senders block; SUB publishers drop at their
/// high-water mark, which shows up as sequence gaps.
public final class TelemetryIngestor: Sendable {
    /// The settings the run uses.
    public let settings: IngestSettings
    private let logger: Logger
    private let context: ZMQContext
    private let ownsContext: Bool
    private let pipeline: IngestPipeline
    private let shared: Mutex<SharedState>
    private let receiveFinished = DispatchGroup()
    /// Every connection the ZAP handler admitted, by number.
    public var senders: FrameSenderRegistry { pipeline.senders }
    private let zap: Mutex<ZAPHandler?> = Mutex(nil)

    private struct SharedState: Sendable {
        var started = false
        var stopped = false
        var failure: IngestError?
    }

    /// How long one poll waits; bounds how quickly ``stop()`` is noticed.
    static let pollTimeout: Duration = .milliseconds(50)
    /// How long after a connect endpoint's disconnect the receive thread waits for libzmq's own
    /// reconnect (announced at once, as `connect retried`) before it connects again itself.
    static let rearmDelay: Duration = .seconds(1)
    /// Numbers the monitor addresses (`inproc://haechi-monitor-<n>`), unique in the process.
    private static let monitorNumbers = ManagedAtomic<Int>(0)

    /// Prepares a run. Nothing is opened until ``start(rawSinks:recordSinks:)``.
    ///
    /// - Parameter context: the ZeroMQ context to open sockets in; pass one to share `inproc://`
    ///   endpoints with other code. By default the ingestor makes its own.
    /// - Throws: ``IngestError/Code/endpointSetup`` when the context cannot be made or the arena is
    ///   too small for the frame limit.
    public init(settings: IngestSettings, context: ZMQContext? = nil, logger: Logger) throws(IngestError) {
        self.settings = settings
        self.logger = logger
        pipeline = try IngestPipeline(configuration: settings.pipelineConfiguration)
        pipeline.updateStatistics { $0.endpointLinks = Array(repeating: EndpointLinkCounters(), count: settings.endpoints.count) }
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
        self.shared = Mutex(SharedState())
    }

    /// The arena room kept for one message.
    var messageBudget: Int { IngestPipeline.messageBudget(maximumFrameBytes: settings.maximumFrameBytes) }

    /// Opens every endpoint and starts the receive thread and the pipeline's two stages.
    ///
    /// Returns once every socket is bound or connected; throws if one could not be.
    /// The sinks are called on the pipeline's threads only (record sinks on the decode thread, raw
    /// sinks on the raw thread), from now until ``stop()`` returns.
    public func start(rawSinks: [any RawFrameSink] = [], recordSinks: [any TelemetryRecordSink] = []) throws(IngestError) {
        precondition(shared.withLock { !$0.started && !$0.stopped }, "an ingestor runs once")
        // The ZAP handler answers before any endpoint opens, so no connection goes unnumbered.
        if settings.endpoints.contains(where: ZAPHandler.appliesTo) {
            let handler = ZAPHandler(context: context, endpoints: settings.endpoints, registry: senders)
            try handler.start()
            zap.withLock { $0 = handler }
        }
        let ready = DispatchSemaphore(value: 0)
        let setupError = Mutex<IngestError?>(nil)
        receiveFinished.enter()
        let receive = Thread { [self] in
            defer {
                pipeline.producerFinished()
                receiveFinished.leave()
            }
            // Entries 0..<n are the endpoints (ZeroMQ sockets, or UDP descriptors for ASTERIX); then a
            // monitor per ZeroMQ endpoint. Each ZeroMQ endpoint is bound or connected only once its
            // monitor's reader is there (see IngestEndpoint.open).
            var group = ZMQSocketGroup()
            var datagramSockets: [DatagramSocket?] = Array(repeating: nil, count: settings.endpoints.count)
            var listeners: [SapientListener?] = Array(repeating: nil, count: settings.endpoints.count)
            var monitored: [Int] = []
            func fail(_ endpoint: IngestEndpoint, _ what: String, _ message: String, cause: (any Error & Sendable)?) {
                setupError.withLock {
                    $0 = IngestError(code: .endpointSetup,
                                     message: "endpoint '\(endpoint.name)' (\(endpoint.mode.rawValue) \(endpoint.address)): \(what)\(message)",
                                     cause: cause)
                }
                ready.signal()
            }
            var monitors: [Int: String] = [:]
            for (index, endpoint) in settings.endpoints.enumerated() {
                // Not ZeroMQ: a plain descriptor in the same poll (a UDP socket, or an epoll of TCP connections).
                if endpoint.socket == .asterix || endpoint.socket == .sapient {
                    do throws(IngestError) {
                        if endpoint.socket == .asterix {
                            let datagrams = try DatagramSocket(address: endpoint.address, interface: endpoint.multicastInterface,
                                                               receiveBufferBytes: endpoint.receiveBufferBytes)
                            group.add(descriptor: datagrams.descriptor)
                            datagramSockets[index] = datagrams
                        } else {
                            let listener = try SapientListener(endpoint: endpoint, index: index, maximumMessageBytes: settings.maximumFrameBytes,
                                                               registry: senders, decisionModule: settings.sapientDecisionModuleID,
                                                               settings: settings.sapient)
                            group.add(descriptor: listener.descriptor)
                            listeners[index] = listener
                        }
                    } catch {
                        fail(endpoint, "", error.message, cause: nil)
                        return
                    }
                    continue
                }
                let monitor = "inproc://haechi-monitor-\(Self.monitorNumbers.loadThenWrappingIncrement(ordering: .relaxed))"
                monitors[index] = monitor
                do throws(ZMQError) {
                    group.add(try endpoint.open(in: context, messageSizeLimit: settings.messageSizeLimit(of: endpoint), monitor: monitor))
                } catch {
                    fail(endpoint, "", error.message, cause: error)
                    return
                }
            }
            for (index, endpoint) in settings.endpoints.enumerated() {
                guard let monitor = monitors[index] else { continue }
                do throws(ZMQError) {
                    let reader = try ZMQSocket(context: context, type: .pair)
                    try reader.setOption(.linger, 0)
                    try reader.connect(monitor)
                    group.add(reader)
                    monitored.append(index)
                } catch {
                    fail(endpoint, "cannot watch its connections: ", error.message, cause: error)
                    return
                }
            }
            for (index, endpoint) in settings.endpoints.enumerated() where monitors[index] != nil {
                do throws(ZMQError) {
                    try group.withSocket(at: index) { (socket) throws(ZMQError) in try endpoint.attach(socket) }
                } catch {
                    fail(endpoint, "", error.message, cause: error)
                    return
                }
            }
            ready.signal()
            produce(group: &group, datagramSockets: datagramSockets, listeners: listeners, monitored: monitored)
        }
        receive.name = "haechi-receive"
        receive.start()
        ready.wait()
        if let error = setupError.withLock({ $0 }) {
            receiveFinished.wait()
            zap.withLock { $0 }?.stop()
            shared.withLock { $0.stopped = true }
            throw error
        }
        pipeline.startStages(rawSinks: rawSinks, recordSinks: recordSinks)
        shared.withLock { $0.started = true }
        logger.info("ingest started", metadata: ["endpoints": "\(settings.endpoints.map(\.name))"])
    }

    /// The counters as of the last publication (at most ~200 ms old while running; final after ``stop()``).
    public func snapshot() -> IngestStatistics {
        var statistics = pipeline.snapshot()
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
        shared.withLock { $0.stopped } || (pipeline.isProducerFinished && shared.withLock { $0.failure != nil })
    }

    /// Stops receiving, lets the decode and raw stages finish every frame already received, waits
    /// for the threads, and returns the final counters.
    @discardableResult
    public func stop() -> IngestStatistics {
        pipeline.requestStop()
        let wasStarted = shared.withLock { state -> Bool in
            let wait = state.started && !state.stopped
            state.started = false
            return wait
        }
        if wasStarted {
            receiveFinished.wait()
            pipeline.waitForStages()
            zap.withLock { $0 }?.stop()
            if ownsContext { context.shutdown() }
            shared.withLock { $0.stopped = true }
        }
        return snapshot()
    }

    // MARK: The receive thread

    private func produce(group: inout ZMQSocketGroup, datagramSockets: [DatagramSocket?], listeners: [SapientListener?], monitored: [Int]) {
        var producer = pipeline.makeProducer()
        var failure: IngestError?
        let endpointCount = settings.endpoints.count
        let clock = ContinuousClock()
        // Per connect endpoint: when to connect again unless libzmq announces its own reconnect first.
        var rearmAt = [ContinuousClock.Instant?](repeating: nil, count: endpointCount)
        loop: while !pipeline.isStopRequested {
            do {
                if try group.poll(timeout: Self.pollTimeout) > 0 {
                    for index in 0..<group.count where group.hasInput(index) {
                        if index >= endpointCount {
                            let endpoint = monitored[index - endpointCount]
                            try group.withSocket(at: index) { (monitor) throws(ZMQError) in
                                try watchLinks(monitor, endpoint: endpoint, rearmAt: &rearmAt[endpoint], now: clock.now)
                            }
                            continue
                        }
                        if listeners[index] != nil { continue }   // served below, every turn
                        if let datagrams = datagramSockets[index] {
                            datagramBatch: for _ in 0..<settings.fairnessBatch {
                                let outcome: IngestProducer.Outcome
                                do throws(IngestError) {
                                    outcome = try producer.receive { (room, start) throws(IngestError) -> FrameSlot? in
                                        try receiveDatagram(from: datagrams, into: room, at: start, endpoint: index)
                                    }
                                } catch {
                                    failure = error
                                    break loop
                                }
                                switch outcome {
                                case .received: continue
                                case .empty: break datagramBatch
                                case .stopped: break loop
                                }
                            }
                            producer.publish()
                            continue
                        }
                        batch: for _ in 0..<settings.fairnessBatch {
                            let outcome = try producer.receive { (room, start) throws(ZMQError) -> FrameSlot? in
                                try group.withSocket(at: index) { (socket) throws(ZMQError) -> FrameSlot? in
                                    try receiveMessage(from: socket, into: room, at: start, endpoint: index)
                                }
                            }
                            switch outcome {
                            case .received: continue
                            case .empty: break batch
                            case .stopped: break loop
                            }
                        }
                        producer.publish()
                    }
                }
                // SAPIENT listeners every turn, input or not: a stalled connection is closed on time.
                for (index, listener) in listeners.enumerated() {
                    guard let listener else { continue }
                    listener.service()
                    while let frame = listener.nextFrame() {
                        let outcome = producer.receive { (room, start) -> FrameSlot? in Self.store(frame, into: room, at: start, endpoint: index) }
                        if case .stopped = outcome { break loop }
                    }
                    producer.publish()
                    let (accepted, closed) = listener.takeLinkCounts()
                    if accepted + closed > 0 {
                        pipeline.updateStatistics {
                            $0.endpointLinks[index].connections += UInt64(accepted)
                            $0.endpointLinks[index].disconnects += UInt64(closed)
                        }
                    }
                }
                for index in rearmAt.indices {
                    guard let due = rearmAt[index], clock.now >= due else { continue }
                    rearmAt[index] = nil
                    let address = settings.endpoints[index].address
                    try group.withSocket(at: index) { (socket) throws(ZMQError) in try socket.connect(address) }
                    pipeline.updateStatistics { $0.endpointLinks[index].reconnects += 1 }
                }
            } catch {
                if !error.isContextTerminated {
                    failure = IngestError(code: .socketFailure, message: "ingest stopped: \(error.message)", cause: error)
                }
                break loop
            }
        }
        producer.publish()
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
                pipeline.updateStatistics { $0.endpointLinks[endpoint].connections += 1 }
            case .disconnected:
                if connects { rearmAt = now + Self.rearmDelay }
                pipeline.updateStatistics { $0.endpointLinks[endpoint].disconnects += 1 }
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

    /// The longest topic an ASTERIX datagram is given: `asterix/` and a source id.
    static let maximumDatagramTopicBytes = "asterix/".utf8.count + SourceTopic.maximumSourceIDLength

    /// Receives one UDP datagram into `room` (arena position `start`) as a two-part frame: the topic
    /// `asterix/<SAC>-<SIC>` of its first record (or `asterix/<endpoint name>`), then the datagram as
    /// it arrived (cut short, and so marked, past the room). `nil` when none is waiting.
    private func receiveDatagram(from socket: DatagramSocket, into room: UnsafeMutableRawBufferPointer, at start: Int64,
                                 endpoint: Int) throws(IngestError) -> FrameSlot? {
        let base = room.baseAddress!
        // Received after room for the longest topic, then moved up against the topic actually written.
        let received = 4 + Self.maximumDatagramTopicBytes + 4
        let buffer = UnsafeMutableRawBufferPointer(start: base + received, count: max(0, room.count - received))
        guard let size = try socket.receive(into: buffer) else { return nil }
        var slot = FrameSlot(arenaOffset: start, endpoint: endpoint)
        slot.receiveTime = WallClock.now().nanosecondsSinceEpoch
        let stored = min(size, buffer.count)
        slot.truncated = size > stored
        slot.payloadBytes = size
        let name = AsterixSource(firstRecordOf: UnsafeRawBufferPointer(rebasing: buffer[..<stored]))?.description
            ?? settings.endpoints[endpoint].name
        var topic = Array("asterix/\(name)".utf8)
        if topic.count > Self.maximumDatagramTopicBytes { topic = Array(topic.prefix(Self.maximumDatagramTopicBytes)) }
        base.storeBytes(of: UInt32(topic.count).littleEndian, as: UInt32.self)
        topic.withUnsafeBytes { (base + 4).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        let payload = 4 + topic.count
        (base + payload).storeBytes(of: UInt32(stored).littleEndian, as: UInt32.self)
        memmove(base + payload + 4, base + received, stored)
        slot.partCount = 2
        slot.byteCount = payload + 4 + stored
        return slot
    }

    /// Stores a SAPIENT frame in `room` (arena position `start`) as length-prefixed parts: its topic, the
    /// message, and the transport's reason when it has one.
    private static func store(_ frame: SapientListener.Frame, into room: UnsafeMutableRawBufferPointer, at start: Int64,
                              endpoint: Int) -> FrameSlot {
        var slot = FrameSlot(arenaOffset: start, endpoint: endpoint)
        slot.receiveTime = frame.receiveTime
        slot.connection = frame.connection
        slot.payloadBytes = frame.payload.count + (frame.transportReason?.utf8.count ?? 0)
        var used = 0
        for part in [frame.topic, frame.payload] + (frame.transportReason.map { [Array($0.utf8)] } ?? []) {
            guard used + 4 <= room.count else { slot.truncated = true; break }
            let stored = min(part.count, room.count - used - 4)
            if stored < part.count { slot.truncated = true }
            room.storeBytes(of: UInt32(stored).littleEndian, toByteOffset: used, as: UInt32.self)
            if stored > 0 {   // an empty part (a zero-length message) has no bytes to copy, and maybe no address
                part.withUnsafeBytes { room.baseAddress!.advanced(by: used + 4).copyMemory(from: $0.baseAddress!, byteCount: stored) }
            }
            used += 4 + stored
            slot.partCount += 1
        }
        slot.byteCount = used
        return slot
    }

    /// Receives one whole message into `room` (arena position `start`), or returns `nil` if none is waiting.
    private func receiveMessage(from socket: borrowing ZMQSocket, into room: UnsafeMutableRawBufferPointer, at start: Int64,
                                endpoint: Int) throws(ZMQError) -> FrameSlot? {
        let base = room.baseAddress!
        let budget = room.count
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
}
