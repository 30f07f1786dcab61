// MCAPWriter: writes an indexed MCAP file, chunk by chunk, so that every closed chunk is safely on the output.

/// Writes an MCAP file to an ``MCAPOutput``.
///
/// Layout, in the order the file gets it:
/// ```
/// magic Header
/// ( Chunk[ Schema* Channel* Message+ ] MessageIndex+ | Metadata | Attachment )*
/// Schema* Channel*        (only those never used by a message)
/// DataEnd
/// Schema* Channel* Statistics ChunkIndex* AttachmentIndex* MetadataIndex*   (the summary)
/// SummaryOffset*  Footer  magic
/// ```
/// Each chunk is self-contained: it holds every Schema and Channel its messages use, ahead of the
/// first such message, so a chunk read alone (after a crash) can be decoded. One MessageIndex per
/// channel follows each chunk.
///
/// ``addMessage(channelID:sequence:logTime:publishTime:data:)`` copies the message into a reusable
/// chunk buffer and appends one entry to its channel's reusable index array: no allocation once the
/// buffers have grown. A chunk is written out by ``closeChunk()`` (call it on a timer, about once a
/// second) and automatically once its uncompressed size reaches ``MCAPWriterOptions/chunkSize``.
/// After ``closeChunk()`` returns, the output holds a complete prefix of the file that
/// ``MCAPReader`` (lenient) and ``MCAPRecovery`` read in full; a crash loses only the open chunk.
///
/// With ``MCAPWriterOptions/writeBehind`` a closed chunk is handed, without a copy, to a thread that
/// writes it (``MCAPWriteBehind``): ``closeChunk()`` returns once it is queued, ``chunksWritten``
/// counts what the output has taken, and ``finish()`` waits for everything.
///
/// A writer belongs to one thread. If the output throws, the writer keeps the error and throws it
/// again from every later call (with write-behind, from the next call that writes).
public final class MCAPWriter {
    private enum State {
        case idle
        case writing
        case finished
        case failed(MCAPError)
    }

    private struct SchemaSlot {
        var registered = false
        var schema = MCAPSchema(id: 0, name: "", encoding: "", data: [])
        var encoded: [UInt8] = []
        var inChunk = false
        var written = false
    }

    private struct ChannelSlot {
        var channel = MCAPChannel(id: 0, schemaID: 0, topic: "", messageEncoding: "")
        var encoded: [UInt8] = []
        var written = false
        var messageCount: UInt64 = 0
        /// The open chunk's messages on this channel (counted when the chunk closes).
        var inChunkCount = 0
        /// Where the channel's next MessageIndex entry goes, while a chunk closes.
        var indexCursor = 0
    }

    /// What ``addMessage(channelID:sequence:logTime:publishTime:data:)`` reads per message, one byte per
    /// channel ID: kept apart from `channels` so the hot path reads a byte, not a slot.
    private enum ChannelState: UInt8 {
        case unregistered, registered, inChunk
    }

    /// One message of the open chunk, for its channel's MessageIndex: all channels in one array,
    /// which is reused chunk after chunk (one append per message; the MessageIndexes are sorted out
    /// when the chunk closes).
    private struct ChunkEntry {
        var channel: UInt16
        var logTime: UInt64
        var offset: UInt64
    }

    /// The earliest and latest of a run of log times, and how many.
    private struct TimeSpan {
        var count = 0
        var start: UInt64 = 0
        var end: UInt64 = 0

        @inline(__always)
        mutating func add(_ time: UInt64) {
            if count == 0 {
                start = time
                end = time
            } else {
                if time < start { start = time }
                if time > end { end = time }
            }
            count += 1
        }
    }

    /// Where the file goes.
    public let output: any MCAPOutput
    /// The layout settings.
    public let options: MCAPWriterOptions

    @exclusivity(unchecked) private var state = State.idle
    private var position: UInt64 = 0
    private var dataCRC: UInt32 = 0

    private var schemas: [SchemaSlot] = [SchemaSlot()]  // index = schema ID; 0 unused
    private var channels: [ChannelSlot] = []  // index = channel ID
    @exclusivity(unchecked) private var channelStates: [ChannelState] = []  // index = channel ID
    private var schemaCount = 0
    private var channelCount = 0
    /// No schema or channel ID below these is free (IDs are never released), so the search for a
    /// free one starts here: adding n channels costs O(n), not O(n²).
    private var freeSchemaHint = 1
    private var freeChannelHint = 1

