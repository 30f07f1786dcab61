// What `haechi verify` found: its problems and the facts that hold.

/// What `haechi verify` found.
public struct VerifyResult: Sendable {
    public var problems: [String]
    /// What holds, in sentences for the user (who signed, against which store, the run log).
    public var facts: [String]
    public var checkedFiles: Int
    public var recording: String?
}
