// The ring: every wrap-around position, element lifetimes, a full ring, and multi-thread stress.
import Testing
import LockFreeRing
import Synchronization
import Foundation

/// Counts live instances, so a test can see leaks and double frees.
final class Tracked: Sendable {
    static let alive = Atomic<Int>(0)
    let value: Int64
    init(_ value: Int64) {
        self.value = value
        Self.alive.add(1, ordering: .relaxed)
    }
    deinit { Self.alive.subtract(1, ordering: .relaxed) }
}

/// Lifetime tests share Tracked's counter, so they run one at a time.
@Suite("Lock-free ring, single thread", .serialized)
struct LockFreeRingTests {
    @Test("Every wrap-around position, every batch size: values in order, nothing leaked or freed twice",
          arguments: [2, 4, 8])
    func wrapSweep(capacity: Int) {
        let before = Tracked.alive.load(ordering: .relaxed)
        for offset in 0..<(2 * capacity) {
            for batch in 1...capacity {
                do {
                    let ring = LockFreeRing<Tracked>(capacity: capacity, consumers: 2)
                    var produced: Int64 = 0
                    var seen: [[Int64]] = [[], []]
                    func step(_ n: Int) {
                        let first = ring.tryClaim(n)!
                        for s in first..<(first + Int64(n)) {
                            ring.store(Tracked(produced), at: s)
                            produced += 1
                        }
                        ring.publish(through: first + Int64(n) - 1)
                        for c in 0..<2 {
                            ring.drain(c) { sequence, element in
                                #expect(element.value == sequence)
                                seen[c].append(element.value)
                            }
                        }
                    }
                    // Move the start `offset` places round the ring, then cross the wrap in batches.
                    for _ in 0..<offset { step(1) }
                    for _ in 0..<(2 * capacity / batch + 2) { step(batch) }
                    #expect(seen[0] == Array(0..<produced))
                    #expect(seen[1] == seen[0])
                    // The ring keeps the last lap alive, no more, no less.
                    #expect(Tracked.alive.load(ordering: .relaxed) - before == min(Int(produced), capacity))
                }
                #expect(Tracked.alive.load(ordering: .relaxed) == before, "leak or double free at offset \(offset), batch \(batch)")
            }
        }
    }

    @Test("A full ring refuses a claim until the slowest consumer moves")
    func fullRing() {
        let ring = LockFreeRing<Int>(capacity: 4, consumers: 2)
        for s in 0..<4 { ring.store(s, at: ring.tryClaim()!) }
        ring.publish(through: 3)
        #expect(ring.tryClaim() == nil)
        #expect(ring.drain(0) { _, _ in } == 4)
        #expect(ring.tryClaim() == nil)                 // consumer 1 has not moved
        #expect(ring.drain(1, maxBatch: 1) { _, _ in } == 1)
        #expect(ring.tryClaim() == 4)
        #expect(ring.tryClaim() == nil)
        #expect(ring.claim(1, deadline: ContinuousClock.now + .milliseconds(20)) == nil)
    }

    @Test("Drain hands out at most maxBatch elements and nothing unpublished")
    func batches() {
        let ring = LockFreeRing<Int>(capacity: 16, consumers: 1)
        let first = ring.tryClaim(10)!
        for s in first..<first + 10 { ring.store(Int(s) * 10, at: s) }
        ring.publish(through: first + 6)                 // 7 visible, 3 claimed but unpublished
        var got: [Int] = []
        #expect(ring.drain(0, maxBatch: 5) { _, e in got.append(e) } == 5)
        #expect(ring.drain(0, maxBatch: 5) { _, e in got.append(e) } == 2)
        #expect(ring.drain(0) { _, e in got.append(e) } == 0)
        #expect(got == [0, 10, 20, 30, 40, 50, 60])
        #expect(ring.consumedSequence(0) == 6)
    }

    @Test("withSlot changes a reused slot in place")
    func inPlace() {
        let ring = LockFreeRing<[Int]>(capacity: 2, consumers: 1)
        for s in Int64(0)..<2 { ring.store([Int(s)], at: ring.tryClaim()!) }
        ring.publish(through: 1)
        ring.drain(0) { _, _ in }
        let s = ring.tryClaim()!
        #expect(ring.isInitialized(s))
        ring.withSlot(s) { $0.append(99) }
        ring.publish(through: s)
        var got: [[Int]] = []
        ring.drain(0) { _, e in got.append(e) }
        #expect(got == [[0, 99]])
    }
}

/// Items per stress run; raise with HAECHI_RING_STRESS_ITEMS for long runs.
let stressItems = ProcessInfo.processInfo.environment["HAECHI_RING_STRESS_ITEMS"].flatMap(Int64.init) ?? 300_000

enum Strategy: String, CaseIterable, Sendable {
    case spin, yield, block
    func make() -> any RingWaitStrategy {
        switch self {
        case .spin: BusySpinWait()
        case .yield: YieldingWait()
        case .block: SpinThenBlockWait()
        }
    }
}