    /// The open chunk's records (chunked mode) or the records not yet written (unchunked mode).
    private var chunk: MCAPBuffer
    // The per-message state is read and written by addMessage only, on the writer's one thread, and
    // never across a call that could reach it again: the dynamic exclusivity checks the compiler
    // leaves on class properties (a quarter of the recorder's own time per frame under perf) guard
    // nothing here, so they are turned off for these properties.
    /// The open chunk's messages and their log times.
    @exclusivity(unchecked) private var chunkSpan = TimeSpan()
    @exclusivity(unchecked) private var chunkEntries: [ChunkEntry] = []
    private var chunkChannels: [UInt16] = []
    private var chunkSchemas: [UInt16] = []
    private let compressor: MCAPChunkCompressor
    /// Record headers, MessageIndex records and the summary are assembled here.
    private let scratch = MCAPBuffer(capacity: 4096)
    /// A closed chunk's MessageIndex records (while `scratch` holds its header).
    private let indexScratch = MCAPBuffer(capacity: 4096)
    /// The thread that writes, with ``MCAPWriterOptions/writeBehind``.
    private let writeBehind: MCAPWriteBehind?
    /// Chunks written to the output (without write-behind).
    private var chunksOnOutput = 0

    /// Every message so far and their log times.
    @exclusivity(unchecked) private var fileSpan = TimeSpan()
    /// The summary's ChunkIndex records, encoded as each chunk closes. They are the one part of the
    /// writer's memory that grows with the file, by the MCAP design (one record per chunk, with 10 bytes
    /// per channel in that chunk): kept as their bytes, and moved to ``summarySpill`` once they pass
    /// ``MCAPWriterOptions/summarySpillThreshold`` (docs/performance.md, Soak).
    private let chunkIndexRecords = MCAPBuffer(capacity: 4096)
    /// The ChunkIndex records written out of memory so far (they come before ``chunkIndexRecords``).
    private var summarySpill: MCAPSummarySpill?
    /// Chunks closed so far.
    private var chunksClosed = 0
    private var attachmentIndexes: [MCAPAttachmentIndex] = []
    private var metadataIndexes: [MCAPMetadataIndex] = []

    /// Creates a writer. Nothing is written until ``start()``.
    public init(output: any MCAPOutput, options: MCAPWriterOptions = MCAPWriterOptions()) {
        self.output = output
        self.options = options
        self.compressor = MCAPChunkCompressor(options.useChunks ? options.compression : .none)
        let chunkCapacity = min(options.chunkSize, 64 << 20) + 4096
        self.chunk = MCAPBuffer(capacity: chunkCapacity)
        self.writeBehind = options.writeBehind ? MCAPWriteBehind(output: output, chunkCapacity: chunkCapacity) : nil
    }

    deinit {
        // The queue must not write after the owner of the output thinks the writer is gone.
        writeBehind?.drain()
    }

    // MARK: Progress

    /// Messages added so far.
    public var messageCount: UInt64 { UInt64(fileSpan.count) }
    /// Chunks written so far.
    public var chunkCount: Int { chunksClosed }
    /// Bytes handed to the output so far (with write-behind, queued for it).
    public var bytesWritten: UInt64 { position }
    /// Chunks the output has taken in full: the first this many of ``chunkCount``. Without
    /// write-behind, every chunk closed so far. Safe to read from any thread.
    public var chunksWritten: Int { writeBehind?.chunksWritten ?? chunksOnOutput }
    /// Bytes waiting in the open chunk (or, unchunked, not yet written).
    public var pendingBytes: Int { chunk.count }
    /// Whether ``finish()`` has completed.
    public var isFinished: Bool {
        if case .finished = state { return true }
        return false
    }

    // MARK: Writing

    /// Writes the leading magic and the Header.
    /// - Throws: ``MCAPError`` when the output fails.
    public func start() throws(MCAPError) {
        guard case .idle = state else { preconditionFailure("MCAPWriter.start() called twice") }
        position = output.position
        state = .writing
        scratch.removeAll()
        scratch.append(MCAPMagic.bytes)
        scratch.append(MCAPRecord.header(MCAPHeader(profile: options.profile, library: options.library)))
        try emit(scratch.bytes)
    }

