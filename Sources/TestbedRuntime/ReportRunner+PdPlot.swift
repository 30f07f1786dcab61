// What the Pd plot of `haechi report` shows beyond the evaluation's series: the plan's requirement.
import Reporting
import TestbedConfiguration

extension ReportRunner {
    /// Gives the report the plan's Pd requirement (its first `pd` criterion with a minimum) for the
    /// Pd-against-range plot. The bins and their counts come with the series from ``Evaluator``.
    static func annotatePdPlot(_ report: inout ReportData, plan: TestPlan) {
        guard let criterion = plan.criteria.first(where: { $0.metric == "pd" && $0.sense == .atLeast }) else { return }
        report.pdRequirement = criterion.requirement
        report.pdRequirementWithinM = criterion.withinMetres
    }
}
