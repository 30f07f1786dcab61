// The ingest pipeline's core: the ring, the arena, the decode stage and the raw stage. No sockets:
// a transport (ZeroMQ today) feeds it through one IngestProducer.
public import TelemetryModel
public import Asterix
import LockFreeRing
import Atomics
import Synchronization
import Dispatch
import Foundation

/// The transport-independent part of ingest: a ``LockFreeRing`` of ``FrameSlot``s over a
/// ``FrameArena``, and the two consumer threads behind it.
///
/// 1. **decode** (consumer 0): classifies, decodes and counts each frame (``FrameProcessor``),
///    hands records to the record sinks (the tracker), and leaves its verdict for the recorder.
/// 2. **raw** (consumer 1, after decode): hands every frame, good or bad, with its verdict to the
///    raw sinks (the recorder), in receive order.
///
/// The producer is the transport's one receive thread, through ``IngestProducer``: it claims a slot
/// and room in the arena, receives a message straight into that room and publishes it. The ring's
/// sequence is the global receive number, so every transport a receive thread polls shares one
/// receive order, one backpressure (a full ring or arena stops the reading) and one set of counters.
///
/// Backpressure: by default nothing is dropped inside Haechi. When the ring or the arena is full,
/// the producer waits (counted as a producer wait) and the transport's own queues take the strain.
/// With ``TrackingOverloadPolicy/shed`` the decode stage counts frames without decoding them while it
/// lags, so a slow tracker never stops ingest; the recorder still gets them.
public final class IngestPipeline: Sendable {
    /// How the frames are counted: endpoint names, limits, the site, truth checks.
    public struct Configuration: Hashable, Sendable {
        /// The endpoints' names, in order; a frame's endpoint index points into them.
        public var endpointNames: [String]
        /// Payloads above this are counted as `oversize_frame`, bytes.
        public var maximumFrameBytes: Int
        /// At most this many sources are counted apart (``FrameProcessor/maximumSources``).
        public var maximumSources: Int
        /// The site's geoid separation N, metres, for MAVLink heights.
        public var siteGeoidSeparation: Double
        /// The checks every truth fix passes before it is a drone's truth.
        public var truthIntegrity: TruthIntegritySettings
        /// The ring's and arena's sizes, the wait strategy and the overload policy.
        public var pipeline: PipelineSettings
        /// The known ASTERIX radars, by SAC/SIC.
        public var asterixSensors: [AsterixSource: SensorDescription]
        /// The site origin, for positions that arrive in WGS-84 (CAT062 tracks); `nil`: none are placed.
        public var siteOrigin: GeodeticPosition?
        /// The SAPIENT nodes the configuration knows, and the ICD's time window.
        public var sapient: SapientSettings

        /// A configuration; the arguments are the properties.
        public init(endpointNames: [String], maximumFrameBytes: Int, maximumSources: Int, siteGeoidSeparation: Double,
                    truthIntegrity: TruthIntegritySettings, pipeline: PipelineSettings = PipelineSettings(),
                    asterixSensors: [AsterixSource: SensorDescription] = [:], sapient: SapientSettings = SapientSettings(),
                    siteOrigin: GeodeticPosition? = nil) {
            self.siteOrigin = siteOrigin
            self.sapient = sapient
            self.asterixSensors = asterixSensors
            self.endpointNames = endpointNames
            self.maximumFrameBytes = maximumFrameBytes
            self.maximumSources = maximumSources
            self.siteGeoidSeparation = siteGeoidSeparation
            self.truthIntegrity = truthIntegrity
            self.pipeline = pipeline
        }

        /// The arena room kept for one message (``IngestPipeline/messageBudget(maximumFrameBytes:)``).
        public var messageBudget: Int { IngestPipeline.messageBudget(maximumFrameBytes: maximumFrameBytes) }

        /// The frame processor these settings describe: the decode stage's, and replay's, which must
        /// count and decode exactly as the live run did.
        public func makeFrameProcessor(recordSinks: [any TelemetryRecordSink] = []) -> FrameProcessor {
            FrameProcessor(endpointNames: endpointNames, maximumFrameBytes: maximumFrameBytes, maximumSources: maximumSources,
                           siteGeoidSeparation: siteGeoidSeparation, truthIntegrity: truthIntegrity,
                           asterixSensors: asterixSensors, sapient: sapient, siteOrigin: siteOrigin, recordSinks: recordSinks)
        }
    }