    /// Registers a schema and returns its ID (1, 2, ...).
    ///
    /// In chunked mode the Schema record goes into each chunk that uses it; unchunked, it is written
    /// at once.
    /// - Throws: ``MCAPError/Code/idsExhausted`` when all 65535 schema IDs are in use (the writer
    ///   stays usable); ``MCAPError`` when the output fails (unchunked mode only).
    @discardableResult
    public func addSchema(name: String, encoding: String, data: [UInt8]) throws(MCAPError) -> UInt16 {
        try checkWriting()
        var id = max(1, freeSchemaHint)
        while id < schemas.count && schemas[id].registered { id += 1 }
        guard id <= Int(UInt16.max) else {
            throw MCAPError(code: .idsExhausted, message: "cannot add schema '\(name)': all 65535 schema IDs are in use")
        }
        freeSchemaHint = id + 1
        try addSchema(MCAPSchema(id: UInt16(id), name: name, encoding: encoding, data: data))
        return UInt16(id)
    }

    /// Registers a schema with the ID it carries (used to keep IDs when copying or recovering a file).
    /// Registering an identical schema again does nothing.
    /// - Precondition: the ID is not 0 and not registered with a different schema.
    /// - Throws: ``MCAPError`` when the output fails (unchunked mode only).
    public func addSchema(_ schema: MCAPSchema) throws(MCAPError) {
        try checkWriting()
        precondition(schema.id != 0, "MCAPWriter: schema ID 0 is invalid")
        let slot = Int(schema.id)
        // Slots up to the ID in one append: an ID near 65535 (a recovered file may carry one) costs one
        // bulk fill, not a loop of appends.
        if schemas.count <= slot { schemas.append(contentsOf: repeatElement(SchemaSlot(), count: slot + 1 - schemas.count)) }
        if schemas[slot].registered {
            precondition(schemas[slot].schema == schema, "MCAPWriter: schema ID \(slot) registered twice with different content")
            return
        }
        schemas[slot].registered = true
        schemas[slot].schema = schema
        schemas[slot].encoded = MCAPRecord.schema(schema).serialized()
        schemaCount += 1
        if !options.useChunks {
            chunk.append(schemas[slot].encoded)
            schemas[slot].written = true
            try flushUnchunkedIfFull()
        }
    }

    /// Registers a channel and returns its ID (1, 2, ...).
    /// - Parameter schemaID: a registered schema, or 0 for none.
    /// - Throws: ``MCAPError/Code/idsExhausted`` when all 65535 channel IDs are in use (the writer
    ///   stays usable: messages on the channels already added are still taken); ``MCAPError`` when
    ///   the output fails (unchunked mode only).
    /// - Complexity: amortised O(1): the search for a free ID starts after the last one handed out.
    @discardableResult
    public func addChannel(
        topic: String, messageEncoding: String, schemaID: UInt16, metadata: [String: String] = [:]
    ) throws(MCAPError) -> UInt16 {
        try checkWriting()
        var id = max(1, freeChannelHint)
        while id < channels.count && isRegistered(channel: id) { id += 1 }
        guard id <= Int(UInt16.max) else {
            throw MCAPError(code: .idsExhausted, message: "cannot add channel '\(topic)': all 65535 channel IDs are in use")
        }
        freeChannelHint = id + 1
        try addChannel(MCAPChannel(id: UInt16(id), schemaID: schemaID, topic: topic, messageEncoding: messageEncoding, metadata: metadata))
        return UInt16(id)
    }

    /// Registers a channel with the ID it carries. Registering an identical channel again does nothing.
    /// - Precondition: its schema is 0 or registered; the ID is not registered with a different channel.
    /// - Throws: ``MCAPError`` when the output fails (unchunked mode only).
    public func addChannel(_ channel: MCAPChannel) throws(MCAPError) {
        try checkWriting()
        precondition(
            channel.schemaID == 0 || (Int(channel.schemaID) < schemas.count && schemas[Int(channel.schemaID)].registered),
            "MCAPWriter: channel \(channel.id) uses schema \(channel.schemaID), which was never added")
        let slot = Int(channel.id)
        if channels.count <= slot {
            channels.append(contentsOf: repeatElement(ChannelSlot(), count: slot + 1 - channels.count))
            channelStates.append(contentsOf: repeatElement(.unregistered, count: slot + 1 - channelStates.count))
        }
        if isRegistered(channel: slot) {
            precondition(channels[slot].channel == channel, "MCAPWriter: channel ID \(slot) registered twice with different content")
            return
        }
        channelStates[slot] = .registered
        channels[slot].channel = channel
        channels[slot].encoded = MCAPRecord.channel(channel).serialized()
        channelCount += 1
        if !options.useChunks {
            chunk.append(channels[slot].encoded)
            channels[slot].written = true
            try flushUnchunkedIfFull()
        }
    }

