// What `haechi archive verify` found.

/// The result of checking an archive and its store.
public struct ArchiveVerification: Sendable, Encodable {
    /// A range's chain as the archive holds it.
    public struct RangeChain: Sendable, Encodable {
        public var entries: Int
        public var head: String
    }

    public var ranges: [String: RangeChain] = [:]
    public var recordingsChecked = 0
    public var reportsChecked = 0
    public var plansChecked = 0
    /// What was checked against what, and what cannot be told (unsigned entries).
    public var facts: [String] = []
    /// Everything wrong; none means the archive is intact.
    public var problems: [String] = []

    enum CodingKeys: String, CodingKey {
        case ranges, facts, problems, recordingsChecked = "recordings_checked", reportsChecked = "reports_checked"
        case plansChecked = "plans_checked"
    }

    /// As pretty, key-sorted JSON.
    public func jsonText() throws -> String { try summaryJSON(self) }

    public var text: String {
        var out = ""
        for (name, chain) in ranges.sorted(by: { $0.key < $1.key }) {
            out += "range \(name): \(chain.entries) entries, head \(chain.head.prefix(16))…\n"
        }
        out += "recordings re-hashed in the store: \(recordingsChecked); report manifests checked: \(reportsChecked); plans checked: \(plansChecked)\n"
        out += facts.map { "note: \($0)\n" }.joined()
        out += problems.isEmpty ? "the archive is intact\n" : problems.map { "PROBLEM: \($0)\n" }.joined()
        return out
    }
}
