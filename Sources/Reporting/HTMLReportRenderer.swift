// The report as one self-contained, printable HTML file with inline CSS and SVG plots.
import Foundation

/// Renders a report as a single HTML file that needs nothing else: inline CSS, inline SVG plots drawn
/// in Swift, no script, no font, image or style sheet fetched from anywhere.
///
/// The sections follow ISO/IEC 17025:2017 §7.8 (see ``ReportOutline`` and `docs/reports.md`). For print,
/// `@page` sets A4 margins and numbers the pages (`page / pages`, where the browser supports page-margin
/// boxes), and a header and footer fixed to the page repeat the report number on every printed page;
/// a repeating table header and footer keep space for them so they never cover the text. Every string
/// from the data is HTML-escaped.
///
/// With a ``font``, the document carries it: the document is rendered, its characters are collected,
/// and a subset of the font with exactly those characters is embedded as an `@font-face`
/// (``ReportFont/familyName``, first in every font list), so Korean renders on a machine without a
/// Korean font. Without one, the style sheet names Korean system fonts only. The output is a pure
/// function of the data, the language and the font's bytes.
public struct HTMLReportRenderer: ReportRenderer {
    /// The language of headings and labels.
    public var language: ReportLanguage
    /// The font embedded for Korean text, subset to each document; `nil`: system fonts only.
    public var font: ReportFont?

    /// A renderer in `language` (default: both, Korean first), embedding `font` if one is given.
    public init(language: ReportLanguage = .both, font: ReportFont? = nil) {
        self.language = language
        self.font = font
    }

    public var fileExtension: String { "html" }

    /// The HTML document: with a ``font``, rendered first without its face, whose subset is then cut
    /// to the characters of that text and put at the head of the style sheet.
    public func render(_ report: ReportData) -> String {
        var head = "<!DOCTYPE html>\n<html lang=\"\(language.primaryTag)\">\n<head>\n<meta charset=\"utf-8\">\n"
        head += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        head += "<meta name=\"generator\" content=\"Haechi \(report.softwareVersion.htmlEscaped)\">\n"
        head += "<meta name=\"haechi-report-id\" content=\"\(report.reportID.htmlEscaped)\">\n"
        head += "<title>\(language.inline(.reportTitle).htmlEscaped) \(report.reportID.htmlEscaped)</title>\n"
        let style = Self.styleSheet(language: language, embeddedFamily: font == nil ? nil : ReportFont.familyName)
        let body = self.body(report)
        guard let font else { return head + "<style>\n\(style)</style>\n" + body }
        let face = font.embeddedFaceCSS(for: head + style + body)
        return head + "<style>\n\(face)\(style)</style>\n" + body
    }

    /// Everything after the style sheet: `</head>`, the body, `</html>`.
    private func body(_ report: ReportData) -> String {
        let outline = ReportOutline(report)
        let summary = ReportVerdictSummary(verdicts: report.verdicts)
        var html = "</head>\n<body class=\"lang-\(language.rawValue)\(report.draft ? " draft" : "")\">\n"

        // Repeated on every printed page.
        html += "<header class=\"page-header\"><span class=\"ph-title\">\(inline(.reportTitle))</span>"
        html += "<span class=\"ph-id\">\(inline(.reportID)): <span class=\"report-id\">\(report.reportID.htmlEscaped)</span></span></header>\n"
        html += "<footer class=\"page-footer\"><span>\(report.laboratory.htmlEscaped)</span>"
        html += "<span>\(inline(.reportID)): <span class=\"report-id\">\(report.reportID.htmlEscaped)</span></span></footer>\n"
        html += "<table class=\"page-layout\"><thead><tr><td><div class=\"page-header-space\"></div></td></tr></thead>"
        html += "<tfoot><tr><td><div class=\"page-footer-space\"></div></td></tr></tfoot><tbody><tr><td>\n<main>\n"

        // Title block (ISO/IEC 17025 §7.8.2.1 a).
        html += "<section id=\"sec-title\" class=\"title-block\">\n<h1>\(label(.reportTitle))</h1>\n"
        html += "<p class=\"subtitle\">\(label(.reportSubtitle))</p>\n<table class=\"fields\">"
        html += "<tr><th>\(label(.reportID))</th><td><code class=\"report-id\">\(report.reportID.htmlEscaped)</code></td></tr>"
        html += "<tr><th>\(label(.systemName))</th><td>\(report.systemName.htmlEscaped)</td></tr>"
        html += "<tr><th>\(label(.client))</th><td>\(report.client.htmlEscaped)</td></tr>"
        html += "<tr><th>\(label(.issuedOn))</th><td><code>\(report.issuedShown.htmlEscaped)</code></td></tr>"
        html += "<tr><th>\(label(.overallVerdict))</th><td>\(verdictBadge(summary.overall))</td></tr></table>\n"
        html += "<p class=\"notice\">\(label(.reproductionNotice))</p>\n</section>\n"

        for section in outline.sections {
            html += "<section id=\"\(section.anchor)\">\n<h2>"
            if section.number != "A" && !section.number.isEmpty { html += "<span class=\"sec-no\">\(section.number).</span> " }
            html += "\(label(section.title))</h2>\n"
            for block in section.blocks { html += self.block(block, report: report) }
            html += "</section>\n"
        }
        html += "<p class=\"end-of-report\">— \(inline(.endOfReport)) —</p>\n"
        html += "</main>\n</td></tr></tbody></table>\n</body>\n</html>\n"
        return html
    }