    /// Adds a message: the hot path.
    ///
    /// Copies `data` into the open chunk and notes its offset in the channel's index; closes the
    /// chunk when it reaches ``MCAPWriterOptions/chunkSize``.
    /// - Precondition: the channel was added.
    /// - Throws: ``MCAPError`` when closing the chunk fails (compression or output).
    public func addMessage(
        channelID: UInt16, sequence: UInt32, logTime: UInt64, publishTime: UInt64, data: UnsafeRawBufferPointer
    ) throws(MCAPError) {
        try checkWriting()
        let slot = Int(channelID)
        precondition(slot < channelStates.count && channelStates[slot] != .unregistered,
                     "MCAPWriter: message on channel \(channelID), which was never added")
        let chunk = self.chunk
        if options.useChunks {
            if channelStates[slot] != .inChunk { enterIntoChunk(slot) }
            chunkEntries.append(ChunkEntry(channel: channelID, logTime: logTime, offset: UInt64(chunk.count)))
            chunk.appendMessage(channelID: channelID, sequence: sequence, logTime: logTime, publishTime: publishTime, data: data)
            chunkSpan.add(logTime)
        } else {
            chunk.appendMessage(channelID: channelID, sequence: sequence, logTime: logTime, publishTime: publishTime, data: data)
            channels[slot].messageCount += 1
        }
        fileSpan.add(logTime)
        if chunk.count >= options.chunkSize { try closeChunk() }
    }

    /// Adds a message whose data is in an array; see ``addMessage(channelID:sequence:logTime:publishTime:data:)``.
    public func addMessage(channelID: UInt16, sequence: UInt32, logTime: UInt64, publishTime: UInt64, data: [UInt8]) throws(MCAPError) {
        try data.withBytes { (bytes) throws(MCAPError) in
            try addMessage(channelID: channelID, sequence: sequence, logTime: logTime, publishTime: publishTime, data: bytes)
        }
    }

    /// Writes a Metadata record to the data section (outside chunks; the open chunk stays open).
    /// - Throws: ``MCAPError`` when the output fails.
    public func addMetadata(name: String, _ metadata: [String: String]) throws(MCAPError) {
        try checkWriting()
        try flushUnchunked()
        scratch.removeAll()
        scratch.append(MCAPRecord.metadata(MCAPMetadata(name: name, metadata: metadata)))
        let offset = position
        try emit(scratch.bytes)
        metadataIndexes.append(MCAPMetadataIndex(offset: offset, length: UInt64(scratch.count), name: name))
    }

    /// Writes an Attachment record to the data section (outside chunks), with its CRC.
    /// - Throws: ``MCAPError`` when the output fails.
    public func addAttachment(name: String, mediaType: String, data: [UInt8], logTime: UInt64, createTime: UInt64 = 0) throws(MCAPError) {
        try checkWriting()
        try flushUnchunked()
        scratch.removeAll()
        scratch.append(MCAPRecord.attachment(MCAPAttachment(logTime: logTime, createTime: createTime, name: name, mediaType: mediaType, data: data)))
        let offset = position
        try emit(scratch.bytes)
        attachmentIndexes.append(MCAPAttachmentIndex(
            offset: offset, length: UInt64(scratch.count), logTime: logTime, createTime: createTime,
            dataSize: UInt64(data.count), name: name, mediaType: mediaType))
    }

