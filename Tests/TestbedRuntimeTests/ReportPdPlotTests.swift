// The Pd plot's counts, bins and requirement, taken from the per-sensor figures and the plan.
import Testing
import Foundation
import Reporting
@testable import TestbedRuntime

@Suite("Report Pd plot")
struct ReportPdPlotTests {
    static let samplePlan = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Config/plans/radar-acceptance.yaml").standardized.path

    static func report(figures: [ReportFigure], pd: ReportSeries?) -> ReportData {
        ReportData(reportID: "R", laboratory: "L", siteName: "S", siteOrigin: [0, 0, 0], client: "C", method: "M", planName: "P",
                   planFile: "p.yaml", systemName: "N", systemVersion: "1", systemFirmware: "f", configSHA256: "0", testStartedUTC: "t0",
                   testEndedUTC: "t1", issuedUTC: "t2", conditions: [], figures: figures, decisionRule: "", verdicts: [], deviations: [],
                   notEvaluable: [], authorisedBy: "A", authorisedRole: "R", runID: "run", recordingFile: "r.mcap", recordingSHA256: "0",
                   runLogHeadHash: "0", softwareVersion: "0", softwareCommit: "0", toolVersions: [:], mapTruth: [], mapTracks: [],
                   pdByRange: pd, positionErrorOverTime: [], ospaOverTime: nil, gospaOverTime: nil, timelines: [])
    }

    static func proportion(_ key: String, _ hits: Double, _ trials: Double) -> ReportFigure {
        ReportFigure(key: key, value: hits / trials, unit: "", numerator: hits, denominator: trials)
    }

    @Test("The Pd series gets each bin and its counts summed over sensors, and the plan's requirement")
    func pdCounts() throws {
        let plan = try TestPlan.load(path: Self.samplePlan)
        let figures = [Self.proportion("pd_radar-0_1000_2000m", 177, 191), Self.proportion("pd_radar_1_1000_2000m", 3, 9),
                       Self.proportion("pd_radar-0_2000_3000m", 127, 131), Self.proportion("pd_within_2000m", 180, 200),
                       Self.proportion("pd_radar-0", 304, 322)]
        var report = Self.report(figures: figures, pd: ReportSeries(name: "Pd", x: [1500, 2500], y: [180.0 / 200, 127.0 / 131]))
        ReportRunner.annotatePdPlot(&report, plan: plan)
        let pd = try #require(report.pdByRange)
        #expect(pd.numerators == [180, 127] && pd.denominators == [200, 131])
        #expect(pd.xLower == [1000, 2000] && pd.xUpper == [2000, 3000])
        #expect(report.pdRequirement == 0.9 && report.pdRequirementWithinM == 2000)
    }

    @Test("Counts that do not give a point's Pd are left out, not shown wrong")
    func pdCountsMismatch() throws {
        let plan = try TestPlan.load(path: Self.samplePlan)
        var report = Self.report(figures: [Self.proportion("pd_radar-0_1000_2000m", 177, 191)],
                                 pd: ReportSeries(name: "Pd", x: [1500, 2500], y: [177.0 / 191, 0.5]))
        ReportRunner.annotatePdPlot(&report, plan: plan)
        #expect(report.pdByRange?.numerators == nil && report.pdByRange?.xLower == nil)
        #expect(report.pdRequirement == 0.9)
        var plain = try TestPlan.load(path: Self.samplePlan)
        plain.criteria.removeAll { $0.metric == "pd" }
        var none = Self.report(figures: [], pd: nil)
        ReportRunner.annotatePdPlot(&none, plan: plain)
        #expect(none.pdRequirement == nil && none.pdByRange == nil)
    }
}