    // MARK: Blocks

    private func block(_ block: ReportOutline.Block, report: ReportData) -> String {
        switch block {
        case .fields(let fields):
            var html = "<table class=\"fields\">"
            for (term, value) in fields { html += "<tr><th>\(label(term))</th><td>\(cell(value))</td></tr>" }
            return html + "</table>\n"
        case .table(let caption, let header, let rows, let numeric, let rowIDs):
            var html = "<table class=\"data\">"
            if let caption { html += "<caption>\(label(caption))</caption>" }
            html += "<thead><tr>" + header.map { "<th>\(label($0))</th>" }.joined() + "</tr></thead><tbody>"
            if rows.isEmpty {
                html += "<tr><td colspan=\"\(header.count)\" class=\"empty\">\(inline(.nothingReported))</td></tr>"
            }
            for (r, row) in rows.enumerated() {
                let id = rowIDs.map { " id=\"\($0[r].htmlEscaped)\"" } ?? ""
                html += "<tr\(id)>"
                for (c, value) in row.enumerated() {
                    html += numeric.contains(c) ? "<td class=\"num\">\(cell(value))</td>" : "<td>\(cell(value))</td>"
                }
                html += "</tr>"
            }
            return html + "</tbody></table>\n"
        case .statement(let term):
            return "<p class=\"statement\">\(label(term))</p>\n"
        case .list(let title, let items, let empty):
            var html = title.map { "<h3>\(label($0))</h3>\n" } ?? ""
            if items.isEmpty { return html + "<p class=\"empty\">\(label(empty))</p>\n" }
            html += "<ul>" + items.map { "<li>\(localized($0))</li>" }.joined() + "</ul>\n"
            return html
        case .textFields(let caption, let fields):
            guard !fields.isEmpty else { return "" }
            var html = caption.map { "<h3>\(label($0))</h3>\n" } ?? ""
            html += "<table class=\"fields\">"
            for field in fields { html += "<tr><th>\(localized(field.label))</th><td>\(localized(field.value))</td></tr>" }
            return html + "</table>\n"
        case .plot(let kind, let number):
            return plot(kind, number: number, report: report)
        case .verdictSummary(let summary):
            var html = "<table class=\"fields verdict-summary\"><tr><th>\(label(.overallVerdict))</th><td>\(verdictBadge(summary.overall))</td></tr>"
            html += "<tr><th>\(label(.verdictSummary))</th><td>"
            if summary.total == 0 {
                html += inline(.noVerdicts)
            } else {
                var parts = [("PASS", summary.pass), ("FAIL", summary.fail), ("INCONCLUSIVE", summary.inconclusive),
                             ("NOT_EVALUABLE", summary.notEvaluable)].map { "\(verdictBadge($0.0)) \($0.1)" }
                if summary.unrecognised > 0 { parts.append("\(verdictBadge("?")) \(summary.unrecognised)") }
                html += parts.joined(separator: " &#160; ")
            }
            return html + "</td></tr></table>\n"
        case .signatureBlock(let name, let role, let date):
            var html = "<table class=\"fields signature-block\">"
            html += "<tr><th>\(label(.authorisedBy))</th><td>\(name.htmlEscaped)</td></tr>"
            html += "<tr><th>\(label(.role))</th><td>\(role.htmlEscaped)</td></tr>"
            html += "<tr><th>\(label(.signature))</th><td class=\"signature-line\"></td></tr>"
            html += "<tr><th>\(label(.date))</th><td><code>\(date.htmlEscaped)</code></td></tr></table>\n"
            return html
        }
    }

