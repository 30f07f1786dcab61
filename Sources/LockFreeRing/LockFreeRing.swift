// A Disruptor-style ring: one producer, several consumers, each reading every element in order.
public import Atomics

/// A bounded, lock-free, single-producer, multi-consumer ring in the style of the LMAX Disruptor.
///
/// Every consumer sees every element, in order, at its own pace (the tracker and the recorder read
/// the same frames independently). The producer never overwrites a slot until every consumer has
/// passed it: the ring is lossless, and a full ring makes the producer wait.
///
/// - Slots are preallocated and reused; the capacity is a power of two, so a sequence maps to its
///   slot with a mask. Sequences are 64-bit and never wrap (at 10⁹ elements a second, 292 years).
/// - Each cursor sits alone on a 128-byte line (two 64-byte lines: adjacent-line prefetch), and so
///   does each side's private cache of the other side's cursor, so no two threads write one line.
/// - The producer caches the slowest consumer's position and reads the consumers' cursors again
///   only when that cache says the ring may be full; consumers cache the published cursor likewise.
/// - Work moves in batches: the producer publishes once per batch, a consumer releases once per drain.
///
/// Memory ordering, pair by pair:
/// - producer: writes slots, then `published.store(.releasing)` ⇄ consumer:
///   `published.load(.acquiring)`, then reads those slots. The consumer sees the slots' contents.
/// - consumer: reads slots, then `consumed[c].store(.releasing)` ⇄ producer:
///   `consumed[c].load(.acquiring)`, then overwrites slots. The producer never overwrites a slot
///   a consumer is still reading.
///
/// A consumer may depend on another (Disruptor's dependency barrier): it then sees an element
/// only after that consumer has finished with it, so the first can hand results to the second
/// (the decode stage tells the recorder which frames were malformed):
/// - upstream consumer: writes its results, then `consumed[u].store(.releasing)` ⇄ downstream:
///   `consumed[u].load(.acquiring)`, then reads them.
///
/// Threading: exactly one thread calls the producer methods (``claim(_:until:deadline:)``,
/// ``tryClaim(_:)``, ``store(_:at:)``, ``withSlot(_:_:)``, ``publish(through:)``) and each consumer index is
/// used by exactly one thread at a time. That is what makes the private caches safe.
///
/// - Complexity: claim, publish and drain are O(1) amortised per element, O(consumers) when the
///   producer's cache of the slowest consumer must be refreshed.
public final class LockFreeRing<Element>: @unchecked Sendable {
    // @unchecked Sendable: the invariants above (one producer thread, one thread per consumer index,
    // slot access ordered by the cursor pairs) are what make sharing the ring between threads safe.

    /// Keeps the fields below off the cache line of the object's header, whose reference count any
    /// thread that retains the object writes: without it, the receive thread's retains made the
    /// stages' reads of these fields miss their caches at every message.
    private let headerPadding: (Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0)

    /// How many elements the ring holds.
    public let capacity: Int
    /// How many consumers read it.
    public let consumerCount: Int
    /// How each side waits for the other.
    public let waitStrategy: any RingWaitStrategy

    @usableFromInline let mask: Int64
    @usableFromInline let slots: UnsafeMutablePointer<Element>
    /// 128-byte lines: 0 = published cursor, 1 = producer-private, then per consumer two lines:
    /// its cursor and its private cache.
    private let lines: UnsafeMutableRawPointer
    static var lineSize: Int { 128 }

    @usableFromInline let published: UnsafeAtomic<Int64>
    @usableFromInline let consumed: [UnsafeAtomic<Int64>]
    /// For each consumer, the consumer it waits for, if any.
    public let dependencies: [Int?]

    /// Producer-private: the next sequence to claim, the slowest consumer as last seen, and how
    /// many slots hold an initialised element.
    @usableFromInline struct ProducerState {
        @usableFromInline var next: Int64 = 0
        @usableFromInline var gate: Int64 = -1
        @usableFromInline var initialized: Int64 = 0
        @usableFromInline init() {}
    }
    @usableFromInline let producer: UnsafeMutablePointer<ProducerState>
    /// Consumer-private: the published cursor as last seen.
    @usableFromInline let consumerCache: [UnsafeMutablePointer<Int64>]

