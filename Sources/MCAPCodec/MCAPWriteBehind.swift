// The write-behind thread of an MCAPWriter: closed chunks go to the output while the next one fills.
import Dispatch
import Synchronization

/// Writes, on a thread of its own and strictly in order, the buffers an ``MCAPWriter`` hands over.
///
/// A closed chunk is handed over whole, without a copy: the writer gives up its chunk buffer and takes
/// a spare one (``chunkBuffer()``), and the buffer comes back to the spares once written. The writer's
/// thread then only copies messages into memory and computes CRCs, while `write(2)` (the kernel's copy
/// into the page cache, and the file system's block allocation) runs here: on the range machine that
/// is about half of recording's time, so the two halves overlap. After each chunk the output is asked
/// to start its writeback (``MCAPOutput/beginWriteback()``), so that the disk works during the run,
/// not in the final `fsync`.
///
/// At most ``maximumJobs`` hand-overs wait at once; past that ``submit(head:body:tail:endsChunk:)``
/// blocks until one is written, so a slow disk slows the writer instead of filling memory.
///
/// The first output error stops all later writes and is kept: the writer throws it from its next call
/// (``failure``), and ``chunksWritten`` counts only the chunks that reached the output before it.
final class MCAPWriteBehind: @unchecked Sendable {
    // @unchecked: `output` is used by the queue's thread only, from the first submission on (the
    // writer reads `position` before, and closes the output only after `drain()`); the buffers move
    // between threads, each with one owner at a time; everything else shared is in `shared`.

    /// Hand-overs that may wait at once (each at most a chunk, its header and its MessageIndexes).
    static let maximumJobs = 3

    private let output: any MCAPOutput
    private let queue = DispatchQueue(label: "haechi.mcap.write-behind", qos: .userInitiated)
    private let slots = DispatchSemaphore(value: MCAPWriteBehind.maximumJobs)
    private let chunkCapacity: Int
    private let shared = Mutex(Shared())

    private struct Shared: ~Copyable {
        var spareChunks: [MCAPBuffer] = []
        var spareSmall: [MCAPBuffer] = []
        var failure: MCAPError?
        var chunksWritten = 0
    }

    /// A hand-over: written head, body, tail, in that order.
    private struct Job: @unchecked Sendable {
        var head: MCAPBuffer?
        var body: MCAPBuffer?
        var tail: MCAPBuffer?
        var endsChunk: Bool
    }

    init(output: any MCAPOutput, chunkCapacity: Int) {
        self.output = output
        self.chunkCapacity = chunkCapacity
    }

    /// The first error of the output, if any.
    var failure: MCAPError? { shared.withLock { $0.failure } }

    /// Chunks the output has taken in full (in order: the first this many).
    var chunksWritten: Int { shared.withLock { $0.chunksWritten } }

    /// An empty buffer for a chunk's records: a spare one if there is one.
    func chunkBuffer() -> MCAPBuffer {
        shared.withLock { $0.spareChunks.popLast() } ?? MCAPBuffer(capacity: chunkCapacity)
    }

    /// An empty buffer for a few records (a chunk's header or MessageIndexes, metadata).
    func smallBuffer() -> MCAPBuffer {
        shared.withLock { $0.spareSmall.popLast() } ?? MCAPBuffer(capacity: 4096)
    }

    /// Queues `head`, `body` and `tail` (any may be `nil`) to be written in that order, after
    /// everything submitted before. The buffers belong to the queue from now on. `body` goes back to
    /// the chunk spares, `head` and `tail` to the small ones. Blocks while ``maximumJobs`` wait.
    func submit(head: MCAPBuffer?, body: MCAPBuffer?, tail: MCAPBuffer?, endsChunk: Bool) {
        slots.wait()
        let job = Job(head: head, body: body, tail: tail, endsChunk: endsChunk)
        queue.async { [self] in
            run(job)
            slots.signal()
        }
    }

    /// Waits until everything submitted has been written (or skipped after a failure).
    func drain() {
        queue.sync {}
    }

    private func run(_ job: Job) {
        var error: MCAPError?
        if shared.withLock({ $0.failure == nil }) {
            do {
                for buffer in [job.head, job.body, job.tail] {
                    if let buffer { try output.write(buffer.bytes) }
                }
                if job.endsChunk { output.beginWriteback() }
            } catch let thrown {
                error = (thrown as? MCAPError)
                    ?? MCAPError(code: .outputFailed, message: "writing at offset \(output.position) failed: \(thrown)",
                                 offset: output.position)
            }
        }
        job.head?.removeAll()
        job.body?.removeAll()
        job.tail?.removeAll()
        shared.withLock {
            if let error, $0.failure == nil { $0.failure = error }
            if error == nil && $0.failure == nil && job.endsChunk { $0.chunksWritten += 1 }
            if let body = job.body { $0.spareChunks.append(body) }
            if let head = job.head { $0.spareSmall.append(head) }
            if let tail = job.tail { $0.spareSmall.append(tail) }
        }
    }
}