    /// Writes the open chunk (if it holds a message) and its MessageIndex records to the output.
    /// Unchunked, writes the buffered records. Afterwards the output holds a complete prefix of the file.
    /// - Throws: ``MCAPError`` when compression or the output fails.
    public func closeChunk() throws(MCAPError) {
        try checkWriting()
        guard options.useChunks else {
            try flushUnchunked()
            return
        }
        guard chunkSpan.count > 0 else { return }

        try surfaceWriteBehindFailure()
        let records = chunk.bytes
        let crc = options.computeChunkCRC ? MCAPCRC32.checksum(records) : 0
        let stored: UnsafeRawBufferPointer
        do throws(MCAPError) {
            stored = try compressor.compress(records)
        } catch {
            state = .failed(error)
            throw error
        }
        let compression = compressor.compression.name

        let head = writeBehind?.smallBuffer() ?? scratch
        head.removeAll()
        _ = head.beginRecord(.chunk)
        head.append(chunkSpan.start)
        head.append(chunkSpan.end)
        head.append(UInt64(records.count))
        head.append(crc)
        head.appendString(compression)
        head.append(UInt64(stored.count))
        head.patch(UInt64(head.count - 9 + stored.count), at: 1)
        let chunkStart = position
        account(head.bytes)
        // Uncompressed, the stored bytes are the records whose CRC is already known: fold it in.
        account(stored, knownCRC: options.computeChunkCRC && compression.isEmpty ? crc : nil)
        let chunkLength = position - chunkStart

        let tail = writeBehind?.smallBuffer() ?? indexScratch
        tail.removeAll()
        let indexStart = position
        let indexOffsets = appendMessageIndexes(to: tail, at: indexStart)
        account(tail.bytes)
        let indexLength = tail.count  // read before the hand-over: the buffer is the queue's after it

        if let writeBehind {
            let body: MCAPBuffer
            if compression.isEmpty {
                body = chunk  // handed over as it is; the writer goes on with a spare
                chunk = writeBehind.chunkBuffer()
            } else {
                body = writeBehind.chunkBuffer()
                body.append(stored)
            }
            writeBehind.submit(head: head, body: body, tail: tail, endsChunk: true)
        } else {
            try write(head.bytes)
            try write(stored)
            try write(tail.bytes)
            chunksOnOutput += 1
        }

        // The ChunkIndex record, as MCAPRecord.chunkIndex encodes it (map keys sorted).
        let index = chunkIndexRecords
        let recordStart = index.beginRecord(.chunkIndex)
        index.append(chunkSpan.start)
        index.append(chunkSpan.end)
        index.append(chunkStart)
        index.append(chunkLength)
        index.append(UInt32(indexOffsets.count * 10))
        for (channel, offset) in indexOffsets.sorted(by: { $0.channel < $1.channel }) {
            index.append(channel)
            index.append(offset)
        }
        index.append(UInt64(indexLength))
        index.appendString(compression)
        index.append(UInt64(stored.count))
        index.append(UInt64(records.count))
        index.endRecord(recordStart)
        chunksClosed += 1
        if let directory = options.summarySpillDirectory, index.count >= options.summarySpillThreshold {
            do throws(MCAPError) {
                if summarySpill == nil { summarySpill = try MCAPSummarySpill(directory: directory) }
                let spill = summarySpill!
                try spill.append(index.bytes)
                index.removeAll()
            } catch {
                state = .failed(error)
                throw error
            }
        }

        for id in chunkChannels {
            channelStates[Int(id)] = .registered
        }
        for id in chunkSchemas { schemas[Int(id)].inChunk = false }
        chunkChannels.removeAll(keepingCapacity: true)
        chunkSchemas.removeAll(keepingCapacity: true)
        chunk.removeAll()
        chunkEntries.removeAll(keepingCapacity: true)
        chunkSpan = TimeSpan()
    }

    /// Appends the open chunk's MessageIndex records (one per channel, in the order the channels
    /// entered the chunk, each channel's entries in message order) to `buffer`, which will be written
    /// at file offset `start`; counts the messages into each channel's total. Returns each record's
    /// file offset with its channel ID.
    private func appendMessageIndexes(to buffer: MCAPBuffer, at start: UInt64) -> [(channel: UInt16, offset: UInt64)] {
        for entry in chunkEntries { channels[Int(entry.channel)].inChunkCount += 1 }
        var offsets: [(channel: UInt16, offset: UInt64)] = []
        offsets.reserveCapacity(chunkChannels.count)
        // Each record's header and room for its entries; the entries are then put in place in one pass.
        for id in chunkChannels {
            let slot = Int(id)
            let count = channels[slot].inChunkCount
            offsets.append((id, start + UInt64(buffer.count)))
            buffer.append(MCAPOpcode.messageIndex.rawValue)
            buffer.append(UInt64(2 + 4 + 16 * count))
            buffer.append(id)
            buffer.append(UInt32(16 * count))
            buffer.reserve(16 * count)
            channels[slot].indexCursor = buffer.count
            buffer.advance(by: 16 * count)
            channels[slot].messageCount += UInt64(count)
            channels[slot].inChunkCount = 0
        }
        let base = buffer.mutableBase
        for entry in chunkEntries {
            let slot = Int(entry.channel)
            let cursor = channels[slot].indexCursor
            base.storeBytes(of: entry.logTime.littleEndian, toByteOffset: cursor, as: UInt64.self)
            base.storeBytes(of: entry.offset.littleEndian, toByteOffset: cursor + 8, as: UInt64.self)
            channels[slot].indexCursor = cursor + 16
        }
        return offsets
    }

