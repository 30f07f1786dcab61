// A recorded run as the archive lists it.

/// A recorded run in the archive: the range's `recording` entry, its stored file, and what it was
/// evaluated under.
public struct ArchivedRun: Sendable, Hashable {
    public var range: String
    public var sequence: Int64
    public var runID: String
    public var site: String?
    public var loggedUTC: String
    public var recordingSHA256: String?
    /// The stored recording's size; `nil` when the archive holds no copy.
    public var recordingBytes: Int64?
    /// The plans and systems under test it was evaluated under (reports and re-evaluations).
    public var plans: [String]
    public var systems: [String]
}
