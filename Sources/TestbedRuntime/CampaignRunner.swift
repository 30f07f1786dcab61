// `haechi campaign`: several runs of one plan, each run a trial: run-level Pd and the runs still needed.
import Evaluation
import Reporting
import SessionRecording
public import TestbedConfiguration

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
        let criteria = try pdCriteria(plan, planPath: planPath)
        var runs: [CampaignRun] = []
        for target in targets {
            let path = try ReportRunner.locateRecording(target, log: logPath)
            let data = try RecordedRunData.load(path: path)
            let output = Evaluator(plan: plan, input: try EvaluationInput.recorded(data)).evaluate()
            runs.append(CampaignRun(runID: data.provenance.runID, recording: path, pd: figures(criteria, output.figures)))
        }
        return summary(plan: plan, criteria: criteria, runs: runs)
    }

    /// The Pd criteria of a plan a campaign decides; a plan without one is an error.
    static func pdCriteria(_ plan: TestPlan, planPath: String) throws(RuntimeError) -> [AcceptanceCriterion] {
        let criteria = plan.criteria.filter { $0.metric == "pd" }
        guard !criteria.isEmpty else {
            throw RuntimeError(code: .config, file: planPath, field: "criteria", message: "a campaign needs at least one pd criterion")
        }
        return criteria
    }

    /// A run's Pd figures under each criterion, and whether each met its requirement.
    static func figures(_ criteria: [AcceptanceCriterion], _ figures: [ReportFigure]) -> [String: CampaignRunFigure] {
        var pd: [String: CampaignRunFigure] = [:]
        for criterion in criteria {
            let figure = figures.first { $0.key == criterion.figureKey }
            let value = figure?.value
            pd[criterion.figureKey] = CampaignRunFigure(
                value: value, hits: count(figure?.numerator), trials: count(figure?.denominator),
                success: value.map { $0 >= criterion.requirement })
        }
        return pd
    }

    /// A figure's count as a whole number; a count that is none (not finite, negative, huge) is 0. The
    /// evaluator makes only whole, modest counts; this is for figures read from the archive, which
    /// ``ArchiveScoring/Scored/figures(json:)`` checks first.
    private static func count(_ value: Double?) -> Int {
        guard let value, value.isFinite, value >= 0, value <= 1e15 else { return 0 }
        return Int(value.rounded())
    }

    /// The run-level figures over `runs`: each run one trial per criterion.
    static func summary(plan: TestPlan, criteria: [AcceptanceCriterion], runs: [CampaignRun]) -> CampaignSummary {
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
