// The outputs' thread: every item, in order, none dropped; a full queue makes the submitter wait.
import Testing
import Foundation
import Synchronization
@testable import TestbedRuntime

@Suite("Output thread")
struct OutputThreadTests {
    final class Collected: Sendable {
        let items = Mutex<[Int]>([])
        let submittedAll = Mutex(false)
    }

    @Test("Every submitted item runs once, in order, before finish returns")
    func orderAndCompleteness() {
        let collected = Collected()
        let thread = OutputThread<Int>(name: "test-outputs", capacity: 8) { item in collected.items.withLock { $0.append(item) } }
        for k in 0..<10_000 { thread.submit(k) }
        thread.finish()
        #expect(collected.items.withLock { $0 } == Array(0..<10_000))
        thread.finish()   // a second finish returns at once
    }

    @Test("With the consumer held and a queue of one, the next submit waits instead of dropping")
    func backpressure() {
        let collected = Collected()
        let gate = DispatchSemaphore(value: 0)
        let thread = OutputThread<Int>(name: "test-outputs", capacity: 1) { item in
            if item == 0 { gate.wait() }   // the consumer holds item 0 until the gate opens
            collected.items.withLock { $0.append(item) }
        }
        let submitter = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            for k in 0..<3 { thread.submit(k) }   // 0 is taken, 1 waits in the queue, 2 must wait for room
            collected.submittedAll.withLock { $0 = true }
            submitter.signal()
        }
        Thread.sleep(forTimeInterval: 0.1)
        let early = collected.submittedAll.withLock { $0 }
        #expect(!early)
        gate.signal()
        submitter.wait()
        thread.finish()
        #expect(collected.items.withLock { $0 } == [0, 1, 2])
    }

    @Test("Finish with nothing submitted returns")
    func emptyFinish() {
        let thread = OutputThread<Int>(name: "test-outputs") { _ in }
        thread.finish()
    }
}
