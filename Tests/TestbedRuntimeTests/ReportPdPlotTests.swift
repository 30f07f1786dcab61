// The Pd plot's counts and bins, from the evaluation, and its requirement, from the plan.
import Testing
import Foundation
import Reporting
@testable import TestbedRuntime
import TestbedConfiguration

@Suite("Report Pd plot")
struct ReportPdPlotTests {
    static let samplePlan = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Config/plans/radar-acceptance.yaml").standardized.path

    static func report(pd: ReportSeries?) -> ReportData {
        ReportData(reportID: "R", laboratory: "L", siteName: "S", siteOrigin: [0, 0, 0], client: "C", method: "M", planName: "P",
                   planFile: "p.yaml", systemName: "N", systemVersion: "1", systemFirmware: "f", configSHA256: "0", testStartedUTC: "t0",
                   testEndedUTC: "t1", issuedUTC: "t2", conditions: [], figures: [], decisionRule: "", verdicts: [], deviations: [],
                   notEvaluable: [], authorisedBy: "A", authorisedRole: "R", runID: "run", recordingFile: "r.mcap", recordingSHA256: "0",
                   runLogHeadHash: "0", softwareVersion: "0", softwareCommit: "0", toolVersions: [:], mapTruth: [], mapTracks: [],
                   pdByRange: pd, positionErrorOverTime: [], ospaOverTime: nil, gospaOverTime: nil, timelines: [])
    }

    @Test("The report gets the plan's first Pd minimum and its range limit; a plan without one gives none")
    func requirement() throws {
        let plan = try TestPlan.load(path: Self.samplePlan)
        var report = Self.report(pd: nil)
        ReportRunner.annotatePdPlot(&report, plan: plan)
        #expect(report.pdRequirement == 0.9 && report.pdRequirementWithinM == 2000)
        var plain = plan
        plain.criteria.removeAll { $0.metric == "pd" }
        var none = Self.report(pd: nil)
        ReportRunner.annotatePdPlot(&none, plan: plain)
        #expect(none.pdRequirement == nil && none.pdRequirementWithinM == nil)
    }
}
