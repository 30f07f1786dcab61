// Test plans: the sample parses; mistakes name the file, line and field; unknown metrics are refused.
import Testing
import Foundation
@testable import TestbedConfiguration

@Suite("Test plans")
struct TestPlanTests {
    static let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Config/plans/radar-acceptance.yaml").standardized.path

    @Test("The sample plan parses, with its criteria and defaults")
    func sample() throws {
        let plan = try TestPlan.load(path: Self.sample)
        #expect(plan.systemVersion == "0.1.0" && plan.confidence == 0.95)
        #expect(plan.criteria.map(\.figureKey) == ["pd_within_2000m", "false_alarms_per_scan", "horizontal_rmse_m", "completeness", "ospa_mean_m",
                                                    "false_tracks_per_hour"])
        #expect(plan.criteria[0].sense == .atLeast && plan.criteria[0].requirement == 0.9 && plan.criteria[0].withinMetres == 2000)
        #expect(plan.criteria[2].sense == .atMost && plan.criteria[2].confidence == 0.95)
        #expect(plan.rangeBins.first == 0 && plan.ospaCutoff == 100)
    }

    static let base = """
        plan: p
        method: m
        system_under_test: {name: s, version: "1"}
        criteria:
          - {metric: pd, min: 0.9}
        """

    @Test("Mistakes name the file, line and field", arguments: [
        ("metric: pd, min: 0.9", "metric: pdd, min: 0.9", "p.yaml:5:14: error: criteria[0].metric: unknown metric 'pdd'"),
        ("metric: pd, min: 0.9", "metric: pd, min: 0.9, max: 1", "p.yaml:5:5: error: criteria[0]: give exactly one of min or max"),
        ("metric: pd, min: 0.9", "metric: idf1, min: 0.9, within_m: 100", "p.yaml:5:40: error: criteria[0].within_m: within_m applies to pd only"),
        ("system_under_test: {name: s, version: \"1\"}", "system_under_test: {name: s}", "p.yaml:3:20: error: system_under_test.version: required field is missing"),
    ])
    func mistakes(original: String, replacement: String, expected: String) {
        let text = Self.base.replacingOccurrences(of: original, with: replacement)
        do {
            _ = try TestPlan.parse(text, file: "p.yaml")
            Issue.record("accepted: \(text)")
        } catch {
            #expect(error.description.hasPrefix(expected), "\(error.description)")
        }
    }
}

@Suite("Test plan: laboratory profile")
struct TestPlanProfileTests {
    @Test("A plan naming a laboratory profile that does not exist is refused, naming the field")
    func missingProfile() {
        let text = """
            plan: p
            method: m
            laboratory_profile: ../labs/none.yaml
            system_under_test: {name: s, version: "1"}
            criteria: [{metric: pd, min: 0.9}]
            """
        #expect(throws: RuntimeError.self) { try TestPlan.parse(text, file: "/nonexistent/plans/p.yaml") }
        do { _ = try TestPlan.parse(text, file: "/nonexistent/plans/p.yaml") } catch {
            #expect(error.message.contains("laboratory profile") && error.message.contains("none.yaml"))
        }
    }

    @Test("The sample plan reads its profile, environment, rule, reference and evaluation settings")
    func samplePlan() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Config/plans/radar-acceptance.yaml").path
        let plan = try TestPlan.load(path: path)
        #expect(plan.labProfile?.name == "Saemangeum counter-UAS demonstration testbed")
        #expect(plan.laboratory == plan.labProfile?.name)
        #expect(plan.environment.contains { $0.key == "temperature_c" && $0.value == "12 °C" })
        #expect(plan.decisionRule == .guardBand && plan.timeSyncSeconds == 0.001 && plan.surveyMetres == 0.05)
        #expect(plan.gateRangeMetres == 50 && plan.bootstrapReplicates == 2000 && plan.itemSerial == "SIM-0001")
    }
}