    private func plot(_ kind: ReportOutline.PlotKind, number: Int, report: ReportData) -> String {
        let plotter = SVGPlotter(language: language)
        let svg = switch kind {
        case .map: plotter.map(id: kind.elementID, truth: report.mapTruth, tracks: report.mapTracks)
        case .pdByRange: plotter.pdByRange(id: kind.elementID, series: report.pdByRange, requirement: report.pdRequirement,
                                           requirementWithin: report.pdRequirementWithinM)
        case .positionError: plotter.positionError(id: kind.elementID, series: report.positionErrorOverTime)
        case .ospaGospa: plotter.ospaGospa(id: kind.elementID, ospa: report.ospaOverTime, gospa: report.gospaOverTime)
        case .timeline: plotter.timeline(id: kind.elementID, timelines: report.timelines)
        }
        let (primary, secondary) = language.texts(kind.title)
        let (figurePrimary, figureSecondary) = language.texts(.figureNumber)
        var caption = "<span class=\"l1\">\(figurePrimary.htmlEscaped) \(number). \(primary.htmlEscaped)</span>"
        if let secondary, let figureSecondary {
            caption += "<span class=\"l2\" lang=\"en\">\(figureSecondary.htmlEscaped) \(number). \(secondary.htmlEscaped)</span>"
        }
        return "<figure class=\"plot\">\n\(svg)\n<figcaption>\(caption)</figcaption>\n</figure>\n"
    }

    // MARK: Text

    /// A label: for `.both`, Korean with the English beneath it in smaller type.
    private func label(_ term: ReportTerm) -> String {
        let (primary, secondary) = language.texts(term)
        guard let secondary else { return primary.htmlEscaped.withCodeSpans }
        return "<span class=\"l1\">\(primary.htmlEscaped.withCodeSpans)</span><span class=\"l2\" lang=\"en\">\(secondary.htmlEscaped.withCodeSpans)</span>"
    }

    /// Generated text: for `.both`, Korean with the English beneath it in smaller type.
    private func localized(_ text: ReportText) -> String {
        guard language == .both, text.ko != text.en else { return language.render(text).htmlEscaped.withCodeSpans }
        return "<span class=\"l1\">\(text.ko.htmlEscaped.withCodeSpans)</span><span class=\"l2\" lang=\"en\">\(text.en.htmlEscaped.withCodeSpans)</span>"
    }

    /// A label on one line (`시험성적서 / Test Report`), escaped.
    private func inline(_ term: ReportTerm) -> String { language.inline(term).htmlEscaped }

    private func cell(_ value: ReportOutline.Cell) -> String {
        switch value {
        case .text(let s): s.htmlEscaped
        case .localized(let text): localized(text)
        case .code(let s): "<code>\(s.htmlEscaped.replacingOccurrences(of: "_", with: "_<wbr>"))</code>"
        case .number(let s): s.htmlEscaped
        case .term(let term): label(term)
        case .verdict(let outcome): verdictBadge(outcome)
        case .missing: "<span class=\"missing\">—</span>"
        }
    }

    /// The outcome in the report's language(s), coloured by class.
    private func verdictBadge(_ outcome: String) -> String {
        let term = ReportTerm.outcome(outcome)
        let cssClass = switch term {
        case .pass: "pass"
        case .fail: "fail"
        case .inconclusive: "inconclusive"
        case .notEvaluable: "not-evaluable"
        default: "unknown"
        }
        let text = term == .unknownOutcome ? "\(inline(term)) (\(outcome.htmlEscaped))" : inline(term)
        return "<span class=\"verdict \(cssClass)\">\(text)</span>"
    }

    // MARK: Style

