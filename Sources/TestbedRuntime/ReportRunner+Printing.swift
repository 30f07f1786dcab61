// `haechi report`'s Korean font and PDFs: the font the HTML embeds, and each HTML report printed to PDF.
import Reporting
import Foundation
import TestbedConfiguration

extension ReportRunner {
    /// The font the HTML reports embed: `HAECHI_REPORT_FONT`, else fonts-nanum's NanumGothic or
    /// NanumBarunGothic, else `nil` (the HTML then names system fonts only). None is looked for
    /// without an HTML format.
    static func reportFont(_ options: ReportOptions) throws(RuntimeError) -> ReportFont? {
        guard options.formats.contains(.html) else { return nil }
        do { return try ReportFont.locate() } catch {
            throw RuntimeError(code: .config, message: "the Korean font for the HTML report: \(error.message)")
        }
    }

    /// The printer of `--pdf` (found before any work is done, so that a missing Chromium costs nothing),
    /// or `nil` without `--pdf`.
    static func pdfPrinter(_ options: ReportOptions) throws(RuntimeError) -> ReportPDFPrinter? {
        guard options.pdf else { return nil }
        guard options.formats.contains(.html) else {
            throw RuntimeError(code: .config, field: "--pdf", message: "prints the HTML report: add html to --format")
        }
        return try ReportPDFPrinter.locate()
    }

    /// Adds `report.<lang>.pdf` beside every `report.<lang>.html` in `files`, printed by `printer`.
    static func addPDFs(to files: inout [String: Data], printer: ReportPDFPrinter) throws(RuntimeError) {
        for (name, html) in files.sorted(by: { $0.key < $1.key }) where name.hasSuffix(".html") {
            let stem = String(name.dropLast(".html".count))
            files[stem + ".pdf"] = try printer.print(html: html, name: stem)
        }
    }

    /// How the result names the embedded font: `NanumGothic (NanumGothic.ttf)`.
    static func describe(_ font: ReportFont?) -> String? {
        font.map { font in font.fullName.map { "\($0) (\(font.name))" } ?? font.name }
    }
}
