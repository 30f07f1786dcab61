// MCAPMessageIterator: the messages of a file with their channels, in file order or log-time order.

/// The order in which ``MCAPReader/messages(order:)`` yields messages.
public enum MCAPMessageOrder: Hashable, Sendable {
    /// As they are stored.
    case file
    /// By `log_time`; equal times keep file order.
    case logTime
}

/// A message together with the channel it was published on and that channel's schema.
public struct MCAPChannelMessage: Hashable, Sendable {
    /// The channel.
    public var channel: MCAPChannel
    /// The channel's schema, or `nil` when its schema ID is 0 (or the schema was never defined).
    public var schema: MCAPSchema?
    /// The message.
    public var message: MCAPMessage

    /// Creates one.
    public init(channel: MCAPChannel, schema: MCAPSchema?, message: MCAPMessage) {
        self.channel = channel
        self.schema = schema
        self.message = message
    }

    /// The message's channel ID.
    public var channelID: UInt16 { message.channelID }
    /// The message's sequence number.
    public var sequence: UInt32 { message.sequence }
    /// The message's `log_time`.
    public var logTime: UInt64 { message.logTime }
    /// The message's `publish_time`.
    public var publishTime: UInt64 { message.publishTime }
    /// The message's bytes.
    public var data: [UInt8] { message.data }
}

/// Yields the messages of a file; see ``MCAPReader/messages(order:)``.
public struct MCAPMessageIterator {
    private enum Mode {
        case file(MCAPRecordIterator)
        case merge(MergeState)
        case sorted([MCAPChannelMessage], Int)
        /// Held while a state is taken out to be mutated, so that its storage stays uniquely referenced.
        case moving
    }

    private struct MergeState {
        var chunks: [MCAPChunkIndex]
        var nextChunk = 0
        var heap = MCAPMinHeap<Pending>()
    }

    private struct Pending: Comparable {
        var logTime: UInt64
        var chunkOffset: UInt64
        var recordOffset: UInt64
        var message: MCAPChannelMessage

        static func < (a: Pending, b: Pending) -> Bool {
            (a.logTime, a.chunkOffset, a.recordOffset) < (b.logTime, b.chunkOffset, b.recordOffset)
        }
        static func == (a: Pending, b: Pending) -> Bool {
            (a.logTime, a.chunkOffset, a.recordOffset) == (b.logTime, b.chunkOffset, b.recordOffset)
        }
    }

    private let reader: MCAPReader
    private let decompressor = MCAPChunkDecompressor()
    private var mode: Mode
    private var schemas: [UInt16: MCAPSchema] = [:]
    private var channels: [UInt16: MCAPChannel] = [:]
    private var finished = false
    /// Why a lenient iteration stopped early (see ``MCAPRecordIterator/stopReason``); `nil` otherwise.
    public private(set) var stopReason: MCAPError?
    /// Whether the messages come from the summary's chunk indexes (log-time order on a finalised,
    /// chunked file) rather than from a scan of the data section.
    public var usesIndex: Bool {
        if case .merge = mode { return true }
        return false
    }

    init(reader: MCAPReader, order: MCAPMessageOrder) throws(MCAPError) {
        self.reader = reader
        self.mode = .file(reader.records())
        guard order == .logTime else { return }

        var summary: MCAPSummary?
        do throws(MCAPError) {
            summary = try reader.readSummary()
        } catch where error.code == .notFinalised || reader.options.lenient {
            summary = nil  // Unfinished or damaged summary: read the data section instead.
        }
        if let summary, !summary.chunkIndexes.isEmpty {
            schemas = summary.schemas
            channels = summary.channels
            let chunks = summary.chunkIndexes.sorted {
                ($0.messageStartTime, $0.chunkStartOffset) < ($1.messageStartTime, $1.chunkStartOffset)
            }
            mode = .merge(MergeState(chunks: chunks))
            return
        }
        var all: [(index: Int, message: MCAPChannelMessage)] = []
        var scan = MCAPMessageIterator(fileOrderOf: reader)
        while let message = try scan.next() { all.append((all.count, message)) }
        stopReason = scan.stopReason
        all.sort { ($0.message.logTime, $0.index) < ($1.message.logTime, $1.index) }
        mode = .sorted(all.map(\.message), 0)
    }

