// The bytes of received messages: one preallocated circular buffer, written and freed in ring order.
import LockFreeRing

/// A circular byte buffer holding the parts of every message in the ring.
///
/// Why an arena rather than bytes inside each slot: frames range from 40-byte MAVLink heartbeats to
/// megabyte-sized payloads. Fixed per-slot storage would either waste memory on every slot or cap
/// the frame size; one shared buffer stores each message in exactly its size, contiguously.
/// Messages are written in ring order and freed in ring order (when every consumer has passed their
/// slot), so the arena is a FIFO: its tail is the arena position of the oldest slot still in use.
/// Nothing is allocated per message; the producer receives each part straight into it.
///
/// Layout of a message: for each part a little-endian `UInt32` length, then the part's bytes. A
/// message never straddles the end of the buffer: if it might not fit before the end, the writer
/// skips to the start.
final class FrameArena: @unchecked Sendable {
    // @unchecked Sendable: the producer writes a message's bytes before publishing its slot and never
    // again until every consumer has released the slot; the ring's cursors order those accesses.
    /// Keeps the fields below off the cache line of the object's header, whose reference count any
    /// thread that retains the object writes: without it, the receive thread's retains made the
    /// stages' reads of these fields miss their caches at every message.
    private let headerPadding: (Int64, Int64, Int64, Int64, Int64, Int64) = (0, 0, 0, 0, 0, 0)
    let capacity: Int
    let base: UnsafeMutableRawPointer
    /// Producer-private: the next free position, monotonic.
    private(set) var head: Int64 = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(byteCount: capacity, alignment: 64)
    }

    deinit { base.deallocate() }

    /// The position a message of at most `budget` bytes would start at: `head`, or the start of
    /// the buffer's next lap if it might not fit before the end.
    func start(forBudget budget: Int) -> Int64 {
        let position = Int(head % Int64(capacity))
        return position + budget <= capacity ? head : head + Int64(capacity - position)
    }

    /// Marks `count` bytes from `start` as used.
    func commit(start: Int64, count: Int) {
        head = start + Int64(count)
    }

    /// A pointer to arena position `position`.
    func pointer(at position: Int64) -> UnsafeMutableRawPointer {
        base + Int(position % Int64(capacity))
    }

    /// Lends the parts of the message at `offset`, as a list of buffers on the stack.
    func withParts<R>(of slot: FrameSlot, _ body: (UnsafeBufferPointer<UnsafeRawBufferPointer>) -> R) -> R {
        withUnsafeTemporaryAllocation(of: UnsafeRawBufferPointer.self, capacity: max(slot.partCount, 1)) { list in
            var position = pointer(at: slot.arenaOffset)
            for i in 0..<slot.partCount {
                let length = Int(UInt32(littleEndian: position.loadUnaligned(as: UInt32.self)))
                list.initializeElement(at: i, to: UnsafeRawBufferPointer(start: position + 4, count: length))
                position += 4 + length
            }
            return body(UnsafeBufferPointer(rebasing: list[0..<slot.partCount]))
        }
    }
}
