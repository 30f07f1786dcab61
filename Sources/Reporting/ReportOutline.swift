// The sections of a report in ISO/IEC 17025 §7.8 order, built once and drawn by the HTML and Markdown renderers.

/// A report's content as numbered sections of format-neutral blocks.
///
/// Both text renderers draw this outline, so HTML and Markdown cannot drift apart in what they say or
/// in what order. The mapping to ISO/IEC 17025:2017 §7.8.2.1 items a–p is in `docs/reports.md`.
struct ReportOutline {
    /// One numbered section.
    struct Section {
        /// The HTML anchor (`sec-results`).
        var anchor: String
        /// `1`, `2`, …, or `A` for the annex (whose title carries its own "Annex A").
        var number: String
        var title: ReportTerm
        var blocks: [Block]
    }

    /// A piece of a section.
    enum Block {
        /// Labelled fields, one per row.
        case fields([(ReportTerm, Cell)])
        /// A table with a header row and an optional caption; `numeric` marks right-aligned columns.
        case table(caption: ReportTerm?, header: [ReportTerm], rows: [[Cell]], numeric: Set<Int>, rowIDs: [String]?)
        /// A fixed statement.
        case statement(ReportTerm)
        /// Lines from the plan or the run, or `empty` when there are none.
        case list(title: ReportTerm?, items: [ReportText], empty: ReportTerm)
        /// Labelled fields whose labels are generated text (a lab profile, settings), under a caption.
        case textFields(caption: ReportTerm?, [ReportField])
        /// A plot, numbered from 1.
        case plot(PlotKind, number: Int)
        /// The overall verdict and counts.
        case verdictSummary(ReportVerdictSummary)
        /// Who authorises the report, with room for a handwritten signature.
        case signatureBlock(name: String, role: String, date: String)
    }

    /// One cell or field value.
    enum Cell {
        /// Free text, escaped by the renderer.
        case text(String)
        /// Generated text, in the report's language(s).
        case localized(ReportText)
        /// An identifier or hash, in monospace.
        case code(String)
        /// A formatted number (or interval), right-aligned in tables.
        case number(String)
        /// A fixed label, in the report's language(s).
        case term(ReportTerm)
        /// A verdict's outcome code, drawn as a coloured badge.
        case verdict(String)
        /// Nothing to show (a dash).
        case missing
    }

    /// The five plots.
    enum PlotKind: String, CaseIterable {
        case map, pdByRange = "pd-range", positionError = "position-error", ospaGospa = "ospa-gospa", timeline

        /// The caption.
        var title: ReportTerm {
            switch self {
            case .map: .plotMap
            case .pdByRange: .plotPdByRange
            case .positionError: .plotPositionError
            case .ospaGospa: .plotOSPAGOSPA
            case .timeline: .plotTimeline
            }
        }

        /// The SVG element's id.
        var elementID: String { "plot-\(rawValue)" }
    }

    let sections: [Section]

