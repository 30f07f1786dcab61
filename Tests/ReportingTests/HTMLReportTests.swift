// The HTML report: self-contained, bilingual, complete, escaped, and drawn with SVG plots.
import Testing
import Foundation
@testable import Reporting

@Suite("HTML report")
struct HTMLReportTests {
    static let sectionTerms: [ReportTerm] = [
        .sectionLaboratory, .sectionReportID, .sectionClient, .sectionMethod, .sectionItem, .sectionDates, .sectionConditions,
        .sectionResults, .sectionConformity, .sectionDeviations, .sectionAuthorisation, .sectionProvenance,
    ]

    static func render(_ report: ReportData = SampleReport.make(), _ language: ReportLanguage = .both) -> String {
        HTMLReportRenderer(language: language).render(report)
    }

    /// The text between `start` and the next `end` after it.
    static func slice(_ html: String, from start: String, to end: String) -> String? {
        guard let a = html.range(of: start), let b = html.range(of: end, range: a.upperBound..<html.endIndex) else { return nil }
        return String(html[a.lowerBound..<b.upperBound])
    }

    @Test("Self-contained: no network reference, no script, no external style sheet", arguments: ReportLanguage.allCases)
    func selfContained(language: ReportLanguage) {
        let html = Self.render(SampleReport.make(), language).lowercased()
        for forbidden in ["http://", "https://", "<script", "<link", "@import", "src=", "<iframe", "<object", "<embed", "//fonts."] {
            #expect(!html.contains(forbidden), "found \(forbidden)")
        }
        // The only url(...) references are to clip paths inside the same document.
        var rest = html[...]
        while let range = rest.range(of: "url(") {
            #expect(rest[range.upperBound...].hasPrefix("#"))
            rest = rest[range.upperBound...]
        }
        #expect(html.hasPrefix("<!doctype html>"))
        #expect(html.contains("<meta charset=\"utf-8\">"))
    }

    @Test("The report id is in the repeating page header and footer, and the print rules are there")
    func pageHeader() throws {
        let html = Self.render()
        let header = try #require(Self.slice(html, from: "<header class=\"page-header\">", to: "</header>"))
        #expect(header.contains(SampleReport.reportID))
        let footer = try #require(Self.slice(html, from: "<footer class=\"page-footer\">", to: "</footer>"))
        #expect(footer.contains(SampleReport.reportID))
        #expect(html.contains("@page"))
        #expect(html.contains("counter(pages)"))
        #expect(html.contains(".page-header { position: fixed"))
        #expect(html.contains("<thead><tr><td><div class=\"page-header-space\">"))
        #expect(html.contains("<title>시험성적서 / Test Report \(SampleReport.reportID)</title>"))
    }

    @Test("Every section heading is in Korean with English beneath, in ISO/IEC 17025 §7.8 order")
    func bilingualSections() throws {
        let html = Self.render()
        var previous = html.startIndex
        for term in Self.sectionTerms {
            let heading = "<span class=\"l1\">\(term.korean.htmlEscaped)</span><span class=\"l2\" lang=\"en\">\(term.english.htmlEscaped)</span></h2>"
            let range = try #require(html.range(of: heading), "missing heading \(term)")
            #expect(range.lowerBound > previous, "\(term) out of order")
            previous = range.lowerBound
        }
        let end = try #require(html.range(of: "이하 여백 / End of report; the rest of this page is intentionally blank"))
        #expect(end.lowerBound > previous)
        #expect(html.contains("<html lang=\"ko\">"))
    }

    @Test("Korean-only and English-only reports carry only their language's headings")
    func singleLanguage() {
        let korean = Self.render(SampleReport.make(), .ko), english = Self.render(SampleReport.make(), .en)
        for term in Self.sectionTerms {
            #expect(korean.contains("\(term.korean.htmlEscaped)</h2>") && !korean.contains(term.english.htmlEscaped + "</"))
            #expect(english.contains("\(term.english.htmlEscaped)</h2>") && !english.contains(term.korean.htmlEscaped + "</h2>"))
        }
        #expect(english.contains("<html lang=\"en\">") && !english.contains("class=\"l2\""))
    }

