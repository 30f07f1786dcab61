// MCAPSkippedRegion: a damaged stretch of a file that a damage-skipping read passed over.

/// A stretch of the data section that an iteration with ``MCAPReaderOptions/skipsDamage`` could not
/// read and passed over: from the damaged record to the next intact one.
public struct MCAPSkippedRegion: Hashable, Sendable, CustomStringConvertible {
    /// The file offset of the damaged record.
    public var offset: UInt64
    /// The bytes passed over: from ``offset`` to the intact record the iteration resumed at.
    public var length: UInt64
    /// What was wrong with the record at ``offset`` (its CRC, its compression, its length, ...).
    public var error: MCAPError
    /// Chunks passed over: 1 when the damaged record is a Chunk (by its opcode, or because MessageIndex
    /// records follow the region, which only ever follow a chunk); 0 otherwise.
    public var chunks: Int
    /// Messages passed over, when they can be known. A damaged chunk's are the entries of the
    /// MessageIndex records written right after it (one per message), provided the region is exactly
    /// that chunk: the iteration resumed where the chunk's record length, or its own `records` field,
    /// says it ends. A damaged record of another kind whose length held holds no message (or one, for
    /// a Message). `nil` when it cannot be known: no MessageIndex records after the chunk, some of
    /// them damaged too, or a region that runs past the damaged record's stated end.
    public var messages: UInt64?

    /// Creates a region.
    public init(offset: UInt64, length: UInt64, error: MCAPError, chunks: Int, messages: UInt64?) {
        self.offset = offset
        self.length = length
        self.error = error
        self.chunks = chunks
        self.messages = messages
    }

    /// One line a person can read.
    public var description: String {
        let what = chunks > 0 ? "\(chunks) chunk(s), " : ""
        let count = messages.map { "\($0) message(s)" } ?? "an unknown number of messages"
        return "\(length) byte(s) at offset \(offset) (\(what)\(count)): \(error.message)"
    }
}
