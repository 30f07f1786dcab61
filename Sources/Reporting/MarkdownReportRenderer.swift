// The report as Markdown: the same sections as the HTML, with the plotted data as summary tables.

/// Renders a report as GitHub-flavoured Markdown with the same sections, in the same order, as
/// ``HTMLReportRenderer``.
///
/// Markdown cannot draw the plots, so each plot is named with a note that it is in the HTML report,
/// followed by a summary table of its data (per series: points, extent, mean, maximum, last value; Pd
/// per range bin with its interval; per drone the time spent detected, tracked and missed). For
/// `.both`, headings and labels read `한국어 / English` on one line. Every string from the data is
/// escaped so it cannot start markup or inject HTML.
public struct MarkdownReportRenderer: ReportRenderer {
    /// The language of headings and labels.
    public var language: ReportLanguage

    /// A renderer in `language` (default: both, Korean first).
    public init(language: ReportLanguage = .both) {
        self.language = language
    }

    public var fileExtension: String { "md" }

    /// The Markdown document.
    public func render(_ report: ReportData) -> String {
        let outline = ReportOutline(report)
        let summary = ReportVerdictSummary(verdicts: report.verdicts)
        var md = "# \(label(.reportTitle))\n\n"
        md += "\(label(.reportSubtitle))\n\n"
        md += table(header: ["", ""], rows: [
            [label(.reportID), "`\(codeText(report.reportID))`"],
            [label(.systemName), report.systemName.markdownEscaped],
            [label(.client), report.client.markdownEscaped],
            [label(.issuedOn), "`\(codeText(report.issuedShown))`"],
            [label(.overallVerdict), "**\(verdict(summary.overall))**"],
        ], numeric: [])
        md += "_\(label(.reproductionNotice))_\n\n"
        for section in outline.sections {
            md += section.number == "A" || section.number.isEmpty ? "## \(label(section.title))\n\n" : "## \(section.number). \(label(section.title))\n\n"
            for block in section.blocks { md += self.block(block, report: report) }
        }
        md += "---\n\n**— \(label(.endOfReport)) · \(label(.reportID)) `\(codeText(report.reportID))` —**\n"
        return md
    }

    // MARK: Blocks

    private func block(_ block: ReportOutline.Block, report: ReportData) -> String {
        switch block {
        case .fields(let fields):
            return table(header: ["", ""], rows: fields.map { [label($0.0), cell($0.1)] }, numeric: [])
        case .table(let caption, let header, let rows, let numeric, _):
            var md = caption.map { "**\(label($0))**\n\n" } ?? ""
            if rows.isEmpty { return md + "\(label(.nothingReported))\n\n" }
            md += table(header: header.map(label), rows: rows.map { $0.map(cell) }, numeric: numeric)
            return md
        case .statement(let term):
            return "\(label(term))\n\n"
        case .list(let title, let items, let empty):
            var md = title.map { "### \(label($0))\n\n" } ?? ""
            if items.isEmpty { return md + "\(label(empty))\n\n" }
            md += items.map { "- \(language.render($0).markdownEscaped)\n" }.joined() + "\n"
            return md
        case .textFields(let caption, let fields):
            guard !fields.isEmpty else { return "" }
            let md = caption.map { "**\(label($0))**\n\n" } ?? ""
            return md + table(header: ["", ""], rows: fields.map { [language.render($0.label).markdownEscaped,
                                                                     language.render($0.value).markdownEscaped] }, numeric: [])
        case .plot(let kind, let number):
            return plot(kind, number: number, report: report)
        case .verdictSummary(let summary):
            var rows = [[label(.overallVerdict), "**\(verdict(summary.overall))**"]]
            if summary.total == 0 {
                rows.append([label(.verdictSummary), label(.noVerdicts)])
            } else {
                var parts = [("PASS", summary.pass), ("FAIL", summary.fail), ("INCONCLUSIVE", summary.inconclusive),
                             ("NOT_EVALUABLE", summary.notEvaluable)].map { "\(verdict($0.0)) \($0.1)" }
                if summary.unrecognised > 0 { parts.append("\(label(.unknownOutcome)) \(summary.unrecognised)") }
                rows.append([label(.verdictSummary), parts.joined(separator: ", ")])
            }
            return table(header: ["", ""], rows: rows, numeric: [])
        case .signatureBlock(let name, let role, let date):
            return table(header: ["", ""], rows: [
                [label(.authorisedBy), name.isEmpty ? "—" : name.markdownEscaped],
                [label(.role), role.isEmpty ? "—" : role.markdownEscaped],
                [label(.signature), "&#160;<br>&#160;<br>________________________"],
                [label(.date), "`\(codeText(date))`"],
            ], numeric: [])
        }
    }