    /// A ring of `capacity` elements (a power of two) read by `consumers` consumers.
    /// - Parameter dependencies: for each consumer, the consumer whose progress it waits for (an
    ///   earlier index), or `nil`; by default every consumer reads independently.
    public init(capacity: Int, consumers: Int, dependencies: [Int?]? = nil, waitStrategy: any RingWaitStrategy = SpinThenBlockWait()) {
        precondition(capacity >= 2 && capacity & (capacity - 1) == 0, "the capacity must be a power of two")
        precondition(consumers >= 1, "a ring needs a consumer")
        let dependencies = dependencies ?? Array(repeating: nil, count: consumers)
        precondition(dependencies.count == consumers, "one dependency entry per consumer")
        for (c, d) in dependencies.enumerated() {
            if let d { precondition(d >= 0 && d < c, "a consumer may depend only on an earlier one") }
        }
        self.dependencies = dependencies
        self.capacity = capacity
        self.consumerCount = consumers
        self.waitStrategy = waitStrategy
        mask = Int64(capacity - 1)
        slots = .allocate(capacity: capacity)
        let lineCount = 2 + 2 * consumers
        let lineSize = Self.lineSize
        let memory = UnsafeMutableRawPointer.allocate(byteCount: lineCount * lineSize, alignment: lineSize)
        memory.initializeMemory(as: UInt8.self, repeating: 0, count: lineCount * lineSize)
        lines = memory
        func line(_ i: Int) -> UnsafeMutableRawPointer { memory + i * lineSize }
        let publishedStorage = line(0).bindMemory(to: UnsafeAtomic<Int64>.Storage.self, capacity: 1)
        publishedStorage.initialize(to: .init(-1))
        published = UnsafeAtomic(at: publishedStorage)
        producer = line(1).bindMemory(to: ProducerState.self, capacity: 1)
        producer.initialize(to: ProducerState())
        var consumed: [UnsafeAtomic<Int64>] = []
        var caches: [UnsafeMutablePointer<Int64>] = []
        for c in 0..<consumers {
            let storage = line(2 + 2 * c).bindMemory(to: UnsafeAtomic<Int64>.Storage.self, capacity: 1)
            storage.initialize(to: .init(-1))
            consumed.append(UnsafeAtomic(at: storage))
            let cache = line(3 + 2 * c).bindMemory(to: Int64.self, capacity: 1)
            cache.initialize(to: -1)
            caches.append(cache)
        }
        self.consumed = consumed
        consumerCache = caches
    }

    deinit {
        slots.deinitialize(count: Int(min(producer.pointee.initialized, Int64(capacity))))
        slots.deallocate()
        lines.deallocate()
    }

    // MARK: Producer

    /// The lowest position any consumer has reached (the last sequence all have consumed).
    @usableFromInline func slowestConsumer() -> Int64 {
        var slowest = Int64.max
        for cursor in consumed {
            // Acquire: pairs with the consumer's releasing store after it read its slots.
            slowest = min(slowest, cursor.load(ordering: .acquiring))
        }
        return slowest
    }

    /// Claims `count` slots if they are free now.
    /// - Returns: the first claimed sequence, or `nil` if the ring has not that much room.
    @inlinable
    public func tryClaim(_ count: Int = 1) -> Int64? {
        precondition(count >= 1 && count <= capacity, "claim between 1 and capacity slots")
        let state = producer
        let last = state.pointee.next + Int64(count) - 1
        let wrapPoint = last - Int64(capacity)
        if wrapPoint > state.pointee.gate {
            state.pointee.gate = slowestConsumer()
            if wrapPoint > state.pointee.gate { return nil }
        }
        defer { state.pointee.next = last + 1 }
        return state.pointee.next
    }

    /// Claims `count` slots, waiting (with the wait strategy) while the ring is full.
    /// - Returns: the first claimed sequence, or `nil` if `cancelled()` held or `deadline` passed first.
    public func claim(_ count: Int = 1, until cancelled: () -> Bool = { false }, deadline: ContinuousClock.Instant? = nil) -> Int64? {
        if let first = tryClaim(count) { return first }
        let wrapPoint = producer.pointee.next + Int64(count) - 1 - Int64(capacity)
        let ready = waitStrategy.wait(until: { slowestConsumer() >= wrapPoint }, deadline: deadline, cancelled: cancelled)
        return ready ? tryClaim(count) : nil
    }


    /// Stores `element` in the claimed slot `sequence` (initialising it, or replacing the element
    /// a lap ago, which is released here, on the producer's thread).
    @inlinable
    public func store(_ element: consuming Element, at sequence: Int64) {
        let slot = slots + Int(sequence & mask)
        if sequence < producer.pointee.initialized || producer.pointee.initialized >= Int64(capacity) {
            slot.pointee = element
        } else {
            precondition(sequence == producer.pointee.initialized, "store claimed slots in order the first time round")
            slot.initialize(to: element)
            producer.pointee.initialized += 1
        }
    }

