// A golden report in each language: the signed sample, with every ISO/IEC 17025 §7.8 field filled,
// rendered to HTML and Markdown in Korean and in English and held byte for byte against committed files.
import Testing
import Foundation
@testable import Reporting

@Suite("Golden reports")
struct GoldenReportTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    /// The sample as an officer signed it: laboratory, customer, item, dates in KST, environment,
    /// evaluation settings, the reference's budget and the signatory.
    static func signedSample() -> ReportData {
        var report = SampleReport.make()
        report.draft = false
        report.laboratoryDetails = [ReportField(label: ReportText(ko: "주소", en: "Address"), value: "전북특별자치도 군산시 새만금 (example)")]
        report.clientDetails = [ReportField(label: ReportText(ko: "담당자", en: "Contact"), value: "Test office, +82 63 000 0000")]
        report.itemDetails = [ReportField(label: ReportText(ko: "일련번호", en: "Serial number"), value: "SN-0042"),
                              ReportField(label: ReportText(ko: "접수 시 상태", en: "Condition on receipt"), value: "as delivered")]
        report.testStartedKST = "2025-03-14 10:00:00.000 KST"
        report.testEndedKST = "2025-03-14 10:30:00.000 KST"
        report.issuedKST = "2025-03-15 18:30:00.000 KST"
        report.planSHA256 = String(repeating: "ab", count: 32)
        report.labProfileSHA256 = String(repeating: "cd", count: 32)
        report.samplingPlan = ReportText(ko: "비행 유형별 3회 비행", en: "Three sorties per profile")
        report.environment = [ReportField(label: ReportText(ko: "기온", en: "Temperature"), value: "12 °C")]
        report.evaluationSettings = [ReportField(label: ReportText(ko: "탐지 게이트 (거리)", en: "Detection gate (range)"), value: "50 m")]
        report.uncertaintyBudget = [ReportField(label: ReportText(ko: "기준 위치 (수평)", en: "Reference position (horizontal)"), value: "0.71 m")]
        report.uncertaintyNotes = [ReportText(ko: "각 성분은 서로 독립으로 가정함", en: "Components assumed independent")]
        report.signatory = ReportSignatory(name: "김지우", role: "기술책임자", keyFingerprint: String(repeating: "ef", count: 32),
                                           signedUTC: "2025-03-15 09:30:00.000 UTC", signedKST: "2025-03-15 18:30:00.000 KST")
        return report
    }

    static let cases: [(file: String, render: @Sendable (ReportData) -> String)] = [
        ("report.ko.html", { HTMLReportRenderer(language: .ko).render($0) }),
        ("report.en.html", { HTMLReportRenderer(language: .en).render($0) }),
        ("report.ko.md", { MarkdownReportRenderer(language: .ko).render($0) }),
        ("report.en.md", { MarkdownReportRenderer(language: .en).render($0) }),
    ]

    @Test("The signed sample renders to the committed golden files in each language (HAECHI_UPDATE_GOLDEN=1 rewrites them)",
          arguments: 0..<4)
    func golden(index: Int) throws {
        let (file, render) = Self.cases[index]
        let url = Self.folder.appendingPathComponent(file)
        let rendered = render(Self.signedSample())
        if ProcessInfo.processInfo.environment["HAECHI_UPDATE_GOLDEN"] == "1" {
            try Data(rendered.utf8).write(to: url)
        }
        let golden = try String(contentsOf: url, encoding: .utf8)
        guard rendered != golden else { return }
        let a = rendered.split(separator: "\n", omittingEmptySubsequences: false)
        let b = golden.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        Issue.record("""
            \(file) differs from the golden file at line \(line + 1):
              rendered: \(line < a.count ? String(a[line]) : "<end>")
              golden:   \(line < b.count ? String(b[line]) : "<end>")
            Run with HAECHI_UPDATE_GOLDEN=1 to accept the new output, after reading the difference.
            """)
    }

    @Test("The Korean golden reads in Korean, the English one in English, and neither is a draft")
    func languages() throws {
        let ko = try String(contentsOf: Self.folder.appendingPathComponent("report.ko.md"), encoding: .utf8)
        let en = try String(contentsOf: Self.folder.appendingPathComponent("report.en.md"), encoding: .utf8)
        #expect(ko.contains("적합성 진술") && ko.contains("이하 여백") && ko.contains("김지우") && !ko.contains("Statement of conformity"))
        #expect(en.contains("Statement of conformity") && en.contains("김지우") && !en.contains("적합성 진술"))
        for text in [ko, en] { #expect(!text.contains("DRAFT") && !text.contains("초안")) }
    }
}
