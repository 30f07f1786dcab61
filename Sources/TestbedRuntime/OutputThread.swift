// A thread of its own for work handed over in order: the live run's track outputs (CoT, CAT062, SAPIENT).
import Foundation

/// Runs `work` on each submitted item, in submission order, on a thread of its own.
///
/// The live tracking stage hands every step to the outputs that format and send a message per track
/// (Cursor-on-Target, ASTERIX CAT062, SAPIENT). On the decode thread those took about 1.2 ms a step
/// at 10 k frames/s, and the next scan's frames waited behind them (docs/performance.md, "End to
/// end"); here the decode thread only queues the step and goes back to the ring.
///
/// Lossless, like the rest of the pipeline: at most `capacity` items wait; past that ``submit(_:)``
/// waits for room, so a slow output slows the decode stage (and, through the ring, the receive
/// thread) instead of dropping a step or growing without bound. ``finish()`` runs what is queued and
/// joins the thread.
public final class OutputThread<Item: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `queue` and `finishing` are only touched with `condition` locked; `work`
    // runs on the output thread alone.
    private let condition = NSCondition()
    private var queue: [Item] = []
    private var finishing = false
    private let capacity: Int
    private let work: @Sendable (Item) -> Void
    private let finished = DispatchSemaphore(value: 0)

    /// Starts the thread; `name` names it (for `top -H` and `perf`).
    public init(name: String, capacity: Int = 1024, work: @escaping @Sendable (Item) -> Void) {
        precondition(capacity > 0, "an output queue holds at least one item")
        self.capacity = capacity
        self.work = work
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Queues `item`; waits while `capacity` items are already waiting.
    public func submit(_ item: Item) {
        condition.lock()
        while queue.count >= capacity { condition.wait() }
        queue.append(item)
        condition.broadcast()
        condition.unlock()
    }

    /// Runs every queued item, then stops the thread and returns; later calls return at once. Call it
    /// after the last submit.
    public func finish() {
        condition.lock()
        let first = !finishing
        finishing = true
        condition.broadcast()
        condition.unlock()
        if first { finished.wait() }
    }

    private func run() {
        var batch: [Item] = []
        while true {
            condition.lock()
            while queue.isEmpty && !finishing { condition.wait() }
            if queue.isEmpty {
                condition.unlock()
                break
            }
            swap(&batch, &queue)
            condition.broadcast()   // room again for a waiting submit
            condition.unlock()
            for item in batch { work(item) }
            batch.removeAll(keepingCapacity: true)
        }
        finished.signal()
    }
}