    /// The outline of `report`.
    init(_ report: ReportData) {
        let summary = ReportVerdictSummary(verdicts: report.verdicts)
        var sections: [Section] = []
        if report.draft {
            sections.append(Section(anchor: "sec-draft", number: "", title: .draftMark, blocks: [.statement(.draftNotice)]))
        }
        sections += [
            Section(anchor: "sec-laboratory", number: "1", title: .sectionLaboratory, blocks: [
                .fields([(.laboratory, Self.text(report.laboratory)), (.site, Self.text(report.siteName)),
                         (.siteOrigin, Self.origin(report.siteOrigin))]),
                .textFields(caption: nil, report.laboratoryDetails),
            ]),
            Section(anchor: "sec-report-id", number: "2", title: .sectionReportID, blocks: [
                .fields([(.reportID, .code(report.reportID)), (.runID, .code(report.runID)), (.reportFormat, .code(report.format))]),
                .statement(.pageNumbering),
            ]),
            Section(anchor: "sec-client", number: "3", title: .sectionClient, blocks: [
                .fields([(.client, Self.text(report.client))]),
                .textFields(caption: nil, report.clientDetails),
            ]),
            Section(anchor: "sec-method", number: "4", title: .sectionMethod, blocks: [
                .fields([(.methodReference, Self.text(report.method)), (.testPlan, Self.text(report.planName)),
                         (.planFile, report.planFile.isEmpty ? .missing : .code(report.planFile)),
                         (.planSHA256, Self.code(report.planSHA256)), (.labProfileSHA256, Self.code(report.labProfileSHA256)),
                         (.samplingPlan, report.samplingPlan.map { .localized($0) } ?? .missing)]),
            ]),
            Section(anchor: "sec-item", number: "5", title: .sectionItem, blocks: [
                .fields([(.systemName, Self.text(report.systemName)), (.systemVersion, Self.text(report.systemVersion)),
                         (.systemFirmware, Self.text(report.systemFirmware)), (.configSHA256, Self.code(report.configSHA256))]),
                .textFields(caption: nil, report.itemDetails),
            ]),
            Section(anchor: "sec-dates", number: "6", title: .sectionDates, blocks: [
                .fields([(.testStarted, Self.dual(report.testStartedKST, report.testStartedUTC)),
                         (.testEnded, Self.dual(report.testEndedKST, report.testEndedUTC)),
                         (.dateOfIssue, Self.dual(report.issuedKST, report.issuedUTC))]),
            ]),
            Section(anchor: "sec-conditions", number: "7", title: .sectionConditions, blocks: [
                .list(title: nil, items: report.conditions, empty: .nothingReported),
                .textFields(caption: .environment, report.environment),
                .textFields(caption: .evaluationSettings, report.evaluationSettings),
                .textFields(caption: .uncertaintyBudget, report.uncertaintyBudget),
                .list(title: nil, items: report.uncertaintyNotes, empty: .nothingReported),
            ]),
            Section(anchor: "sec-results", number: "8", title: .sectionResults, blocks: Self.results(report)),
            Section(anchor: "sec-conformity", number: "9", title: .sectionConformity, blocks: [
                .fields([(.decisionRule, .localized(report.decisionRule))]),
                .verdictSummary(summary),
                .table(caption: nil, header: [.criterion, .figureKey, .compared, .requirement, .outcome, .furtherRuns, .basis],
                       rows: report.verdicts.map(Self.verdictRow), numeric: [2, 3, 5], rowIDs: nil),
            ]),
            Section(anchor: "sec-deviations", number: "10", title: .sectionDeviations, blocks: [
                .list(title: .deviations, items: report.deviations, empty: .nothingReported),
                .list(title: .notEvaluableItems, items: report.notEvaluable, empty: .nothingReported),
            ]),
            Section(anchor: "sec-authorisation", number: "11", title: .sectionAuthorisation, blocks: Self.authorisation(report)),
            Section(anchor: "sec-provenance", number: "A", title: .sectionProvenance, blocks: [
                .fields([(.runID, Self.code(report.runID)), (.recordingFile, Self.code(report.recordingFile)),
                         (.recordingSHA256, Self.code(report.recordingSHA256)), (.runLogHeadHash, Self.code(report.runLogHeadHash)),
                         (.softwareVersion, Self.code(report.softwareVersion)), (.softwareCommit, Self.code(report.softwareCommit)),
                         (.configSHA256, Self.code(report.configSHA256)), (.reportFormat, Self.code(report.format))]),
                .table(caption: .toolVersions, header: [.tool, .version],
                       rows: report.toolVersions.keys.sorted(by: Self.humanOrder).map { [.code($0), .code(report.toolVersions[$0]!)] },
                       numeric: [], rowIDs: nil),
            ]),
        ]
        self.sections = sections
    }

    /// The signature block: the officer who signed, or the one named to sign and "not signed".
    private static func authorisation(_ report: ReportData) -> [Block] {
        guard let signatory = report.signatory else {
            return [.signatureBlock(name: report.authorisedBy, role: report.authorisedRole, date: "—"),
                    .fields([(.signedBy, .term(.notSigned))])]
        }
        return [.signatureBlock(name: signatory.name, role: signatory.role, date: "\(signatory.signedKST) (\(signatory.signedUTC))"),
                .fields([(.signedBy, .text("\(signatory.name), \(signatory.role)")), (.keyFingerprint, .code(signatory.keyFingerprint)),
                         (.signedAt, dual(signatory.signedKST, signatory.signedUTC))]),
                .statement(.electronicSignature)]
    }

    /// A time in KST with UTC beside it.
    private static func dual(_ kst: String, _ utc: String) -> Cell {
        if kst.isEmpty { return code(utc) }
        return .code("\(kst) (\(utc))")
    }

    // MARK: Results

    private static func results(_ report: ReportData) -> [Block] {
        var blocks: [Block] = [
            .table(caption: .figuresTable,
                   header: [.quantity, .value, .unit, .uncertainty, .confidenceLevel, .intervalMethod, .counts, .remark],
                   rows: report.figures.map(figureRow), numeric: [1, 3, 6],
                   rowIDs: report.figures.map { "fig-\($0.key)" }),
            .statement(.resultsScope),
            .statement(.externalProviders),
        ]
        for (index, kind) in PlotKind.allCases.enumerated() {
            blocks.append(.plot(kind, number: index + 1))
        }
        blocks.append(.table(caption: .firstEventsTable,
                             header: [.drone, .firstDetection, .rangeMetres, .firstTrack, .rangeMetres],
                             rows: report.timelines.map(firstEventsRow), numeric: [1, 2, 3, 4], rowIDs: nil))
        return blocks
    }

