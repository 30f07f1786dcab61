// `haechi campaign`: several runs of one plan, each run a trial: run-level Pd and the runs still needed.
import Evaluation
import Reporting
import SessionRecording
import Foundation
public import TestbedConfiguration

/// One run of a campaign: its Pd figures, and whether each Pd criterion's figure met the requirement.
public struct CampaignRun: Sendable, Encodable {
    public var runID: String
    public var recording: String
    /// Per Pd criterion (by figure key): the run's pooled Pd, its counts, and whether it met the requirement.
    public var pd: [String: CampaignRunFigure]

    enum CodingKeys: String, CodingKey { case runID = "run_id", recording, pd }
}

/// A run's Pd under one criterion.
public struct CampaignRunFigure: Sendable, Encodable {
    public var value: Double?
    public var hits: Int
    public var trials: Int
    public var success: Bool?
}

/// The campaign-level figure of one Pd criterion.
public struct CampaignCriterion: Sendable, Encodable {
    public var criterion: String
    public var figureKey: String
    /// Runs that count (the figure was evaluable), runs that met the requirement.
    public var runs: Int
    public var successes: Int
    /// Run-level Pd = successes / runs, with its two-sided Clopper–Pearson interval and one-sided lower bound.
    public var runLevelPd: Double?
    public var lower: Double?
    public var upper: Double?
    public var oneSidedLower: Double?
    public var confidence: Double
    /// The verdict on the run-level Pd against the requirement, and the number of runs (in all) a
    /// campaign with the failures seen so far needs to claim it.
    public var verdict: String
    public var runsNeeded: Int?
    public var furtherRunsNeeded: Int?

    enum CodingKeys: String, CodingKey {
        case criterion, figureKey = "figure_key", runs, successes, runLevelPd = "run_level_pd", lower, upper
        case oneSidedLower = "one_sided_lower", confidence, verdict, runsNeeded = "runs_needed", furtherRunsNeeded = "further_runs_needed"
    }
}

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

/// Runs `haechi campaign`.
///
/// Each run of the campaign is one Bernoulli trial per Pd criterion: it succeeds when the run's own
/// pooled Pd (all sensors, within the criterion's range) reaches the requirement. The run-level Pd
/// is successes / runs, with a Clopper–Pearson interval; the decision rule is the report's (one-sided
/// lower bound at the criterion's confidence). "Runs needed" is the smallest campaign size n whose
/// one-sided lower bound reaches the requirement when n − f runs succeed, f being the failures seen so
/// far (Clopper–Pearson; with f = 0 it is the success-run length ⌈ln(1 − γ)/ln p⌉).
public enum CampaignRunner {
    public static func run(targets: [String], planPath: String, logPath: String) throws(RuntimeError) -> CampaignSummary {
        let plan = try TestPlan.load(path: planPath)
        let criteria = plan.criteria.filter { $0.metric == "pd" }
        guard !criteria.isEmpty else {
            throw RuntimeError(code: .config, file: planPath, field: "criteria", message: "a campaign needs at least one pd criterion")
        }
        var runs: [CampaignRun] = []
        for target in targets {
            let path = try ReportRunner.locateRecording(target, log: logPath)
            let data = try RecordedRunData.load(path: path)
            let output = Evaluator(plan: plan, input: try EvaluationInput.recorded(data)).evaluate()
            var pd: [String: CampaignRunFigure] = [:]
            for criterion in criteria {
                let figure = output.figures.first { $0.key == criterion.figureKey }
                let value = figure?.value
                pd[criterion.figureKey] = CampaignRunFigure(
                    value: value, hits: Int(figure?.numerator ?? 0), trials: Int(figure?.denominator ?? 0),
                    success: value.map { $0 >= criterion.requirement })
            }
            runs.append(CampaignRun(runID: data.provenance.runID, recording: path, pd: pd))
        }
        let summaries = criteria.map { criterion -> CampaignCriterion in
            let outcomes = runs.compactMap { $0.pd[criterion.figureKey]?.success }
            let successes = outcomes.filter { $0 }.count
            let failures = outcomes.count - successes
            let needed = ClopperPearson.runsNeeded(requiredPd: criterion.requirement, confidence: criterion.confidence,
                                                   allowedFailures: failures)
            var summary = CampaignCriterion(criterion: criterion.text, figureKey: criterion.figureKey, runs: outcomes.count,
                                            successes: successes, runLevelPd: nil, lower: nil, upper: nil, oneSidedLower: nil,
                                            confidence: criterion.confidence, verdict: "NOT_EVALUABLE", runsNeeded: needed,
                                            furtherRunsNeeded: needed.map { max(0, $0 - outcomes.count) })
            if let cp = ClopperPearson(successes: successes, trials: outcomes.count) {
                let interval = cp.interval(confidence: criterion.confidence)
                summary.runLevelPd = cp.proportion
                summary.lower = interval.lowerBound
                summary.upper = interval.upperBound
                summary.oneSidedLower = cp.lowerBound(confidence: criterion.confidence)
                summary.verdict = cp.decision(for: .atLeast(criterion.requirement), confidence: criterion.confidence).verdict.rawValue.uppercased()
            }
            return summary
        }
        return CampaignSummary(plan: plan.name, runs: runs, criteria: summaries)
    }
}
