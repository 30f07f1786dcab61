// Reading a recording back: its provenance, and its frames in receive order.
public import MCAPCodec
public import TelemetryModel
public import TelemetryIngest
import Foundation

/// One received frame as recorded.
public struct RecordedFrame: Sendable {
    /// The global receive sequence (the recording's 32-bit sequence, unwrapped in file order).
    public var receiveSequence: UInt64
    /// The receive time.
    public var receiveTime: Timestamp
    /// The endpoint's index in the recorded config.
    public var endpointIndex: Int
    /// How the decode stage judged it live.
    public var kind: RecordingLayout.FrameKind
    /// Every ZeroMQ part as received (topic and payload, for a frame that decoded).
    public var parts: [[UInt8]]
    /// For a frame stored cut short: the bytes of every part after the first as they arrived (from
    /// its `haechi/frame_flags` message); `nil` when ``parts`` are whole.
    public var payloadBytes: Int? = nil
    /// Who sent it, as the recording's `haechi/senders` messages say (`nil`: not known, or a
    /// recording made before senders were kept).
    public var sender: FrameSender?
    /// The source its channel names (the topic of a decoded frame; an overflow channel's
    /// `!overflow@<endpoint>`).
    public var source: String = ""
    /// Why the decode stage rejected it, from its `haechi/frame_flags` message (malformed frames).
    public var rejectReason: String? = nil
}

/// One channel of a recording and how many messages it holds.
public struct RecordedChannel: Sendable, Hashable {
    /// The channel's ID, topic and message encoding.
    public var id: UInt16
    public var topic: String
    public var messageEncoding: String
    /// Its schema's name (`""` when schemaless).
    public var schemaName: String
    /// Its metadata (`source`, `endpoint`, `frames`, ... on a frame channel).
    public var metadata: [String: String]
    /// Messages on it, counted in the file.
    public var messages: UInt64
    /// The first and last messages' log times (ns), `nil` when it has none.
    public var firstLogTime: UInt64?
    public var lastLogTime: UInt64?
}

/// A Haechi recording opened for reading.
///
/// The file is mapped, not read: a recording of a long run can be far larger than memory needs.
public final class RecordedSession {
    /// The file.
    public let path: String
    /// The run that made it.
    public let provenance: RunProvenance
    /// The `haechi.run_end` metadata, when the run ended cleanly.
    public let end: [String: String]?
    /// Whether the file ends with a footer (a finalised recording).
    public let isFinalised: Bool
    /// The library the file's header names (`haechi recover` for a rebuilt file).
    public let library: String
    /// The file's size in bytes.
    public var byteCount: Int { reader.byteCount }
    /// The first and last frames' receive times (ns), from the end metadata of a finalised recording.
    public var frameTimeRange: ClosedRange<UInt64>? {
        guard let first = end?["first_frame_ns"].flatMap(UInt64.init), let last = end?["last_frame_ns"].flatMap(UInt64.init),
              first <= last else { return nil }
        return first...last
    }
    private let reader: MCAPReader
    private let source: MappedFile
    /// How far a pass over the file goes before the pages behind it are handed back (see ``follow(_:in:mark:)``).
    static let releaseStride: UInt64 = 8 << 20

    /// Opens `path`. A file never finalised is read up to its last complete chunk.
    public init(path: String) throws(RecordingError) {
        self.path = path
        let source: MappedFile
        do {
            source = try MappedFile(path: path)
        } catch {
            // The mapping throws POSIX errors: their description is an error domain and a code.
            let reason = (error as? POSIXError).map { String(cString: strerror($0.code.rawValue)).lowercased() } ?? "\(error)"
            throw RecordingError(code: .unreadable, message: "cannot read \(path): \(reason)")
        }
        self.source = source
        isFinalised = source.withUnsafeBytes { MCAPFileStatus.check($0) }.isFinalised
        reader = MCAPReader(source: source, options: MCAPReaderOptions(validateCRCs: true, lenient: !isFinalised))
        var run: RunProvenance?
        var end: [String: String]?
        var library = ""
        var records = reader.records(descendIntoChunks: false)
        var mark: UInt64 = 0
        do throws(MCAPError) {
            while let record = try records.next() {
                // Each chunk's bytes are read to be passed over: handed back as the scan goes.
                Self.follow(records.recordOffset, in: source, mark: &mark)
                if case .header(let header) = record { library = header.library }
                guard case .metadata(let metadata) = record else { continue }
                if metadata.name == RecordingLayout.runMetadata { run = RunProvenance(metadata: metadata.metadata) }
                if metadata.name == RecordingLayout.endMetadata { end = metadata.metadata }
            }
        } catch {
            throw RecordingError(code: .unreadable, message: "\(path) is not a readable MCAP file: \(error.message)", cause: error)
        }
        guard let run else {
            throw RecordingError(code: .notAHaechiRecording,
                                 message: "\(path) has no \(RecordingLayout.runMetadata) metadata: it was not recorded by haechi ingest")
        }
        provenance = run
        self.end = end
        self.library = library
        // What is left of the scan's window, handed back too.
        source.releasePages(before: .max)
        source.rewind()
    }