    /// The plot's caption, a note that it is drawn only in HTML, and a summary of its data.
    private func plot(_ kind: ReportOutline.PlotKind, number: Int, report: ReportData) -> String {
        var md = "### \(figureCaption(kind, number: number))\n\n_\(label(.plotsInHTMLOnly))_\n\n"
        let seriesHeader = [label(.truth), label(.points), label(.minimum), label(.maximum), label(.mean), label(.last)]
        switch kind {
        case .map:
            let rows = report.mapTruth.map { mapRow(label(.truth), $0) } + report.mapTracks.map { mapRow(label(.tracks), $0) }
            guard !rows.isEmpty else { return md + "\(label(.noData))\n\n" }
            md += table(header: ["", label(.drone), label(.points), "E min … max (m)", "N min … max (m)"], rows: rows, numeric: [2, 3, 4])
        case .pdByRange:
            guard let series = report.pdByRange, !series.x.isEmpty else { return md + "\(label(.noData))\n\n" }
            func value(_ values: [Double]?, _ i: Int) -> Double? { values.flatMap { i < $0.count ? $0[i] : nil } }
            let binned = series.xLower != nil && series.xUpper != nil, counted = series.numerators != nil && series.denominators != nil
            var rows: [[String]] = []
            for i in 0..<min(series.x.count, series.y.count) {
                let decimals = ReportNumberFormat.decimals(for: series.y[i])
                let lower = value(series.lower, i).map { ReportNumberFormat.fixed($0, decimals: decimals) } ?? "—"
                let upper = value(series.upper, i).map { ReportNumberFormat.fixed($0, decimals: decimals) } ?? "—"
                var row = [ReportNumberFormat.figure(series.x[i])]
                if binned, let from = value(series.xLower, i), let to = value(series.xUpper, i) {
                    row = ["\(ReportNumberFormat.plain(from))–\(ReportNumberFormat.plain(to))"]
                }
                row += [ReportNumberFormat.fixed(series.y[i], decimals: decimals), "[\(lower), \(upper)]"]
                if counted {
                    row.append(value(series.numerators, i).flatMap { k in value(series.denominators, i).map { n in
                        "\(ReportNumberFormat.count(k)) / \(ReportNumberFormat.count(n))"
                    } } ?? "—")
                }
                rows.append(row)
            }
            md += table(header: [label(binned ? .rangeBin : .rangeAxis), label(.pdAxis), label(.uncertainty)] + (counted ? [label(.counts)] : []),
                        rows: rows, numeric: counted ? [0, 1, 2, 3] : [0, 1, 2])
            if let requirement = report.pdRequirement {
                let scope = report.pdRequirementWithinM.map { " (≤ \(ReportNumberFormat.plain($0)) m)" } ?? ""
                md += "\(label(.requirement)): Pd ≥ \(ReportNumberFormat.plain(requirement))\(scope)\n\n"
            }
        case .positionError:
            let rows = report.positionErrorOverTime.map(seriesRow)
            guard !rows.isEmpty else { return md + "\(label(.noData))\n\n" }
            md += table(header: seriesHeader.replacing(0, with: ""), rows: rows, numeric: [1, 2, 3, 4, 5])
        case .ospaGospa:
            let rows = [report.ospaOverTime, report.gospaOverTime].compactMap { $0 }.map(seriesRow)
            guard !rows.isEmpty else { return md + "\(label(.noData))\n\n" }
            md += table(header: seriesHeader.replacing(0, with: ""), rows: rows, numeric: [1, 2, 3, 4, 5])
        case .timeline:
            guard !report.timelines.isEmpty else { return md + "\(label(.noData))\n\n" }
            let rows = report.timelines.map { timeline -> [String] in
                var totals = [0.0, 0.0, 0.0]
                for segment in timeline.segments where segment.count >= 3 && segment[1] >= segment[0] {
                    if let state = [0.0, 1.0, 2.0].firstIndex(of: segment[2]) { totals[state] += segment[1] - segment[0] }
                }
                let censored = timeline.firstDetectionSeconds == nil ? " (\(label(.censored)))" : ""
                return [timeline.drone.markdownEscaped + censored, ReportNumberFormat.figure(totals[1]),
                        ReportNumberFormat.figure(totals[2]), ReportNumberFormat.figure(totals[0])]
            }
            md += table(header: [label(.drone), "\(label(.detected)) (s)", "\(label(.tracked)) (s)", "\(label(.missed)) (s)"],
                        rows: rows, numeric: [1, 2, 3])
        }
        return md
    }