@Suite("Lock-free ring, threads")
struct LockFreeRingStressTests {
    @Test("Every item reaches every consumer exactly once and in order", arguments: Strategy.allCases)
    func stress(strategy: Strategy) throws {
        // Spinning waiters need a core each: give busy-spin a shorter run on small machines.
        let items = strategy == .spin ? min(stressItems, 50_000) : stressItems
        let consumers = 2
        let ring = LockFreeRing<Int64>(capacity: 1024, consumers: consumers, waitStrategy: strategy.make())
        let done = DispatchGroup()
        let results = Locked<[(count: Int64, inOrder: Bool, sum: Int64)]>(Array(repeating: (0, true, 0), count: consumers))
        for c in 0..<consumers {
            Thread.detachNewThread {
                done.enter()
                var expected: Int64 = 0
                var inOrder = true
                var sum: Int64 = 0
                while expected < items {
                    _ = ring.waitForData(c)
                    // Small, varying batches so every drain size meets every wrap position.
                    ring.drain(c, maxBatch: Int(expected % 97) + 1) { sequence, value in
                        if value != expected * 3 || sequence != expected { inOrder = false }
                        sum &+= value
                        expected += 1
                    }
                }
                results.update { $0[c] = (expected, inOrder, sum) }
                done.leave()
            }
        }
        Thread.sleep(forTimeInterval: 0.01)
        var next: Int64 = 0
        while next < items {
            let n = Int(min(items - next, next % 61 + 1))
            let first = try #require(ring.claim(n))
            for s in first..<first + Int64(n) { ring.store(s * 3, at: s) }
            ring.publish(through: first + Int64(n) - 1)
            next += Int64(n)
        }
        #expect(done.wait(timeout: .now() + 120) == .success)
        let expectedSum = 3 * (items - 1) * items / 2
        for r in results.value {
            #expect(r.count == items)
            #expect(r.inOrder)
            #expect(r.sum == expectedSum)
        }
    }
}

@Suite("Lock-free ring, dependent consumers")
struct LockFreeRingDependencyTests {
    @Test("A dependent consumer sees only what its upstream has finished, and can read its results")
    func dependency() {
        let ring = LockFreeRing<Int>(capacity: 8, consumers: 2, dependencies: [nil, 0])
        for s in Int64(0)..<5 { ring.store(Int(s), at: ring.tryClaim()!) }
        ring.publish(through: 4)
        #expect(ring.drain(1) { _, _ in } == 0)              // upstream has done nothing yet
        #expect(ring.drain(0, maxBatch: 3) { _, _ in } == 3)
        var got: [Int] = []
        #expect(ring.drain(1) { _, e in got.append(e) } == 3)
        #expect(got == [0, 1, 2])
        #expect(ring.waitForData(1, deadline: ContinuousClock.now + .milliseconds(10)) == false)
    }

    @Test("Threads: the downstream consumer reads the upstream's per-slot results, all of them, in order",
          arguments: Strategy.allCases.filter { $0 != .spin })
    func handOff(strategy: Strategy) {
        let items = stressItems
        let capacity = 256
        let ring = LockFreeRing<Int64>(capacity: capacity, consumers: 2, dependencies: [nil, 0], waitStrategy: strategy.make())
        // Results written by consumer 0 for slot s, read by consumer 1 after consumer 0 released s.
        let results = UnsafeMutablePointer<Int64>.allocate(capacity: capacity)
        results.initialize(repeating: -1, count: capacity)
        defer { results.deallocate() }
        let box = UnsafeSendableBox(results)
        let done = DispatchGroup()
        let ok = Locked<[Bool]>([false, false])
        for c in 0..<2 {
            done.enter()
            Thread.detachNewThread {
                var expected: Int64 = 0
                var good = true
                while expected < items {
                    _ = ring.waitForData(c)
                    ring.drain(c) { sequence, value in
                        if c == 0 {
                            box.pointer[Int(sequence) & (capacity - 1)] = value * 7
                        } else if box.pointer[Int(sequence) & (capacity - 1)] != sequence * 7 {
                            good = false
                        }
                        if value != sequence || sequence != expected { good = false }
                        expected += 1
                    }
                }
                ok.update { $0[c] = good }
                done.leave()
            }
        }
        var next: Int64 = 0
        while next < items {
            let n = Int(min(items - next, next % 13 + 1))
            let first = ring.claim(n)!
            for s in first..<first + Int64(n) { ring.store(s, at: s) }
            ring.publish(through: first + Int64(n) - 1)
            next += Int64(n)
        }
        #expect(done.wait(timeout: .now() + 120) == .success)
        #expect(ok.value == [true, true])
    }
}

/// Carries a pointer into test threads; the ring's cursors order every access to it.
struct UnsafeSendableBox: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<Int64>
    init(_ pointer: UnsafeMutablePointer<Int64>) { self.pointer = pointer }
}

/// A value shared by test threads behind a lock. A class, so every thread shares one instance
/// (a captured `Mutex` value gave ThreadSanitizer's exclusivity checker overlapping accesses).
final class Locked<Value>: @unchecked Sendable {
    // Invariant: `stored` is only touched with `lock` held.
    private let lock = NSLock()
    private var stored: Value
    init(_ value: Value) { stored = value }
    func update(_ body: (inout Value) -> Void) { lock.withLock { body(&stored) } }
    var value: Value { lock.withLock { stored } }
}