    /// Hands back the pages a pass has gone past, every ``releaseStride`` bytes: reading a recording
    /// front to back then holds a window of the file in memory, not the whole file, whatever its size.
    /// (The file stays mapped; a page read again is read from the page cache or the disk.)
    private static func follow(_ offset: UInt64, in source: MappedFile, mark: inout UInt64) {
        guard offset >= mark &+ releaseStride else { return }
        mark = offset
        source.releasePages(before: Int(clamping: offset))
    }

    /// Every channel with its message count, in channel-ID order, read through the whole file.
    /// - Returns: the channels, and why reading stopped before the end (a file never finalised).
    public func channels() throws(RecordingError) -> (channels: [RecordedChannel], stop: MCAPError?) {
        var channels: [UInt16: RecordedChannel] = [:]
        var schemas: [UInt16: String] = [:]
        var records = reader.records(descendIntoChunks: true)
        var mark: UInt64 = 0
        defer { source.rewind() }
        do throws(MCAPError) {
            while let record = try records.next() {
                Self.follow(records.recordOffset, in: source, mark: &mark)
                switch record {
                case .schema(let schema):
                    schemas[schema.id] = schema.name
                case .channel(let channel) where channels[channel.id] == nil:
                    channels[channel.id] = RecordedChannel(id: channel.id, topic: channel.topic, messageEncoding: channel.messageEncoding,
                                                           schemaName: schemas[channel.schemaID] ?? "", metadata: channel.metadata,
                                                           messages: 0)
                case .message(let message):
                    guard var channel = channels[message.channelID] else { continue }
                    channel.messages += 1
                    channel.firstLogTime = min(channel.firstLogTime ?? message.logTime, message.logTime)
                    channel.lastLogTime = max(channel.lastLogTime ?? message.logTime, message.logTime)
                    channels[message.channelID] = channel
                default:
                    continue
                }
            }
        } catch {
            throw RecordingError(code: .unreadable, message: "\(path): \(error.message)", cause: error)
        }
        return (channels.values.sorted { $0.id < $1.id }, records.stopReason)
    }

