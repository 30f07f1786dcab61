// The one error of the archive: what failed, in words a range engineer can act on.

/// An error of the shared archive: the database, the store, or what they hold.
public struct ArchiveError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    /// PostgreSQL's SQLSTATE, when the server refused a statement (`40001` a serialization failure,
    /// `23505` a unique violation, …).
    public var sqlState: String?

    public init(_ message: String, sqlState: String? = nil) {
        self.message = message
        self.sqlState = sqlState
    }

    public var description: String { message }
}
