// A recording as the archive registers it: its content hash, size, run and summary.

/// A recording registered in the archive (its bytes are in the store, under ``sha256``).
public struct ArchivedRecording: Sendable, Hashable {
    public var sha256: String
    public var bytes: Int64
    public var runID: String
    /// The recording's summary (`haechi info --json`'s fields), as JSON text.
    public var metadata: String

    public init(sha256: String, bytes: Int64, runID: String, metadata: String) {
        self.sha256 = sha256
        self.bytes = bytes
        self.runID = runID
        self.metadata = metadata
    }
}