    /// The configuration it runs with.
    public let configuration: Configuration
    /// Every connection the transport numbered, by number: frames name their sender through it.
    public let senders: FrameSenderRegistry
    let core: PipelineCore
    private let stopRequested = ManagedAtomic<Bool>(false)
    private let producerDone = ManagedAtomic<Bool>(false)
    let producerWaits = ManagedAtomic<UInt64>(0)
    private let statistics: Mutex<IngestStatistics>
    private let finished = DispatchGroup()

    /// How often the decode stage publishes its counters for ``snapshot()``.
    static let publishInterval: Duration = .milliseconds(200)
    /// The most a stage takes from the ring at once.
    static let drainBatch = 256

    /// The arena room kept for one message while it is received: its payload and its topic up to
    /// the frame limit (+1 each, so an oversize part is seen to be oversize), and a little for
    /// length prefixes and extra parts.
    public static func messageBudget(maximumFrameBytes: Int) -> Int { 2 * (maximumFrameBytes + 1) + 1024 }

    /// The smallest arena that holds four messages of `maximumFrameBytes`.
    public static func minimumArenaBytes(maximumFrameBytes: Int) -> Int { 4 * messageBudget(maximumFrameBytes: maximumFrameBytes) }

    /// Allocates the ring and the arena.
    /// - Throws: ``IngestError/Code/endpointSetup`` when the arena cannot hold four messages.
    public init(configuration: Configuration, senders: FrameSenderRegistry = FrameSenderRegistry()) throws(IngestError) {
        let settings = configuration.pipeline
        let minimumArena = Self.minimumArenaBytes(maximumFrameBytes: configuration.maximumFrameBytes)
        guard settings.arenaBytes >= minimumArena else {
            throw IngestError(code: .endpointSetup, message: "pipeline.arena_bytes (\(settings.arenaBytes)) must hold at least four "
                              + "frames of max_frame_bytes: at least \(minimumArena)")
        }
        self.configuration = configuration
        self.senders = senders
        let wait: any RingWaitStrategy = switch settings.wait {
        case .block: SpinThenBlockWait()
        case .yield: YieldingWait()
        case .spin: BusySpinWait()
        }
        core = PipelineCore(ring: LockFreeRing(capacity: settings.ringSlots, consumers: 2, dependencies: [nil, 0], waitStrategy: wait),
                            arena: FrameArena(capacity: settings.arenaBytes))
        var initial = IngestStatistics(endpointCount: configuration.endpointNames.count)
        initial.pipeline.ringSlots = settings.ringSlots
        initial.pipeline.arenaBytes = settings.arenaBytes
        initial.pipeline.trackingOverload = settings.trackingOverload
        statistics = Mutex(initial)
    }

    /// Starts the decode and raw stages. The sinks are called on those threads only (record sinks on
    /// the decode thread, raw sinks on the raw thread), from now until ``waitForStages()`` returns.
    public func startStages(rawSinks: [any RawFrameSink], recordSinks: [any TelemetryRecordSink]) {
        let sinks = SinkHandOff(raw: rawSinks, records: recordSinks)
        spawn("haechi-decode") { [self] in decodeStage(sinks: sinks) }
        spawn("haechi-raw") { [self] in rawStage(sinks: sinks) }
    }

    /// The producer's end: the one thread that feeds the ring uses it (see ``IngestProducer``).
    public func makeProducer() -> IngestProducer { IngestProducer(pipeline: self) }

    /// Asks the producer to stop: a wait for room in the ring or the arena gives up.
    public func requestStop() { stopRequested.store(true, ordering: .relaxed) }

    /// Whether ``requestStop()`` was called.
    public var isStopRequested: Bool { stopRequested.load(ordering: .relaxed) }

    /// Says that nothing more will be published: the stages finish every frame already in the ring
    /// and end. The producer's thread calls it once, last.
    public func producerFinished() {
        producerDone.store(true, ordering: .releasing)
        core.ring.waitStrategy.signal()
    }

    /// Whether ``producerFinished()`` was called.
    public var isProducerFinished: Bool { producerDone.load(ordering: .acquiring) }

    /// Waits until both stages have ended (after ``producerFinished()``).
    public func waitForStages() { finished.wait() }

    /// Changes the counters the transport keeps (its links and security, for example).
    public func updateStatistics(_ body: (inout IngestStatistics) -> Void) {
        statistics.withLock { body(&$0) }
    }

    /// The counters as of the last publication (at most ~200 ms old while running; final once the
    /// stages have ended).
    public func snapshot() -> IngestStatistics {
        var result = statistics.withLock { $0 }
        result.pipeline.producerWaits = producerWaits.load(ordering: .relaxed)
        return result
    }