    private func mapRow(_ kind: String, _ series: ReportSeries) -> [String] {
        let runs = SVGPlotter.runs(series.x, series.y).flatMap { $0 }
        func extent(_ values: [Double]) -> String {
            guard let lo = values.min(), let hi = values.max() else { return "—" }
            return "\(ReportNumberFormat.fixed(lo, decimals: 1)) … \(ReportNumberFormat.fixed(hi, decimals: 1))"
        }
        return [kind, series.name.markdownEscaped, String(min(series.x.count, series.y.count)),
                extent(runs.map(\.x)), extent(runs.map(\.y))]
    }

    private func seriesRow(_ series: ReportSeries) -> [String] {
        let ys = series.y.prefix(series.x.count).filter(\.isFinite)
        guard let lo = ys.min(), let hi = ys.max(), let last = ys.last else {
            return [series.name.markdownEscaped, "0", "—", "—", "—", "—"]
        }
        let mean = ys.reduce(0, +) / Double(ys.count)
        return [series.name.markdownEscaped, String(ys.count), ReportNumberFormat.figure(lo), ReportNumberFormat.figure(hi),
                ReportNumberFormat.figure(mean), ReportNumberFormat.figure(last)]
    }

    // MARK: Text

    private func figureCaption(_ kind: ReportOutline.PlotKind, number: Int) -> String {
        let (primary, secondary) = language.texts(kind.title)
        let (figurePrimary, figureSecondary) = language.texts(.figureNumber)
        var caption = "\(figurePrimary) \(number). \(primary)"
        if let secondary, let figureSecondary { caption += " / \(figureSecondary) \(number). \(secondary)" }
        return caption
    }

    /// A label on one line; the fixed wording may contain `` `code` `` spans, kept as Markdown.
    private func label(_ term: ReportTerm) -> String { language.inline(term) }

    private func verdict(_ outcome: String) -> String {
        let term = ReportTerm.outcome(outcome)
        return term == .unknownOutcome ? "\(label(term)) (\(outcome.markdownEscaped))" : label(term)
    }

    private func cell(_ value: ReportOutline.Cell) -> String {
        switch value {
        case .text(let s): s.markdownEscaped
        case .localized(let text): language.render(text).markdownEscaped
        case .code(let s): "`\(codeText(s))`"
        case .number(let s): s  // formatted here: digits, signs, brackets, no markup
        case .term(let term): label(term)
        case .verdict(let outcome): "**\(verdict(outcome))**"
        case .missing: "—"
        }
    }

    /// Text for inside a code span: backticks and table pipes cannot be escaped there, so they are
    /// replaced by look-alikes; line breaks become spaces.
    private func codeText(_ s: String) -> String {
        String(s.map { c -> Character in
            switch c {
            case "`": "ˋ"
            case "|": "¦"
            case "\n", "\r", "\t": " "
            default: c
            }
        })
    }

    /// A GFM table; an all-empty header is still written (GFM needs one).
    private func table(header: [String], rows: [[String]], numeric: Set<Int>) -> String {
        let columns = max(header.count, rows.map(\.count).max() ?? 0)
        func line(_ cells: [String]) -> String {
            "| " + (0..<columns).map { $0 < cells.count ? cells[$0] : "" }.joined(separator: " | ") + " |\n"
        }
        var md = line(header)
        md += "|" + (0..<columns).map { numeric.contains($0) ? " ---: |" : " --- |" }.joined() + "\n"
        for row in rows { md += line(row) }
        return md + "\n"
    }
}

extension Array {
    /// The array with the element at `index` replaced.
    fileprivate func replacing(_ index: Int, with element: Element) -> [Element] {
        var copy = self
        copy[index] = element
        return copy
    }
}