    /// The whole style sheet, screen and print. `embeddedFamily`, the face the document embeds, leads
    /// the sans-serif list and precedes the generic family of the monospace one; without it Korean
    /// comes from the system's fonts. Printed pages are numbered `3 / 12 쪽`, `Page 3 of 12`, or both.
    static func styleSheet(language: ReportLanguage, embeddedFamily: String?) -> String {
        let embedded = embeddedFamily.map { "\"\($0)\", " } ?? ""
        let sans = "\(embedded)\"Noto Sans CJK KR\", \"Noto Sans KR\", \"Apple SD Gothic Neo\", \"Malgun Gothic\", \"NanumGothic\", "
            + "system-ui, sans-serif"
        let mono = "\"DejaVu Sans Mono\", \"Noto Sans Mono\", Menlo, Consolas, \(embedded)monospace"
        let pageNumber = switch language {
        case .ko: #"counter(page) " / " counter(pages) " 쪽""#
        case .en: #""Page " counter(page) " of " counter(pages)"#
        case .both: #"counter(page) " / " counter(pages) " 쪽 · Page " counter(page) " of " counter(pages)"#
        }
        return """
        :root { color-scheme: light; }
        body.draft::before { content: "DRAFT · 초안"; position: fixed; top: 40%; left: 0; right: 0; text-align: center;
               font-size: 72pt; font-weight: 700; color: rgba(180, 0, 0, 0.12); transform: rotate(-30deg); z-index: 10;
               pointer-events: none; }
        #sec-draft { border: 2px solid #b40000; padding: 2mm 4mm; color: #b40000; }
        html { background: #fff; }
        body { font-family: \(sans); font-size: 10.5pt; line-height: 1.45; color: #111; max-width: 190mm;
               margin: 0 auto; padding: 0 6mm; }
        code { font-family: \(mono); font-size: 0.9em; overflow-wrap: anywhere; }
        table.data code { overflow-wrap: normal; font-size: 0.85em; }
        h1 { font-size: 22pt; margin: 8mm 0 2mm; letter-spacing: 0.05em; }
        h2 { font-size: 13pt; margin: 7mm 0 2mm; padding-bottom: 1mm; border-bottom: 2px solid #1f3a5f; color: #1f3a5f;
             break-after: avoid; page-break-after: avoid; }
        h3 { font-size: 11pt; margin: 4mm 0 1mm; break-after: avoid; }
        .sec-no { display: inline-block; min-width: 2.2em; }
        .l1 { display: block; }
        .l2 { display: block; font-size: 0.78em; font-weight: normal; color: #555; letter-spacing: 0; }
        h1 .l2 { font-size: 0.5em; }
        h2 .l1, h2 .l2 { display: inline-block; }
        h2 .l2 { margin-left: 0.6em; }
        .subtitle { margin: 0 0 4mm; color: #333; }
        table { border-collapse: collapse; width: 100%; margin: 2mm 0 3mm; }
        th, td { border: 1px solid #b9c0c8; padding: 3px 6px; text-align: left; vertical-align: top; }
        th { background: #eef1f5; font-weight: 600; }
        table.fields th { width: 34%; }
        table.data th { font-size: 0.9em; }
        caption { text-align: left; font-weight: 600; padding: 1mm 0; caption-side: top; }
        td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
        td.empty, p.empty { color: #666; }
        tr { break-inside: avoid; page-break-inside: avoid; }
        .missing { color: #888; }
        .statement { margin: 2mm 0; }
        .notice { font-size: 0.85em; color: #444; }
        .verdict { display: inline-block; font-weight: 700; padding: 0 6px; border-radius: 3px; white-space: nowrap;
                   border: 1px solid currentColor; }
        .verdict.pass { background: #e3f4e8; color: #0b5a23; }
        .verdict.fail { background: #fde4e2; color: #8a1111; }
        .verdict.inconclusive { background: #fff3cf; color: #6b4e00; }
        .verdict.not-evaluable, .verdict.unknown { background: #eeeeee; color: #444; }
        td.signature-line { height: 14mm; }
        figure.plot { margin: 4mm 0 6mm; break-inside: avoid; page-break-inside: avoid; }
        figure.plot figcaption { font-size: 0.92em; margin-top: 1mm; }
        svg.plot { display: block; max-width: 100%; height: auto; font-family: inherit; }
        .end-of-report { text-align: center; margin: 10mm 0 4mm; font-weight: 600; }
        .page-header, .page-footer { display: flex; justify-content: space-between; gap: 1em; font-size: 8.5pt; color: #333;
                                     background: #fff; }
        .page-header { border-bottom: 1px solid #999; padding: 2mm 0 1mm; }
        .page-footer { border-top: 1px solid #999; padding: 1mm 0 2mm; }
        table.page-layout, table.page-layout > * > tr > td { border: 0; padding: 0; margin: 0; }
        .page-header-space, .page-footer-space { height: 0; }
        @media screen {
          .page-header { position: sticky; top: 0; z-index: 1; }
          .page-footer { display: none; }
        }
        @page {
          size: A4;
          margin: 14mm 14mm 14mm 14mm;
          @bottom-center { content: \(pageNumber); font-family: \(sans); font-size: 8pt; color: #333; }
        }
        @media print {
          body { max-width: none; padding: 0; font-size: 9.5pt; }
          .page-header { position: fixed; top: 0; left: 0; right: 0; }
          .page-footer { position: fixed; bottom: 0; left: 0; right: 0; }
          .page-header-space { height: 12mm; }
          .page-footer-space { height: 10mm; }
          h2 { margin-top: 4mm; }
          a { color: inherit; text-decoration: none; }
        }

        """
    }
}

extension String {
    /// Already-escaped text with each `` `…` `` pair turned into `<code>…</code>`.
    fileprivate var withCodeSpans: String {
        let parts = split(separator: "`", omittingEmptySubsequences: false)
        guard parts.count >= 3, parts.count % 2 == 1 else { return self }
        return parts.enumerated().map { $0.offset % 2 == 1 ? "<code>\($0.element)</code>" : String($0.element) }.joined()
    }
}
