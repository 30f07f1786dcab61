// What `haechi recover` did: the files, what was kept and what was skipped.

/// What `haechi recover` did.
public struct RecoverReport: Sendable {
    /// The input and the rebuilt file.
    public var input: String
    public var output: String
    /// The codec's account: what was kept and where the input stopped.
    public var details: String
    /// Frames (and other messages) kept.
    public var messages: UInt64
    /// Damaged chunks skipped, the bytes of the damaged stretches skipped, and the messages they
    /// held (`nil` when that cannot be known).
    public var chunksSkipped: Int
    public var bytesSkipped: UInt64
    public var messagesSkipped: UInt64?
    /// The line on what was skipped; `nil` when nothing was.
    public var skipped: String?

    /// A report for people.
    public var text: String {
        "recovered \(messages) messages from \(input) into \(output)\n" + (skipped.map { $0 + "\n" } ?? "") + "\(details)\n"
    }
}
