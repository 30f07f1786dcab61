// What `haechi sign` did: the files signed, the officer's key and time, the run-log entry.

/// What `haechi sign` did.
public struct SignResult: Sendable {
    public var reportID: String
    public var files: [String]
    public var keyFingerprint: String
    public var signedUTC: String
    public var signedKST: String
    /// The run-log entry of the signature.
    public var logSequence: Int64
}
