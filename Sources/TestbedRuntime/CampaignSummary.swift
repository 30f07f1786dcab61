// What `haechi campaign` found: every run and every Pd criterion, as JSON and as a table.
import Foundation

/// The whole campaign.
public struct CampaignSummary: Sendable, Encodable {
    public var format = "haechi-campaign/1"
    public var plan: String
    public var runs: [CampaignRun]
    public var criteria: [CampaignCriterion]

    /// As pretty, key-sorted JSON.
    public func jsonText() throws -> String { try summaryJSON(self) }

    /// A table for people.
    public var text: String {
        var out = "campaign: \(runs.count) run(s) of \(plan)\n"
        let fromResults = runs.filter { $0.figuresFrom == "archive result" }.count
        if runs.contains(where: { $0.figuresFrom != nil }) {
            out += "  figures: \(fromResults) run(s) from workers' results in the archive, \(runs.count - fromResults) scored here from the store"
                + (fromResults > 0 ? " (--score-here trusts no result)" : "") + "\n"
        }
        for c in criteria {
            let pd = c.runLevelPd.map { String(format: "%.3f", $0) } ?? "—"
            let bounds = c.lower.map { String(format: "[%.3f, %.3f]", $0, c.upper ?? .nan) } ?? ""
            out += "  \(c.verdict.padding(toLength: 13, withPad: " ", startingAt: 0)) \(c.criterion): \(c.successes) of \(c.runs) runs met it, "
                + "run-level Pd \(pd) \(bounds); runs needed in all: \(c.runsNeeded.map(String.init) ?? "—")"
                + (c.furtherRunsNeeded.map { " (\($0) more)" } ?? "") + "\n"
        }
        return out
    }
}
