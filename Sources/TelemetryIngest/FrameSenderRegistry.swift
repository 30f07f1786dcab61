// Every connection the ZAP handler admitted in a run, by number: shared by the pipeline's threads.
import Foundation

/// The senders of a run, numbered by the ZAP handler and looked up by the decode and raw stages.
///
/// Bounded: after ``capacity`` connections every further one shares one unattributed sender
/// (``FrameSender/unattributedConnection``), so a peer that reconnects without end cannot exhaust memory.
///
/// The lists sit behind a pthread lock (`NSLock`), not `Synchronization.Mutex`: on Linux `Mutex` is a
/// bare futex that ThreadSanitizer cannot see, so the ZAP thread's registration and the decode
/// stage's lookup, ordered by the lock, were reported as a race (intermittently) in the TSan run of
/// `make test`. A lookup happens once per connection per stage (``FrameSenderCache``), so the lock's
/// cost does not matter.
public final class FrameSenderRegistry: @unchecked Sendable {
    /// Connections numbered apart in one run.
    public static let defaultCapacity = 65_536

    /// The most connections numbered apart.
    public let capacity: Int
    // @unchecked Sendable: `senders` and `unattributed` are read and written only under `lock`.
    private let lock = NSLock()
    private var senders: [FrameSender] = []
    private var unattributed: [Int: FrameSender] = [:]

    /// An empty registry.
    public init(capacity: Int = FrameSenderRegistry.defaultCapacity) {
        precondition(capacity > 0, "a registry holds at least one sender")
        self.capacity = capacity
    }

    /// Numbers a newly admitted connection; past ``capacity``, returns the endpoint's shared unattributed sender.
    public func register(endpointIndex: Int, endpointName: String, mechanism: FrameSender.Mechanism, address: String,
                         publicKey: String? = nil, clientName: String? = nil, allowance: SourceAllowance? = nil) -> FrameSender {
        lock.lock()
        defer { lock.unlock() }
        if senders.count < capacity {
            let sender = FrameSender(connection: UInt32(senders.count + 1), endpointIndex: endpointIndex, endpointName: endpointName,
                                     mechanism: mechanism, address: address, publicKey: publicKey, clientName: clientName,
                                     allowance: allowance)
            senders.append(sender)
            return sender
        }
        if let sender = unattributed[endpointIndex] { return sender }
        // Shared by every connection past the limit; a CURVE client among them keeps no allowance, so
        // the shared sender may speak for nothing.
        let sender = FrameSender(connection: FrameSender.unattributedConnection, endpointIndex: endpointIndex,
                                 endpointName: endpointName, mechanism: mechanism, address: "",
                                 allowance: mechanism == .curve ? SourceAllowance(topics: [], mavlinkSystems: []) : nil)
        unattributed[endpointIndex] = sender
        return sender
    }

    /// The sender numbered `connection` on `endpoint`, or `nil` for 0 (no ZAP: `inproc://`) or a number never given.
    public func sender(connection: UInt32, endpoint: Int) -> FrameSender? {
        if connection == 0 { return nil }
        lock.lock()
        defer { lock.unlock() }
        if connection == FrameSender.unattributedConnection { return unattributed[endpoint] }
        let index = Int(connection) - 1
        return index < senders.count ? senders[index] : nil
    }

    /// Connections numbered so far.
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return senders.count
    }
}

/// A stage's own memo of senders by connection number, so looking one up takes no lock after the first time.
struct FrameSenderCache {
    let registry: FrameSenderRegistry
    private var lastConnection: UInt32 = 0
    private var lastEndpoint = -1
    private var last: FrameSender?
    private var known: [UInt64: FrameSender] = [:]

    init(registry: FrameSenderRegistry) { self.registry = registry }

    /// The sender of a frame that arrived on `endpoint` with the connection number `connection`.
    mutating func sender(connection: UInt32, endpoint: Int) -> FrameSender? {
        if connection == 0 { return nil }
        if connection == lastConnection, endpoint == lastEndpoint { return last }
        let key = UInt64(connection) << 32 | UInt64(UInt32(truncatingIfNeeded: endpoint))
        var sender = known[key]
        if sender == nil {
            sender = registry.sender(connection: connection, endpoint: endpoint)
            // A number the registry never gave (a forged User-Id cannot reach here past ZAP, but be safe): not remembered.
            if let sender, sender.endpointIndex == endpoint { known[key] = sender }
        }
        // Only a sender admitted on this very endpoint counts: anything else is treated as unknown.
        if let found = sender, found.endpointIndex != endpoint { sender = nil }
        lastConnection = connection
        lastEndpoint = endpoint
        last = sender
        return sender
    }
}
