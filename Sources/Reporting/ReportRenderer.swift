// The protocol every report format implements, and the formats the CLI can ask for.

/// Turns a ``ReportData`` into the text of one report file.
///
/// Rendering is a pure function of the data (and the renderer's settings): no clock, no locale, no
/// file system, so the same data always gives the same bytes and golden-file tests stay stable.
public protocol ReportRenderer: Sendable {
    /// The file name extension of the output, without the dot (`html`, `md`, `json`).
    var fileExtension: String { get }
    /// The report as text (UTF-8 when written).
    func render(_ report: ReportData) throws(ReportingError) -> String
}

/// A report file format.
public enum ReportFormat: String, Sendable, Codable, CaseIterable, Hashable {
    /// One self-contained HTML file with inline CSS and SVG plots (``HTMLReportRenderer``).
    case html
    /// Pretty JSON with sorted keys: ``ReportData`` plus its ``ReportVerdictSummary`` (``JSONReportRenderer``).
    case json
    /// Markdown with the same sections, plot data as summary tables (``MarkdownReportRenderer``).
    case md

    /// The renderer of this format; JSON ignores `language` (its keys are English, its values as given),
    /// and only HTML embeds `font` (see ``ReportFont``).
    public func renderer(language: ReportLanguage, font: ReportFont? = nil) -> any ReportRenderer {
        switch self {
        case .html: HTMLReportRenderer(language: language, font: font)
        case .json: JSONReportRenderer()
        case .md: MarkdownReportRenderer(language: language)
        }
    }

    /// The conventional file name: `report.html`, `report.json`, `report.md`.
    public var defaultFileName: String { "report.\(rawValue)" }
}
