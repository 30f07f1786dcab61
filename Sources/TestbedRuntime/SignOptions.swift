// What `haechi sign` does: the report folder, the officer's key, name and role, the run log.
public import Foundation

/// What `haechi sign` does.
public struct SignOptions: Sendable {
    /// The report folder `haechi report` wrote.
    public var directory: String
    /// The officer's private key, name and role.
    public var keyPath: String
    public var name: String
    public var role: String
    /// The run log the draft is in; the signature is appended to it.
    public var logPath: String
    /// When it is signed; `nil`: now. (A signature's time is the officer's act, not a measurement.)
    public var signedAt: Date?
    /// The range's key, which signs the run-log entry (``RangeKey``; `nil`: the default).
    public var rangeKeyPath: String?

    public init(directory: String, keyPath: String, name: String, role: String, logPath: String, rangeKeyPath: String? = nil,
                signedAt: Date? = nil) {
        self.rangeKeyPath = rangeKeyPath
        self.directory = directory
        self.keyPath = keyPath
        self.name = name
        self.role = role
        self.logPath = logPath
        self.signedAt = signedAt
    }
}