    /// Closes the open chunk and writes DataEnd, the summary, the Summary Offsets, the Footer and the
    /// closing magic. The writer accepts nothing afterwards. The output is not closed.
    /// - Throws: ``MCAPError`` when compression or the output fails.
    public func finish() throws(MCAPError) {
        try closeChunk()
        // Schemas and channels no message used yet: into the data section, so that it defines
        // everything the summary repeats.
        scratch.removeAll()
        for slot in schemas.indices where schemas[slot].registered && !schemas[slot].written {
            scratch.append(schemas[slot].encoded)
            schemas[slot].written = true
        }
        for slot in channels.indices where isRegistered(channel: slot) && !channels[slot].written {
            scratch.append(channels[slot].encoded)
            channels[slot].written = true
        }
        try emit(scratch.bytes)

        scratch.removeAll()
        scratch.append(MCAPRecord.dataEnd(MCAPDataEnd(dataSectionCRC: options.computeDataSectionCRC ? dataCRC : 0)))
        isPastDataSection = true
        try emit(scratch.bytes)

        // The summary is assembled in `scratch` and written out whenever a spilled group streams past
        // it; `summaryCRC` follows what was written.
        let summaryStart = position
        scratch.removeAll()
        var summaryCRC: UInt32 = 0
        func flushSummary() throws(MCAPError) {
            summaryCRC = MCAPCRC32.checksum(scratch.bytes, seed: summaryCRC)
            try emit(scratch.bytes)
            scratch.removeAll()
        }
        var groups: [MCAPSummaryOffset] = []
        func group(_ opcode: MCAPOpcode, _ body: () throws(MCAPError) -> Void) throws(MCAPError) {
            let start = position + UInt64(scratch.count)
            try body()
            let end = position + UInt64(scratch.count)
            if end > start {
                groups.append(MCAPSummaryOffset(groupOpcode: opcode.rawValue, groupStart: start, groupLength: end - start))
            }
        }
        try group(.schema) {
            for slot in schemas where slot.registered { scratch.append(slot.encoded) }
        }
        try group(.channel) {
            for slot in channels.indices where isRegistered(channel: slot) { scratch.append(channels[slot].encoded) }
        }
        try group(.statistics) {
            var counts: [UInt16: UInt64] = [:]
            for slot in channels.indices where isRegistered(channel: slot) && channels[slot].messageCount > 0 {
                counts[channels[slot].channel.id] = channels[slot].messageCount
            }
            scratch.append(MCAPRecord.statistics(MCAPStatistics(
                messageCount: UInt64(fileSpan.count), schemaCount: UInt16(schemaCount), channelCount: UInt32(channelCount),
                attachmentCount: UInt32(attachmentIndexes.count), metadataCount: UInt32(metadataIndexes.count),
                chunkCount: UInt32(chunksClosed), messageStartTime: fileSpan.start, messageEndTime: fileSpan.end,
                channelMessageCounts: counts)))
        }
        try group(.chunkIndex) { () throws(MCAPError) in
            if let summarySpill {
                try flushSummary()
                try summarySpill.forEachPiece(pieceSize: 1 << 20, through: scratch) { (piece) throws(MCAPError) in
                    summaryCRC = MCAPCRC32.checksum(piece, seed: summaryCRC)
                    try emit(piece)
                }
                scratch.removeAll()
                self.summarySpill = nil
            }
            scratch.append(chunkIndexRecords.bytes)
        }
        try group(.attachmentIndex) {
            for index in attachmentIndexes { scratch.append(MCAPRecord.attachmentIndex(index)) }
        }
        try group(.metadataIndex) {
            for index in metadataIndexes { scratch.append(MCAPRecord.metadataIndex(index)) }
        }
        let summaryOffsetStart = position + UInt64(scratch.count)
        for offset in groups { scratch.append(MCAPRecord.summaryOffset(offset)) }

        // The summary CRC runs from the summary start through the Footer's summary_offset_start.
        let footerStart = scratch.count
        scratch.append(MCAPRecord.footer(MCAPFooter(summaryStart: summaryStart, summaryOffsetStart: summaryOffsetStart, summaryCRC: 0)))
        summaryCRC = MCAPCRC32.checksum(UnsafeRawBufferPointer(rebasing: scratch.bytes[..<(footerStart + 1 + 8 + 8 + 8)]), seed: summaryCRC)
        scratch.patch(summaryCRC, at: footerStart + 1 + 8 + 8 + 8)
        scratch.append(MCAPMagic.bytes)
        try emit(scratch.bytes)
        writeBehind?.drain()
        try surfaceWriteBehindFailure()
        state = .finished
    }

