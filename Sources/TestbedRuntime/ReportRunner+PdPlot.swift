// What the Pd plot of `haechi report` shows beyond the evaluation's series: each bin, its counts, and the plan's requirement.
import Reporting

extension ReportRunner {
    /// Gives `report`'s Pd-against-range series, per point, its range bin and its detections and
    /// opportunities, and the report the plan's Pd requirement (its first `pd` criterion with a minimum).
    ///
    /// The counts are the sensors' per-bin figures (`pd_<sensor>_<from>_<to>m`, the counts the results
    /// table shows) summed per bin, matched to a point by the bin's centre, and used only if every
    /// point has a bin whose counts give exactly its Pd; otherwise the series keeps no counts rather
    /// than wrong ones.
    static func annotatePdPlot(_ report: inout ReportData, plan: TestPlan) {
        if let criterion = plan.criteria.first(where: { $0.metric == "pd" && $0.sense == .atLeast }) {
            report.pdRequirement = criterion.requirement
            report.pdRequirementWithinM = criterion.withinMetres
        }
        guard var series = report.pdByRange else { return }
        var bins: [BinKey: (hits: Double, trials: Double)] = [:]
        for figure in report.figures where figure.key.hasPrefix("pd_") && figure.key.hasSuffix("m") {
            let parts = figure.key.dropLast().split(separator: "_")
            guard parts.count >= 4, let from = Int(parts[parts.count - 2]), let to = Int(parts[parts.count - 1]), from < to,
                  let hits = figure.numerator, let trials = figure.denominator else { continue }
            bins[BinKey(from: from, to: to), default: (0, 0)].hits += hits
            bins[BinKey(from: from, to: to), default: (0, 0)].trials += trials
        }
        var numerators: [Double] = [], denominators: [Double] = [], xLower: [Double] = [], xUpper: [Double] = []
        for (x, y) in zip(series.x, series.y) {
            let match = bins.filter { key, counts in
                abs(Double(key.from + key.to) / 2 - x) < 1e-6 && counts.trials > 0 && abs(counts.hits / counts.trials - y) < 1e-9
            }
            guard match.count == 1, let (key, counts) = match.first else { return }
            numerators.append(counts.hits)
            denominators.append(counts.trials)
            xLower.append(Double(key.from))
            xUpper.append(Double(key.to))
        }
        guard numerators.count == series.x.count else { return }
        series.numerators = numerators
        series.denominators = denominators
        series.xLower = xLower
        series.xUpper = xUpper
        report.pdByRange = series
    }
}

/// A range bin of the per-sensor Pd figures, in whole metres as their keys name it.
private struct BinKey: Hashable {
    var from: Int
    var to: Int
}
