// What `haechi doctor` found in a recording: what can be read, what is damaged, and its problems.

/// What `haechi doctor` found.
public struct RecordingDiagnosis: Encodable, Sendable {
    public var path: String
    public var bytes: UInt64
    /// Whether the file ends with its footer.
    public var finalised: Bool
    /// Messages readable (what `haechi recover` would keep), chunks read whole, and damaged chunks.
    public var messagesReadable: UInt64
    public var chunksReadable: Int
    public var chunksDamaged: Int
    /// Bytes of damaged stretches skipped, and bytes after the last complete record.
    public var bytesSkipped: UInt64
    public var bytesAfterLastRecord: UInt64
    /// What the summary section says, for a finalised file: its message count.
    public var summaryMessages: UInt64?
    /// Each problem, in words; none for a healthy recording.
    public var problems: [String]
    /// Facts worth knowing that are not problems (a file rebuilt by `haechi recover`).
    public var notes: [String]
    /// Whether the file is a sound, finalised Haechi recording.
    public var healthy: Bool { problems.isEmpty }

    enum CodingKeys: String, CodingKey {
        case path, bytes, finalised, problems, notes, healthy
        case messagesReadable = "messages_readable", chunksReadable = "chunks_readable", chunksDamaged = "chunks_damaged"
        case bytesSkipped = "bytes_skipped", bytesAfterLastRecord = "bytes_after_last_record", summaryMessages = "summary_messages"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(finalised, forKey: .finalised)
        try c.encode(messagesReadable, forKey: .messagesReadable)
        try c.encode(chunksReadable, forKey: .chunksReadable)
        try c.encode(chunksDamaged, forKey: .chunksDamaged)
        try c.encode(bytesSkipped, forKey: .bytesSkipped)
        try c.encode(bytesAfterLastRecord, forKey: .bytesAfterLastRecord)
        try c.encode(summaryMessages, forKey: .summaryMessages)
        try c.encode(problems, forKey: .problems)
        try c.encode(notes, forKey: .notes)
        try c.encode(healthy, forKey: .healthy)
    }

    /// The report as pretty, key-sorted JSON text.
    public func jsonText() throws -> String { try summaryJSON(self) }
}