    private init(fileOrderOf reader: MCAPReader) {
        self.reader = reader
        self.mode = .file(reader.records())
    }

    /// The next message, or `nil` at the end (of the data section, or at a problem in lenient mode).
    /// - Throws: in strict mode, the first problem as ``MCAPError``, including
    ///   ``MCAPError/Code/unknownChannel`` for a message whose channel was never defined.
    public mutating func next() throws(MCAPError) -> MCAPChannelMessage? {
        guard !finished else { return nil }
        do throws(MCAPError) {
            switch mode {
            case .file(var records):
                mode = .moving
                defer { mode = .file(records) }
                while let record = try records.next() {
                    switch record {
                    case .schema(let schema):
                        if schema.id != 0 { schemas[schema.id] = schema }
                    case .channel(let channel):
                        channels[channel.id] = channel
                    case .message(let message):
                        return try attach(message, at: records.recordOffset)
                    case .dataEnd, .footer:
                        finished = true
                        return nil
                    default:
                        break
                    }
                }
                finished = true
                stopReason = records.stopReason
                return nil
            case .merge(var state):
                mode = .moving
                defer { mode = .merge(state) }
                while state.nextChunk < state.chunks.count,
                      state.heap.min.map({ state.chunks[state.nextChunk].messageStartTime <= $0.logTime }) ?? true {
                    try load(state.chunks[state.nextChunk], into: &state.heap)
                    state.nextChunk += 1
                }
                guard let next = state.heap.popMin() else {
                    finished = true
                    return nil
                }
                return next.message
            case .sorted(let all, let index):
                guard index < all.count else {
                    finished = true
                    return nil
                }
                mode = .sorted(all, index + 1)
                return all[index]
            case .moving:
                preconditionFailure("MCAPMessageIterator: re-entered")
            }
        } catch {
            finished = true
            if reader.options.lenient {
                stopReason = error
                return nil
            }
            throw error
        }
    }

    private func attach(_ message: MCAPMessage, at offset: UInt64) throws(MCAPError) -> MCAPChannelMessage {
        guard let channel = channels[message.channelID] else {
            throw MCAPError(
                code: .unknownChannel,
                message: "Message on channel \(message.channelID) (in the record at offset \(offset)) comes before any Channel record with that ID",
                offset: offset)
        }
        return MCAPChannelMessage(channel: channel, schema: schemas[channel.schemaID], message: message)
    }

    private mutating func load(_ index: MCAPChunkIndex, into heap: inout MCAPMinHeap<Pending>) throws(MCAPError) {
        for (offset, record) in try reader.readChunkRecords(index, using: decompressor) {
            switch record {
            case .schema(let schema):
                if schema.id != 0 { schemas[schema.id] = schema }
            case .channel(let channel):
                channels[channel.id] = channel
            case .message(let message):
                let full = try attach(message, at: index.chunkStartOffset)
                heap.insert(Pending(logTime: message.logTime, chunkOffset: index.chunkStartOffset, recordOffset: offset, message: full))
            default:
                break
            }
        }
    }
}

/// A binary min-heap.
struct MCAPMinHeap<Element: Comparable> {
    private var storage: [Element] = []

    var isEmpty: Bool { storage.isEmpty }
    var min: Element? { storage.first }

    mutating func insert(_ element: Element) {
        storage.append(element)
        var child = storage.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard storage[child] < storage[parent] else { break }
            storage.swapAt(child, parent)
            child = parent
        }
    }

    mutating func popMin() -> Element? {
        guard !storage.isEmpty else { return nil }
        storage.swapAt(0, storage.count - 1)
        let result = storage.removeLast()
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var smallest = parent
            if left < storage.count && storage[left] < storage[smallest] { smallest = left }
            if right < storage.count && storage[right] < storage[smallest] { smallest = right }
            guard smallest != parent else { break }
            storage.swapAt(parent, smallest)
            parent = smallest
        }
        return result
    }
}
