// The JSON report: a golden file, a faithful round trip, and the verdict summary beside the data.
import Testing
import Foundation
@testable import Reporting

@Suite("JSON report")
struct JSONReportTests {
    /// `Tests/ReportingTests/Golden/report.json`.
    static let goldenURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden/report.json")

    @Test("The sample report renders to the committed golden file (HAECHI_UPDATE_GOLDEN=1 rewrites it)")
    func golden() throws {
        let rendered = try JSONReportRenderer().data(SampleReport.make())
        if ProcessInfo.processInfo.environment["HAECHI_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: Self.goldenURL.deletingLastPathComponent(), withIntermediateDirectories: true)
            try rendered.write(to: Self.goldenURL)
        }
        let golden = try Data(contentsOf: Self.goldenURL)
        if rendered != golden {
            // Point at the first difference, to make a failure readable.
            let a = String(decoding: rendered, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let b = String(decoding: golden, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
            Issue.record("""
                JSON report differs from \(Self.goldenURL.path) at line \(line + 1):
                  rendered: \(line < a.count ? String(a[line]) : "<end>")
                  golden:   \(line < b.count ? String(b[line]) : "<end>")
                Run with HAECHI_UPDATE_GOLDEN=1 to accept the new output.
                """)
        }
    }

    @Test("The JSON decodes back to the same ReportData")
    func roundTrip() throws {
        let report = SampleReport.make()
        let data = try JSONReportRenderer().data(report)
        #expect(try JSONReportRenderer.decode(data) == report)
    }

    @Test("JSON written before the Pd counts, bins and requirement existed still decodes, with them absent")
    func decodesEarlierJSON() throws {
        let data = try JSONReportRenderer().data(SampleReport.make())
        var object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        object["pdRequirement"] = nil
        object["pdRequirementWithinM"] = nil
        var pd = try #require(object["pdByRange"] as? [String: Any])
        for key in ["numerators", "denominators", "xLower", "xUpper"] {
            #expect(pd[key] != nil)
            pd[key] = nil
        }
        object["pdByRange"] = pd
        let earlier = try JSONReportRenderer.decode(try JSONSerialization.data(withJSONObject: object))
        #expect(earlier.pdRequirement == nil && earlier.pdRequirementWithinM == nil)
        #expect(earlier.pdByRange?.numerators == nil && earlier.pdByRange?.xLower == nil)
        #expect(earlier.pdByRange?.y == SampleReport.make().pdByRange?.y)
    }

    @Test("Top-level keys are ReportData's plus verdictSummary, sorted, with every figure")
    func keys() throws {
        let report = SampleReport.make()
        let text = try JSONReportRenderer().render(report)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let expected: Set<String> = [
            "reportID", "format", "laboratory", "siteName", "siteOrigin", "client", "method", "planName", "planFile", "systemName",
            "systemVersion", "systemFirmware", "configSHA256", "testStartedUTC", "testEndedUTC", "issuedUTC", "conditions",
            "figures", "decisionRule", "verdicts", "deviations", "notEvaluable", "authorisedBy", "authorisedRole", "runID",
            "recordingFile", "recordingSHA256", "runLogHeadHash", "softwareVersion", "softwareCommit", "toolVersions", "mapTruth",
            "mapTracks", "pdByRange", "pdRequirement", "pdRequirementWithinM", "positionErrorOverTime", "ospaOverTime", "gospaOverTime", "timelines", "verdictSummary",
            "draft", "laboratoryDetails", "clientDetails", "planSHA256", "labProfileSHA256", "itemDetails", "testStartedKST",
            "testEndedKST", "issuedKST", "environment", "evaluationSettings", "uncertaintyBudget", "uncertaintyNotes",
        ]
        #expect(Set(object.keys) == expected)
        let summary = try #require(object["verdictSummary"] as? [String: Any])
        #expect(summary["overall"] as? String == "FAIL")
        #expect(summary["total"] as? Int == 4)
        let figures = try #require(object["figures"] as? [[String: Any]])
        #expect(figures.compactMap { $0["key"] as? String } == report.figures.map(\.key))
        // Sorted keys: each object's keys appear in order in the text.
        let reportIDAt = try #require(text.range(of: "\"reportID\""))
        let recordingAt = try #require(text.range(of: "\"recordingFile\""))
        #expect(recordingAt.lowerBound < reportIDAt.lowerBound)
        #expect(!text.contains("\\/"))
        #expect(text.hasSuffix("}\n"))
    }

    @Test("Rendering is deterministic, and non-finite numbers survive as strings")
    func deterministicAndNonFinite() throws {
        #expect(try JSONReportRenderer().render(SampleReport.make()) == JSONReportRenderer().render(SampleReport.make()))
        var report = SampleReport.empty()
        report.figures = [ReportFigure(key: "odd", value: .infinity, unit: "m", lower: -.infinity, upper: .nan)]
        let data = try JSONReportRenderer().data(report)
        #expect(String(decoding: data, as: UTF8.self).contains("\"Infinity\""))
        let back = try JSONReportRenderer.decode(data)
        #expect(back.figures[0].value == .infinity && back.figures[0].lower == -.infinity && back.figures[0].upper!.isNaN)
    }

    @Test("A report with nothing measured still renders in every format")
    func empty() throws {
        for format in ReportFormat.allCases {
            for language in ReportLanguage.allCases {
                let text = try format.renderer(language: language).render(SampleReport.empty())
                #expect(text.contains(SampleReport.reportID))
            }
        }
        #expect(ReportFormat.html.defaultFileName == "report.html" && ReportFormat.md.renderer(language: .ko).fileExtension == "md")
    }
}
