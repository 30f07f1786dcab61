// Every label exists in Korean and in English, and the language settings pick the right one.
import Foundation
import Testing
@testable import Reporting

@Suite("Report terms")
struct ReportTermTests {
    static func hasHangul(_ s: String) -> Bool {
        s.unicodeScalars.contains { (0xAC00...0xD7A3).contains($0.value) }
    }

    @Test("Every term has Korean wording with Hangul and English wording without", arguments: ReportTerm.allCases)
    func bothLanguages(term: ReportTerm) {
        #expect(!term.korean.isEmpty && !term.english.isEmpty)
        #expect(Self.hasHangul(term.korean), "\(term) has no Korean")
        #expect(!Self.hasHangul(term.english), "\(term)'s English contains Hangul")
    }

    @Test("The test-report vocabulary uses the standard Korean terms")
    func vocabulary() {
        let expected: [(ReportTerm, String)] = [
            (.reportTitle, "시험성적서"), (.laboratory, "시험기관"), (.client, "의뢰자"), (.sectionMethod, "시험방법"),
            (.sectionItem, "시험품목"), (.sectionDates, "시험일자"), (.sectionConditions, "시험조건"),
            (.sectionResults, "시험결과"), (.sectionConformity, "적합성 진술"), (.decisionRule, "판정규칙"),
            (.deviations, "이탈사항"), (.sectionAuthorisation, "승인"), (.pass, "적합"), (.fail, "부적합"),
            (.inconclusive, "판정 보류"), (.notEvaluable, "평가 불가"), (.counts, "건수"), (.tracks, "항적"),
            (.endOfReport, "이하 여백"), (.uncertainty, "신뢰구간"),
        ]
        for (term, korean) in expected { #expect(term.korean == korean) }
        #expect(!ReportTerm.uncertainty.korean.contains("측정불확도"))  // a confidence interval is not a measurement uncertainty
    }

    @Test("Outcome codes map to their terms, leniently about case and separators")
    func outcomes() {
        #expect(ReportTerm.outcome("PASS") == .pass)
        #expect(ReportTerm.outcome("fail") == .fail)
        #expect(ReportTerm.outcome("Inconclusive") == .inconclusive)
        #expect(ReportTerm.outcome("not evaluable") == .notEvaluable)
        #expect(ReportTerm.outcome("NOT_EVALUABLE") == .notEvaluable)
        #expect(ReportTerm.outcome("MAYBE") == .unknownOutcome)
    }

    @Test("Languages pick Korean, English, or Korean with English beneath")
    func languages() {
        #expect(ReportLanguage.ko.texts(.sectionResults) == ("시험결과", nil))
        #expect(ReportLanguage.en.texts(.sectionResults) == ("Test results", nil))
        #expect(ReportLanguage.both.texts(.sectionResults) == ("시험결과", "Test results"))
        #expect(ReportLanguage.both.inline(.sectionResults) == "시험결과 / Test results")
        #expect(ReportLanguage.both.primaryTag == "ko" && ReportLanguage.en.primaryTag == "en")
    }

    @Test("The verdict summary counts outcomes and never passes with an open criterion")
    func summary() {
        func verdict(_ outcome: String) -> ReportVerdict {
            ReportVerdict(criterion: "c", figureKey: "k", outcome: outcome, compared: 1, requirement: 1, explanation: "")
        }
        #expect(ReportVerdictSummary(verdicts: []).overall == "NOT_EVALUABLE")
        #expect(ReportVerdictSummary(verdicts: [verdict("PASS"), verdict("PASS")]).overall == "PASS")
        #expect(ReportVerdictSummary(verdicts: [verdict("PASS"), verdict("NOT_EVALUABLE")]).overall == "INCONCLUSIVE")
        #expect(ReportVerdictSummary(verdicts: [verdict("PASS"), verdict("odd")]).overall == "INCONCLUSIVE")
        let mixed = ReportVerdictSummary(verdicts: SampleReport.make().verdicts)
        #expect(mixed.overall == "FAIL")
        #expect((mixed.pass, mixed.fail, mixed.inconclusive, mixed.notEvaluable, mixed.unrecognised, mixed.total) == (1, 1, 1, 1, 0, 4))
    }

    @Test("Numbers are formatted with fixed rules", arguments: [
        (0.94, "0.9400"), (11.82, "11.82"), (1234.56, "1235"), (1234.5, "1234"), (0.00012, "0.000120"), (0, "0"), (-0.0, "0"),
        (2.5e9, "2.500e+09"), (-3.25, "-3.250"), (1, "1.000"), (100, "100.0"),
    ])
    func numbers(value: Double, text: String) {
        #expect(ReportNumberFormat.figure(value) == text)
    }

    @Test("Percentages, counts and ticks")
    func otherNumbers() {
        #expect(ReportNumberFormat.percent(0.95) == "95 %")
        #expect(ReportNumberFormat.percent(0.999) == "99.9 %")
        #expect(ReportNumberFormat.count(47) == "47")
        #expect(ReportNumberFormat.count(1.875) == "1.875")
        #expect(ReportNumberFormat.tick(0.30000000000000004, step: 0.1) == "0.3")
        #expect(ReportNumberFormat.tick(500, step: 500) == "500")
        #expect(ReportNumberFormat.fixed(.nan, decimals: 2) == "NaN")
        #expect(ReportNumberFormat.fixed(-.infinity, decimals: 2) == "−∞")
    }
}

@Suite("Glossary")
struct ReportGlossaryTests {
    @Test("docs/glossary.md lists every figure's key with its Korean and English name")
    func documented() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../docs/glossary.md")
        let text = try String(contentsOf: url, encoding: .utf8)
        for entry in ReportGlossary.entries {
            #expect(text.contains("| `\(entry.key)` | \(entry.name.ko) | \(entry.name.en) |"), "\(entry.key)")
        }
    }

    @Test("Per-sensor and per-bin keys get qualified names in both languages")
    func qualified() throws {
        let bin = try #require(ReportGlossary.name(ofKey: "pd_radar-0_1000_2000m"))
        #expect(bin.ko.contains("radar-0") && bin.ko.contains("1000–2000 m") && bin.ko.contains("탐지확률"))
        let rmse = try #require(ReportGlossary.name(ofKey: "range_rmse_m_radar-0"))
        #expect(rmse.en == "Range RMSE, sensor radar-0" && rmse.ko == "거리 평균제곱근오차, 센서 radar-0")
        #expect(ReportGlossary.name(ofKey: "no_such_figure") == nil)
    }
}