    /// Key, value, unit, interval, level, method, counts, remark.
    static func figureRow(_ figure: ReportFigure) -> [Cell] {
        let decimals = ReportNumberFormat.decimals(for: figure.value ?? figure.upper ?? figure.lower ?? 0)
        let value: Cell = figure.value.map { .number(ReportNumberFormat.fixed($0, decimals: decimals)) } ?? .term(.notEvaluableValue)
        let interval: Cell
        if figure.lower != nil || figure.upper != nil {
            interval = .number(intervalText(figure, decimals: decimals))
        } else {
            interval = .missing
        }
        let counts: Cell = switch (figure.numerator, figure.denominator) {
        case let (n?, d?): .number("\(ReportNumberFormat.count(n)) / \(ReportNumberFormat.count(d))")
        case let (n?, nil): .number(ReportNumberFormat.count(n))
        default: .missing
        }
        let name: Cell = figure.name.map { .localized(ReportText(ko: "\($0.ko) · \(figure.key)", en: "\($0.en) · \(figure.key)")) }
            ?? .code(figure.key)
        return [name, value, figure.unit.isEmpty ? .missing : .text(figure.unit), interval,
                figure.confidence.map { .number(ReportNumberFormat.percent($0)) } ?? .missing,
                figure.method.map { .code($0) } ?? .missing, counts, figure.note.map { .localized($0) } ?? .missing]
    }

    /// `[lower, upper]` with the value's decimals; an open side is `−∞` or `+∞`.
    static func intervalText(_ figure: ReportFigure, decimals: Int) -> String {
        let lower = figure.lower.map { ReportNumberFormat.fixed($0, decimals: decimals) } ?? "−∞"
        let upper = figure.upper.map { ReportNumberFormat.fixed($0, decimals: decimals) } ?? "+∞"
        return "[\(lower), \(upper)]"
    }

    private static func verdictRow(_ verdict: ReportVerdict) -> [Cell] {
        [verdict.criterionText.map { .localized($0) } ?? .text(verdict.criterion), .code(verdict.figureKey),
         verdict.compared.map { .number(ReportNumberFormat.figure($0)) } ?? .missing,
         .number(ReportNumberFormat.figure(verdict.requirement)),
         .verdict(verdict.outcome),
         further(verdict),
         .localized(verdict.explanation)]
    }

    /// "m / n runs": further trials with no failures, and at the observed rate.
    private static func further(_ verdict: ReportVerdict) -> Cell {
        guard verdict.furtherRunsNeeded != nil || verdict.furtherAtObservedRate != nil else { return .missing }
        let a = verdict.furtherRunsNeeded.map(String.init) ?? "—", b = verdict.furtherAtObservedRate.map(String.init) ?? "—"
        let unit = ReportGlossary.unit(verdict.furtherUnit ?? "runs")
        return .localized(ReportText(ko: "\(a) / \(b) \(unit.ko)", en: "\(a) / \(b) \(unit.en)"))
    }

    private static func firstEventsRow(_ timeline: ReportTimeline) -> [Cell] {
        func number(_ v: Double?) -> Cell { v.map { .number(ReportNumberFormat.figure($0)) } ?? .missing }
        return [.text(timeline.drone),
                timeline.firstDetectionSeconds == nil ? .term(.censored) : number(timeline.firstDetectionSeconds),
                number(timeline.firstDetectionRangeM),
                timeline.firstTrackSeconds == nil ? .term(.censored) : number(timeline.firstTrackSeconds),
                number(timeline.firstTrackRangeM)]
    }

    // MARK: Cells

    /// Case-insensitive order, ties broken by code points: stable and locale-free.
    static func humanOrder(_ a: String, _ b: String) -> Bool {
        let (la, lb) = (a.lowercased(), b.lowercased())
        return la != lb ? la < lb : a < b
    }

    private static func text(_ s: String) -> Cell { s.isEmpty ? .missing : .text(s) }
    private static func code(_ s: String) -> Cell { s.isEmpty ? .missing : .code(s) }

    /// Latitude and longitude to 7 decimals (about 1 cm), height to 0.01 m.
    private static func origin(_ origin: [Double]) -> Cell {
        guard !origin.isEmpty else { return .missing }
        let parts = origin.enumerated().map { index, v in
            switch index {
            case 0: ReportNumberFormat.fixed(v, decimals: 7) + "°"
            case 1: ReportNumberFormat.fixed(v, decimals: 7) + "°"
            case 2: ReportNumberFormat.fixed(v, decimals: 2) + " m"
            default: ReportNumberFormat.figure(v)
            }
        }
        return .number(parts.joined(separator: ", "))
    }
}