    @Test("Every figure's value, unit, interval and confidence level is shown in its row")
    func figures() throws {
        let report = SampleReport.make()
        let html = Self.render(report)
        for figure in report.figures {
            let row = try #require(Self.slice(html, from: "<tr id=\"fig-\(figure.key)\">", to: "</tr>"), "no row for \(figure.key)")
            let decimals = ReportNumberFormat.decimals(for: figure.value ?? figure.upper ?? figure.lower ?? 0)
            if let value = figure.value {
                #expect(row.contains(">\(ReportNumberFormat.fixed(value, decimals: decimals))<"))
            } else {
                #expect(row.contains("평가 불가") && row.contains(figure.note!.en.htmlEscaped))
            }
            if figure.lower != nil || figure.upper != nil {
                #expect(row.contains(ReportOutline.intervalText(figure, decimals: decimals)))
            }
            if let confidence = figure.confidence { #expect(row.contains(ReportNumberFormat.percent(confidence))) }
            if !figure.unit.isEmpty { #expect(row.contains(">\(figure.unit.htmlEscaped)<")) }
        }
        // Spelled out, for the reader of this test.
        #expect(html.contains(">0.9400<") && html.contains("[0.8345, 0.9875]") && html.contains(">95 %<") && html.contains(">47 / 50<"))
        #expect(html.contains(">11.82<") && html.contains("[10.90, 12.95]"))
        #expect(html.contains(">3.200<") && html.contains("[1.174, 6.965]") && html.contains(">6 / 1.875<"))
        #expect(html.contains("[0.8000, +∞]"))
    }

    @Test("Verdicts name the decision rule and show each outcome in both languages")
    func conformity() throws {
        let report = SampleReport.make()
        let html = Self.render(report)
        let section = try #require(Self.slice(html, from: "<section id=\"sec-conformity\">", to: "</section>"))
        #expect(section.contains(report.decisionRule.en.htmlEscaped))
        #expect(section.contains("<span class=\"verdict pass\">적합 / PASS</span>"))
        #expect(section.contains("<span class=\"verdict fail\">부적합 / FAIL</span>"))
        #expect(section.contains("<span class=\"verdict inconclusive\">판정 보류 / INCONCLUSIVE</span>"))
        #expect(section.contains("<span class=\"verdict not-evaluable\">평가 불가 / NOT EVALUABLE</span>"))
        for verdict in report.verdicts { #expect(section.contains(verdict.criterion.htmlEscaped)) }
        #expect(section.contains("12 /"))  // further runs needed
        let title = try #require(Self.slice(html, from: "<section id=\"sec-title\"", to: "</section>"))
        #expect(title.contains("verdict fail"))
    }

    @Test("Deviations, not-evaluable items, signature block and provenance annex are present")
    func otherSections() throws {
        let report = SampleReport.make()
        let html = Self.render(report)
        for line in report.deviations + report.notEvaluable + report.conditions { #expect(html.contains(line.en.htmlEscaped)) }
        let provenance = try #require(Self.slice(html, from: "<section id=\"sec-provenance\">", to: "</section>"))
        for value in [report.recordingSHA256, report.runLogHeadHash, report.softwareCommit, report.recordingFile, report.runID] {
            #expect(provenance.contains(value))
        }
        for (tool, version) in report.toolVersions { #expect(provenance.contains("<code>\(tool)</code></td><td><code>\(version)</code>")) }
        let authorisation = try #require(Self.slice(html, from: "<section id=\"sec-authorisation\">", to: "</section>"))
        #expect(authorisation.contains(report.authorisedBy) && authorisation.contains("signature-line"))
        let item = try #require(Self.slice(html, from: "<section id=\"sec-item\">", to: "</section>"))
        for value in [report.systemName, report.systemVersion, report.systemFirmware, report.configSHA256] { #expect(item.contains(value)) }
        // The censored drone is reported as such in the first-events table.
        #expect(html.contains("<td>drone-3</td><td class=\"num\"><span class=\"l1\">미탐지 (중도절단)</span>"))
    }

    @Test("Each of the five plots is an inline SVG with data drawn")
    func plots() throws {
        let html = Self.render()
        for kind in ReportOutline.PlotKind.allCases {
            let svg = try #require(Self.slice(html, from: "<svg id=\"\(kind.elementID)\"", to: "</svg>"), "no svg for \(kind)")
            #expect(!svg.contains("no-data"))
            #expect(!svg.lowercased().contains("nan") && !svg.contains("inf"))
            #expect(svg.contains("<polyline") || svg.contains("<rect"))
        }
        let map = try #require(Self.slice(html, from: "<svg id=\"plot-map\"", to: "</svg>"))
        #expect(map.contains(">drone-1<") && map.contains("stroke-dasharray") && map.contains(" m<"))  // names, dashed tracks, scale bar
        let pd = try #require(Self.slice(html, from: "<svg id=\"plot-pd-range\"", to: "</svg>"))
        #expect(pd.components(separatedBy: "class=\"pd-point\"").count - 1 == 6)  // one marker per bin
        let timeline = try #require(Self.slice(html, from: "<svg id=\"plot-timeline\"", to: "</svg>"))
        #expect(timeline.contains("미탐지 (중도절단) / Never (censored)"))
        #expect(html.contains("그림 1. 평면 궤적도") && html.contains("Figure 5. Per-drone timeline"))
    }

    @Test("The map keeps one metre the same length on both axes")
    func equalAspect() throws {
        let html = Self.render()
        let map = try #require(Self.slice(html, from: "<svg id=\"plot-map\"", to: "</svg>"))
        // drone-1's truth runs 40 m west and 30 m south per step: on screen dx/dy must be 40/30.
        let points = try #require(Self.slice(map, from: "<polyline points=\"", to: "\""))
        let pairs = points.dropFirst("<polyline points=\"".count).dropLast().split(separator: " ").prefix(2).map {
            $0.split(separator: ",").map { Double($0)! }
        }
        let dx = pairs[1][0] - pairs[0][0], dy = pairs[1][1] - pairs[0][1]
        #expect(abs(abs(dx / dy) - 40.0 / 30.0) < 0.01 && dx < 0 && dy > 0)  // west and south: left and down
    }

    @Test("Empty series give 'no data' panels, not a crash", arguments: ReportLanguage.allCases)
    func emptySeries(language: ReportLanguage) {
        let html = Self.render(SampleReport.empty(), language)
        #expect(html.components(separatedBy: "<desc>no-data</desc>").count - 1 == 5)
        #expect(html.contains(language.inline(.noData)))
    }

    @Test("Degenerate series (NaN, mismatched lengths, one point, constant) draw without NaN coordinates")
    func degenerateSeries() {
        var report = SampleReport.empty()
        report.mapTruth = [ReportSeries(name: "one point", x: [5], y: [5])]
        report.mapTracks = [ReportSeries(name: "broken", x: [0, .nan, 10, 20], y: [0, 1, .infinity, 20]),
                            ReportSeries(name: "short y", x: [1, 2, 3], y: [1])]
        report.pdByRange = ReportSeries(name: "pd", x: [100], y: [0.5], lower: [0.1], upper: [])
        report.positionErrorOverTime = [ReportSeries(name: "flat", x: [0, 1, 2], y: [3, 3, 3]), ReportSeries(name: "empty", x: [], y: [])]
        report.ospaOverTime = ReportSeries(name: "ospa", x: [.nan], y: [.nan])
        report.gospaOverTime = ReportSeries(name: "gospa", x: [4, 4], y: [2, 2])
        report.timelines = [ReportTimeline(drone: "bad", segments: [[1], [5, 2, 1], [0, 3, 7], [0, .infinity, 2]],
                                           firstDetectionSeconds: .nan, firstDetectionRangeM: nil, firstTrackSeconds: nil,
                                           firstTrackRangeM: nil)]
        let html = Self.render(report)
        let svgs = html.components(separatedBy: "<svg").dropFirst().map { $0.components(separatedBy: "</svg>")[0] }
        #expect(svgs.count == 5)
        for svg in svgs { #expect(!svg.lowercased().contains("nan") && !svg.contains("inf")) }
        #expect(!html.contains("<desc>no-data</desc>"))
        _ = MarkdownReportRenderer().render(report)
    }

    @Test("Hostile text is escaped everywhere it appears")
    func escaping() {
        var report = SampleReport.make()
        report.systemName = "<script>alert('x')</script>"
        report.client = "A & B \"quoted\" <b>bold</b>"
        report.figures[0].key = "pd\"><script>x</script>"
        report.mapTruth[0].name = "<img src=x onerror=alert(1)>"
        report.timelines[0].drone = "</text><script>y</script>"
        report.conditions.append("</li></ul><script>z</script>")
        report.toolVersions["<tool>"] = "</code><script>"
        for language in ReportLanguage.allCases {
            let html = Self.render(report, language)
            #expect(!html.contains("<script"))
            #expect(!html.contains("<img"))
            #expect(!html.contains("<b>bold"))
            #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"))
            #expect(html.contains("A &amp; B &quot;quoted&quot;"))
            #expect(html.contains("&lt;img src=x onerror=alert(1)&gt;"))
        }
    }

    @Test("Rendering is deterministic")
    func deterministic() {
        #expect(Self.render() == Self.render())
        #expect(Self.render(SampleReport.make(), .ko) == Self.render(SampleReport.make(), .ko))
    }
}