    /// Waits until the write-behind thread has written everything handed to it; returns at once
    /// without write-behind. Call it before closing the output of a writer left unfinished (after
    /// an error, say): ``finish()`` waits by itself.
    public func waitForOutput() {
        writeBehind?.drain()
    }

    // MARK: Internals

    @inline(__always)
    private func checkWriting() throws(MCAPError) {
        switch state {
        case .writing: return
        case .failed(let error): throw error
        case .idle: preconditionFailure("MCAPWriter used before start()")
        case .finished: preconditionFailure("MCAPWriter used after finish()")
        }
    }

    /// Whether channel ID `slot` was added (its state is the one place that says so).
    private func isRegistered(channel slot: Int) -> Bool { channelStates[slot] != .unregistered }

    /// Puts the channel's Schema (if this chunk lacks it) and Channel record into the open chunk.
    private func enterIntoChunk(_ slot: Int) {
        let schemaID = Int(channels[slot].channel.schemaID)
        if schemaID != 0 && !schemas[schemaID].inChunk {
            chunk.append(schemas[schemaID].encoded)
            schemas[schemaID].inChunk = true
            schemas[schemaID].written = true
            chunkSchemas.append(UInt16(schemaID))
        }
        chunk.append(channels[slot].encoded)
        channelStates[slot] = .inChunk
        channels[slot].written = true
        chunkChannels.append(UInt16(slot))
    }

    private func flushUnchunked() throws(MCAPError) {
        guard !options.useChunks, chunk.count > 0 else { return }
        try emit(chunk.bytes)
        chunk.removeAll()
    }

    private func flushUnchunkedIfFull() throws(MCAPError) {
        if chunk.count >= options.chunkSize { try flushUnchunked() }
    }

    /// Hands bytes to the output (with write-behind, a copy to the queue), keeping the data-section
    /// CRC and the position.
    private func emit(_ bytes: UnsafeRawBufferPointer) throws(MCAPError) {
        guard bytes.count > 0 else { return }
        account(bytes)
        if let writeBehind {
            try surfaceWriteBehindFailure()
            let copy = writeBehind.smallBuffer()
            copy.append(bytes)
            writeBehind.submit(head: copy, body: nil, tail: nil, endsChunk: false)
        } else {
            try write(bytes)
        }
    }

    /// Counts bytes about to be written: the data-section CRC and the position.
    /// - Parameter knownCRC: the CRC-32 of `bytes`, when the caller has it.
    private func account(_ bytes: UnsafeRawBufferPointer, knownCRC: UInt32? = nil) {
        if options.computeDataSectionCRC, !isPastDataSection {
            if let knownCRC {
                dataCRC = MCAPCRC32.combine(dataCRC, knownCRC, secondLength: bytes.count)
            } else {
                dataCRC = MCAPCRC32.checksum(bytes, seed: dataCRC)
            }
        }
        position += UInt64(bytes.count)
    }

    /// Writes to the output in this thread; a failure fails the writer.
    private func write(_ bytes: UnsafeRawBufferPointer) throws(MCAPError) {
        guard bytes.count > 0 else { return }
        do {
            try output.write(bytes)
        } catch {
            let wrapped = (error as? MCAPError)
                ?? MCAPError(code: .outputFailed, message: "writing \(bytes.count) byte(s) failed: \(error)", offset: output.position)
            state = .failed(wrapped)
            throw wrapped
        }
    }

    /// Throws (and fails the writer with) the write-behind thread's error, if it had one.
    private func surfaceWriteBehindFailure() throws(MCAPError) {
        if let failure = writeBehind?.failure {
            state = .failed(failure)
            throw failure
        }
    }

    private var isPastDataSection = false
}