    /// Lends the claimed slot `sequence`, already initialised, for changing in place (no copy).
    @inlinable
    public func withSlot<R>(_ sequence: Int64, _ body: (inout Element) throws -> R) rethrows -> R {
        precondition(sequence < producer.pointee.initialized || producer.pointee.initialized >= Int64(capacity),
                     "withSlot needs a slot that has been stored once")
        return try body(&slots[Int(sequence & mask)])
    }

    /// Whether the claimed slot `sequence` already holds an element (from a lap ago).
    @inlinable
    public func isInitialized(_ sequence: Int64) -> Bool {
        sequence < producer.pointee.initialized || producer.pointee.initialized >= Int64(capacity)
    }

    /// Producer only: the element in a slot the producer has stored and not yet had back (published
    /// but not yet released by every consumer). Consumers may be reading it too: reads do not race.
    @inlinable
    public func producerPeek(_ sequence: Int64) -> Element {
        slots[Int(sequence & mask)]
    }

    /// The sequence the producer will claim next.
    public var nextSequence: Int64 { producer.pointee.next }

    /// The last sequence every consumer has finished with.
    public var slowestConsumedSequence: Int64 { slowestConsumer() }

    /// Gives back `sequence`, the last slot claimed, unused (nothing was there to put in it).
    public func unclaim(_ sequence: Int64) {
        precondition(sequence == producer.pointee.next - 1, "only the last claimed slot can be given back")
        producer.pointee.next = sequence
    }

    /// Makes every claimed slot up to `sequence` visible to the consumers.
    @inlinable
    public func publish(through sequence: Int64) {
        // Release: pairs with the consumers' acquiring load in `drain`.
        published.store(sequence, ordering: .releasing)
        waitStrategy.signal()
    }

    /// The last sequence published.
    public var publishedSequence: Int64 { published.load(ordering: .acquiring) }

    // MARK: Consumers

    /// The last sequence consumer `consumer` has finished with.
    public func consumedSequence(_ consumer: Int) -> Int64 { consumed[consumer].load(ordering: .acquiring) }

    /// Calls `body` with up to `maxBatch` published elements consumer `consumer` has not seen, in
    /// order, then releases their slots to the producer in one store.
    /// - Returns: how many elements were handed to `body` (0 if none was waiting).
    @discardableResult
    @inlinable
    public func drain(_ consumer: Int, maxBatch: Int = .max, _ body: (Int64, borrowing Element) throws -> Void) rethrows -> Int {
        let cursor = consumed[consumer]
        let cache = consumerCache[consumer]
        let start = cursor.load(ordering: .relaxed) + 1   // only this thread writes it
        if start > cache.pointee {
            cache.pointee = available(consumer)
            if start > cache.pointee { return 0 }
        }
        let end = min(cache.pointee, start + Int64(min(maxBatch, capacity)) - 1)
        var sequence = start
        defer {
            if sequence > start {
                // Release: pairs with the producer's acquiring load in `slowestConsumer`.
                cursor.store(sequence - 1, ordering: .releasing)
                waitStrategy.signal()
            }
        }
        while sequence <= end {
            try body(sequence, slots[Int(sequence & mask)])
            sequence += 1
        }
        return Int(end - start + 1)
    }

    /// The last sequence consumer `consumer` may read: published, and finished by its dependency.
    @usableFromInline func available(_ consumer: Int) -> Int64 {
        // Acquire: pairs with the producer's releasing store in `publish`.
        let ready = published.load(ordering: .acquiring)
        guard let upstream = dependencies[consumer] else { return ready }
        // Acquire: pairs with the upstream consumer's releasing store in `drain`.
        return min(ready, consumed[upstream].load(ordering: .acquiring))
    }

    /// Waits until consumer `consumer` has something to drain.
    /// - Returns: `true` if data is waiting; `false` if `cancelled()` held or `deadline` passed first.
    public func waitForData(_ consumer: Int, until cancelled: () -> Bool = { false }, deadline: ContinuousClock.Instant? = nil) -> Bool {
        let next = consumed[consumer].load(ordering: .relaxed) + 1
        return waitStrategy.wait(until: { available(consumer) >= next }, deadline: deadline, cancelled: cancelled)
    }
}