    /// Calls `body` with every frame, in receive order, and with every line the live tracker
    /// published (`tracks`), in order. Stops early when `body` returns `false`. With `reasons`, each
    /// malformed frame carries the reason its flags message gives (`RecordedFrame.rejectReason`).
    /// - Returns: why reading stopped before the end, for a file never finalised.
    @discardableResult
    public func forEachFrame(reasons: Bool = false, _ body: (RecordedFrame) -> Bool,
                             tracks: ((String) -> Void)? = nil) throws(RecordingError) -> MCAPError? {
        // `whole`: the messages hold every part (malformed, shed and overflow channels), not the payload alone.
        var channels: [UInt16: (kind: RecordingLayout.FrameKind, endpoint: Int, source: [UInt8], whole: Bool, slot: SenderKey)?] = [:]
        var tracksChannel: UInt16?
        var flagsChannel: UInt16?
        var flaggedBytes: Int?   // the last flags message's `bytes`, for the frame that follows it
        var flaggedReason: String?   // and its `reason`
        var sendersChannel: UInt16?
        var senders: [SenderKey: FrameSender] = [:]
        var knownSenders: [UInt64: FrameSender] = [:]
        var records = reader.records(descendIntoChunks: true)
        var high: UInt64 = 0
        var lastLow: UInt32?
        var mark: UInt64 = 0
        defer { source.rewind() }
        do throws(MCAPError) {
            while let record = try records.next() {
                Self.follow(records.recordOffset, in: source, mark: &mark)
                switch record {
                case .channel(let channel):
                    if channel.topic == RecordingLayout.tracksTopic { tracksChannel = channel.id }
                    if channel.topic == RecordingLayout.flagsTopic { flagsChannel = channel.id }
                    if channel.topic == RecordingLayout.sendersTopic { sendersChannel = channel.id }
                    if let kind = channel.metadata["frames"].flatMap(RecordingLayout.FrameKind.init(rawValue:)),
                       let endpoint = channel.metadata["endpoint_index"].flatMap(Int.init), let source = channel.metadata["source"] {
                        channels[channel.id] = (kind, endpoint, Array(source.utf8),
                                                kind != .decoded || channel.messageEncoding == RecordingLayout.multipartEncoding,
                                                SenderKey(endpoint: endpoint, source: source))
                    } else {
                        channels[channel.id] = .some(nil)
                    }
                case .message(let message):
                    if message.channelID == tracksChannel {
                        tracks?(String(decoding: message.data, as: UTF8.self))
                        continue
                    }
                    if message.channelID == flagsChannel {
                        flaggedBytes = RecordingLayout.flaggedPayloadBytes(message.data)
                        flaggedReason = reasons ? RecordingLayout.flaggedReason(message.data) : nil
                        continue
                    }
                    if message.channelID == sendersChannel {
                        if let change = RecordingLayout.sender(fromChange: message.data, known: &knownSenders) {
                            senders[SenderKey(endpoint: change.endpoint, source: change.source)] = change.sender
                        }
                        continue
                    }
                    guard let entry = channels[message.channelID], let info = entry else { continue }
                    if let lastLow, message.sequence < lastLow { high += 1 << 32 }
                    lastLow = message.sequence
                    let parts: [[UInt8]]
                    if !info.whole {
                        parts = [info.source, message.data]
                    } else {
                        guard let decoded = RecordingLayout.decodeMultipart(message.data) else {
                            throw MCAPError(code: .malformedRecord, message: "a \(info.kind.rawValue) frame's parts are cut short",
                                            offset: records.recordOffset)
                        }
                        parts = decoded
                    }
                    let frame = RecordedFrame(receiveSequence: high | UInt64(message.sequence),
                                              receiveTime: Timestamp(nanosecondsSinceEpoch: Int64(clamping: message.logTime)),
                                              endpointIndex: info.endpoint, kind: info.kind, parts: parts, payloadBytes: flaggedBytes,
                                              sender: senders.isEmpty ? nil : senders[info.slot],
                                              source: String(decoding: info.source, as: UTF8.self),
                                              rejectReason: info.kind == .malformed ? flaggedReason : nil)
                    flaggedBytes = nil
                    flaggedReason = nil
                    if !body(frame) { return nil }
                default:
                    continue
                }
            }
        } catch {
            throw RecordingError(code: .unreadable, message: "\(path): \(error.message)", cause: error)
        }
        return records.stopReason
    }
}

/// The (endpoint, source) a `haechi/senders` message speaks for.
private struct SenderKey: Hashable {
    var endpoint: Int
    var source: String
}

/// A file mapped read-only, as an MCAP byte source, read front to back with its pages handed back
/// behind the reader (``releasePages(before:)``).
package final class MappedFile: MCAPByteSource, @unchecked Sendable {
    // @unchecked Sendable: the mapping is read-only and never moves until deinit unmaps it; `released`
    // is touched only by the one thread that reads the session (a RecordedSession is not shared).
    private let base: UnsafeMutableRawPointer?
    private let count: Int
    /// The pages before this offset were handed back in the current pass, and in the reader's own pass.
    private var released = 0
    private var passCursor = 0

    package init(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        count = Int(info.st_size)
        if count == 0 {
            base = nil
            return
        }
        let mapped = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0)
        guard let mapped, mapped != MAP_FAILED else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        base = mapped
        // Read front to back: the kernel reads ahead further and drops what is behind sooner.
        _ = madvise(mapped, count, MADV_SEQUENTIAL)
    }

    /// Hands the pages before `offset` (rounded down to a page) back to the kernel. The mapping is
    /// private and never written, so a page read again after this is read again from the file: this
    /// changes memory, never what is read.
    package func releasePages(before offset: Int) {
        guard let base else { return }
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = min(offset, count) / page * page
        guard end > released else { return }
        _ = madvise(base + released, end - released, MADV_DONTNEED)
        released = end
    }

    /// A new pass starts at the beginning.
    package func rewind() { released = 0 }

    /// The reader's own passes (the data section's CRC, front to back from offset 0) hand back their
    /// pages as they go, apart from the session's pass (``releasePages(before:)``), which may be ahead.
    package func passed(_ offset: Int) {
        guard let base else { return }
        if offset < passCursor { passCursor = 0 }   // a new pass
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let end = min(offset, count) / page * page
        guard end > passCursor else { return }
        _ = madvise(base + passCursor, end - passCursor, MADV_DONTNEED)
        passCursor = end
    }

    deinit { if let base { munmap(base, count) } }

    package func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try body(UnsafeRawBufferPointer(start: base, count: count))
    }
}
