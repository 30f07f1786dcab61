// A test plan as the archive keeps it: its text, named by the text's SHA-256.

/// A test plan in the archive. Jobs and results name a plan by the SHA-256 of its text, so a plan
/// edited under the same name is a different plan.
public struct ArchivePlan: Sendable, Hashable {
    public var sha256: String
    public var name: String
    /// The system under test the plan names.
    public var systemName: String?
    /// The plan file's text, exactly.
    public var text: String
    /// The files the plan names (a laboratory profile, a conditions file), by the path as the plan
    /// writes it, with their text, as JSON: a worker rebuilds the plan's folder from them.
    public var includes: String

    public init(sha256: String, name: String, systemName: String?, text: String, includes: String = "{}") {
        self.includes = includes
        self.sha256 = sha256
        self.name = name
        self.systemName = systemName
        self.text = text
    }
}
