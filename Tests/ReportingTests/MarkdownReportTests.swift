// The Markdown report: the HTML's sections in the same order, plot data as tables, text escaped.
import Testing
import Foundation
@testable import Reporting

@Suite("Markdown report")
struct MarkdownReportTests {
    @Test("Sections appear in the HTML's order, bilingual on one line")
    func sections() throws {
        let md = MarkdownReportRenderer(language: .both).render(SampleReport.make())
        var previous = md.startIndex
        for term in HTMLReportTests.sectionTerms {
            let range = try #require(md.range(of: "\(term.korean) / \(term.english)\n"), "missing \(term)")
            #expect(range.lowerBound > previous)
            previous = range.lowerBound
        }
        #expect(md.hasPrefix("# 시험성적서 / Test Report\n"))
        #expect(md.contains("이하 여백 / End of report; the rest of this page is intentionally blank"))
    }

    @Test("Figures with intervals, verdicts and plot summaries are tables")
    func content() {
        let report = SampleReport.make()
        let md = MarkdownReportRenderer(language: .en).render(report)
        #expect(md.contains("| `pd\\_within\\_2km` |") == false)  // keys are code spans, not escaped text
        #expect(md.contains("| Probability of detection (Pd) within 2000 m · pd\\_within\\_2km | 0.9400 | — | [0.8345, 0.9875] | 95 % | `clopper-pearson` | 47 / 50 | — |") || md.contains("pd\\_within\\_2km | 0.9400 | — | [0.8345, 0.9875] | 95 % | `clopper-pearson` | 47 / 50 | — |"))
        #expect(md.contains("**FAIL**") && md.contains("**PASS**") && md.contains("**INCONCLUSIVE**") && md.contains("**NOT EVALUABLE**"))
        #expect(md.contains("Plots cannot be shown in Markdown"))
        #expect(md.contains("| Range bin (m) | Pd | Confidence interval | Counts |"))
        #expect(md.contains("| 0–500 | 1.000 | [0.832, 1.000] | 20 / 20 |\n| 500–1000 | 0.9750 | [0.8684, 0.9994] | 39 / 40 |"))
        #expect(md.contains("Requirement: Pd ≥ 0.9 (≤ 2000 m)"))
        #expect(md.contains("drone-3 (Never (censored))"))
        #expect(md.contains(report.recordingSHA256) && md.contains(report.runLogHeadHash))
        #expect(!md.contains("시험결과"))
    }

    @Test("Hostile text cannot start markup or inject HTML")
    func escaping() {
        var report = SampleReport.make()
        report.systemName = "<script>alert(1)</script> | *bold* [link](x)"
        report.conditions = ["line one\nline two | cell"]
        let md = MarkdownReportRenderer().render(report)
        #expect(!md.contains("<script>"))
        #expect(md.contains("&lt;script&gt;alert(1)&lt;/script&gt; \\| \\*bold\\* \\[link\\](x)"))
        #expect(md.contains("- line one line two \\| cell\n"))
    }

    @Test("Empty series say 'no data'")
    func empty() {
        let md = MarkdownReportRenderer(language: .ko).render(SampleReport.empty())
        #expect(md.components(separatedBy: "데이터 없음").count - 1 == 5)
    }
}
