// What `haechi archive rescore` queued.

/// The jobs one `rescore` queued.
public struct ArchiveRescoreSummary: Sendable, Encodable {
    public var queued: Int
    /// Runs whose job (same recording, plan text and software) was queued or done before.
    public var already: Int
    public var plan: String
    public var planSHA256: String
    /// The software the jobs are for: only workers of this build take them.
    public var softwareVersion: String

    enum CodingKeys: String, CodingKey {
        case queued, already, plan, planSHA256 = "plan_sha256", softwareVersion = "software_version"
    }

    /// As pretty, key-sorted JSON.
    public func jsonText() throws -> String { try summaryJSON(self) }

    public var text: String {
        "plan \(plan) (\(planSHA256.prefix(16))…): queued \(queued) job(s); \(already) queued or done before\n"
            + "workers of \(softwareVersion) take them: haechi worker --config …\n"
    }
}