    /// Runs `body` on a named thread that ``waitForStages()`` waits for.
    private func spawn(_ name: String, _ body: @escaping @Sendable () -> Void) {
        finished.enter()
        let thread = Thread { [finished] in
            body()
            finished.leave()
        }
        thread.name = name
        thread.start()
    }

    // MARK: The decode stage

    private func decodeStage(sinks: SinkHandOff) {
        let processor = configuration.makeFrameProcessor(recordSinks: sinks.records)
        var senderCache = FrameSenderCache(registry: senders)
        let core = core
        let ring = core.ring
        let settings = configuration.pipeline
        let shed = settings.trackingOverload == .shed
        let decode = settings.decodeFrames
        let shedLag = Int64(Double(ring.capacity) * settings.shedLag)
        let clock = ContinuousClock()
        var lastPublish = clock.now
        func publish() {
            let counted = processor.statistics
            statistics.withLock {
                // The pipeline's, the links' and the security counters are the transport's.
                var merged = counted
                merged.pipeline = $0.pipeline
                merged.endpointLinks = $0.endpointLinks
                $0 = merged
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

    /// How long the raw stage sleeps when it finds nothing to record while frames flow.
    static let rawPollNanoseconds = 200_000
    /// How long after its last frame the raw stage keeps polling before it waits on the ring.
    static let rawPollingSpell = Duration.milliseconds(50)

    private func rawStage(sinks: SinkHandOff) {
        let core = core
        let ring = core.ring
        let badTopicKeys = configuration.endpointNames.map { FrameProcessor.badTopicKey(endpoint: $0) }
        var senderCache = FrameSenderCache(registry: senders)
        var lastFrame = ContinuousClock.now
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
            if drained > 0 {
                lastFrame = ContinuousClock.now
                continue
            }
            if producerDone.load(ordering: .acquiring), ring.consumedSequence(1) >= ring.publishedSequence { break }
            // The raw stage is off the latency path, so while frames flow it polls instead of waiting on
            // the ring's wait strategy: a waiting raw stage made every release of the decode stage, and
            // every publish of the producer, wake it (a futex wake and a context switch per message at
            // low rates, paid on the decode thread before its next frame). A frame waits at most one poll
            // longer to be recorded, and the ring holds it meanwhile. After a quiet spell it waits on the
            // ring again, so an idle range is not woken thousands of times a second.
            if ContinuousClock.now - lastFrame < Self.rawPollingSpell {
                var pause = timespec(tv_sec: 0, tv_nsec: Self.rawPollNanoseconds)
                nanosleep(&pause, nil)
            } else {
                _ = ring.waitForData(1, until: { [producerDone] in producerDone.load(ordering: .acquiring) },
                                     deadline: ContinuousClock.now + Self.publishInterval)
            }
        }
    }
}

/// The producer's end of an ``IngestPipeline``: used by one thread, the transport's receive thread.
///
/// ``receive(_:)`` claims a ring slot and arena room for one message (waiting, and counting a
/// producer wait, while either is full), lets the transport fill the room, and keeps the slot for
/// publication; ``publish()`` makes everything received so far visible to the stages, in one step
/// for a batch.
public struct IngestProducer {
    private let pipeline: IngestPipeline
    // The pipeline's parts, used without reference counting: `pipeline` above keeps them alive for as
    // long as the producer exists, and each use lends them as guaranteed references. A retain and a
    // release per message on objects the stages retain and read too made those cache lines move
    // between the cores at every message: at 128-byte JSON frames a fifth of the whole process's
    // time went to swift_retain and swift_release on the receive thread.
    private let ringReference: Unmanaged<LockFreeRing<FrameSlot>>
    private let arenaReference: Unmanaged<FrameArena>
    private let pipelineReference: Unmanaged<IngestPipeline>
    private let budget: Int
    /// The last claimed, unpublished sequence.
    private var pending: Int64?

    init(pipeline: IngestPipeline) {
        self.pipeline = pipeline
        ringReference = .passUnretained(pipeline.core.ring)
        arenaReference = .passUnretained(pipeline.core.arena)
        pipelineReference = .passUnretained(pipeline)
        budget = pipeline.configuration.messageBudget
    }

    @inline(__always) private func withRing<R>(_ body: (LockFreeRing<FrameSlot>) -> R) -> R {
        ringReference._withUnsafeGuaranteedRef(body)
    }

    @inline(__always) private func withArena<R>(_ body: (FrameArena) -> R) -> R {
        arenaReference._withUnsafeGuaranteedRef(body)
    }

    /// What ``receive(_:)`` did.
    public enum Outcome: Sendable {
        /// A message was received into the ring (published at the next ``publish()``).
        case received
        /// Nothing was waiting: the slot and the room are used next time.
        case empty
        /// A stop was requested while waiting for room.
        case stopped
    }

    /// Receives one message: `body` gets the arena room kept for it (``IngestPipeline/Configuration/messageBudget``
    /// bytes, at arena position `start`), stores the message there as length-prefixed parts, and
    /// returns its slot (with `arenaOffset` = `start`), or `nil` when nothing was waiting.
    public mutating func receive<E: Error>(
        _ body: (_ room: UnsafeMutableRawBufferPointer, _ start: Int64) throws(E) -> FrameSlot?
    ) throws(E) -> Outcome {
        // A slot first: when the ring is full, stop reading (backpressure).
        var sequence = withRing { $0.tryClaim() }
        if sequence == nil {
            let cancelled = prepareToWait()
            sequence = withRing { $0.claim(1, until: cancelled) }
        }
        guard let sequence else { return .stopped }
        guard let start = reserveArena() else {
            withRing { $0.unclaim(sequence) }
            return .stopped
        }
        let room = UnsafeMutableRawBufferPointer(start: withArena { $0.pointer(at: start) }, count: budget)
        let slot: FrameSlot?
        do throws(E) {
            slot = try body(room, start)
        } catch {
            withRing { $0.unclaim(sequence) }
            throw error
        }
        // The slot is claimed; if nothing was waiting after all, it is simply reused next time.
        guard let slot else {
            withRing { $0.unclaim(sequence) }
            return .empty
        }
        withArena { $0.commit(start: start, count: slot.byteCount) }
        withRing { ring in
            if ring.isInitialized(sequence) {
                ring.withSlot(sequence) { $0 = slot }
            } else {
                ring.store(slot, at: sequence)
            }
        }
        pending = sequence
        return .received
    }

    /// Publishes every message received since the last call.
    public mutating func publish() {
        if let last = pending {
            withRing { $0.publish(through: last) }
            pending = nil
        }
    }

    /// Waits until the arena has room for one more message (or a stop is requested); returns where it starts.
    private mutating func reserveArena() -> Int64? {
        let budget = budget
        let ringReference = ringReference, arenaReference = arenaReference
        func fits() -> Int64? {
            ringReference._withUnsafeGuaranteedRef { ring in
                arenaReference._withUnsafeGuaranteedRef { arena in
                    let start = arena.start(forBudget: budget)
                    // The arena's tail: where the oldest message still in use starts (none: everything is free).
                    let oldest = ring.slowestConsumedSequence + 1
                    let tail = oldest < ring.nextSequence - 1 ? ring.producerPeek(oldest).arenaOffset : start
                    return start + Int64(budget) - min(tail, start) <= Int64(arena.capacity) ? start : nil
                }
            }
        }
        if let start = fits() { return start }
        let cancelled = prepareToWait()
        var start: Int64?
        _ = withRing { $0.waitStrategy.wait(until: { start = fits(); return start != nil }, deadline: nil, cancelled: cancelled) }
        return start
    }

    /// Before waiting for room (a slot or arena space): publishes what was received, so the stages can
    /// free some, and counts the wait. Returns the wait's cancellation: a stop was requested.
    private mutating func prepareToWait() -> () -> Bool {
        publish()
        let pipeline = pipelineReference
        pipeline._withUnsafeGuaranteedRef { $0.producerWaits.wrappingIncrement(ordering: .relaxed) }
        return { pipeline._withUnsafeGuaranteedRef { $0.isStopRequested } }
    }
}

/// The ring, the arena and the verdicts, shared by the producer and the two stages.
final class PipelineCore: @unchecked Sendable {
    // @unchecked Sendable: the ring's cursors order every access. The producer writes slots and arena
    // bytes before publishing; the decode stage writes `verdicts[s]` before releasing s; the raw
    // stage, which depends on the decode stage, reads them after acquiring its cursor.
    /// Keeps the fields below off the cache line of the object's header, whose reference count any
    /// thread that retains the object writes: without it, the receive thread's retains made the
    /// stages' reads of these fields miss their caches at every message.
    private let headerPadding: (Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0)
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

// Invariant: after `startStages` hands the sinks over, record sinks are called only on the decode
// thread and raw sinks only on the raw thread, until `waitForStages()` has joined both. The caller
// must not use them concurrently in that time (documented on `startStages`).
extension SinkHandOff: @unchecked Sendable {}
