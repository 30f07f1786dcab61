// A plan goes to the archive with the files it names, and a worker rebuilds it from them alone.
import Testing
@testable import TestbedRuntime
import TestbedConfiguration
import RunLog
import Archive
import Foundation

@Suite("Archived plans")
struct ArchivePlanBundleTests {
    private let samplePlan = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Config/plans/radar-acceptance.yaml").standardized.path

    @Test("The sample plan is kept with its laboratory profile, and parses back the same without the disk")
    func roundTrip() throws {
        let plan = try TestPlan.load(path: samplePlan)
        #expect(plan.includedFiles.keys.sorted() == ["../labs/saemangeum.yaml"])
        let archived = ArchivePlanBundle.archived(plan)
        let profile = try String(contentsOfFile: (samplePlan as NSString).deletingLastPathComponent + "/../labs/saemangeum.yaml", encoding: .utf8)
        // The identity: the plan's text, then each named file under a line naming it.
        #expect(archived.sha256 == RunLog.sha256Hex(Data((plan.text + "\n--- ../labs/saemangeum.yaml ---\n" + profile).utf8)))
        #expect(archived.sha256 != plan.textSHA256)
        let rebuilt = try ArchivePlanBundle.plan(archived)
        #expect(rebuilt.name == plan.name && rebuilt.criteria == plan.criteria && rebuilt.laboratory == plan.laboratory)
        #expect(rebuilt.labProfile?.text == profile && rebuilt.includedFiles == plan.includedFiles)
        #expect(ArchivePlanBundle.sha256(rebuilt) == archived.sha256)
    }

    @Test("A file the archive did not keep is an error naming it; a plan naming none is its text's hash")
    func missingAndPlain() throws {
        let plan = try TestPlan.load(path: samplePlan)
        var archived = ArchivePlanBundle.archived(plan)
        archived.includes = "{}"
        do {
            _ = try ArchivePlanBundle.plan(archived)
            Issue.record("parsed without its laboratory profile")
        } catch {
            #expect(error.message.contains("was not kept with the plan") && error.field == "laboratory_profile")
        }
        let plain = try TestPlan.parse(plan.text.replacing(/laboratory_profile:.*\n/, with: ""), file: "plain.yaml")
        #expect(plain.includedFiles.isEmpty && ArchivePlanBundle.sha256(plain) == plain.textSHA256)
    }
}
