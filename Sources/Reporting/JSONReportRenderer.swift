// The report as JSON: every field of ReportData under its own key, plus the verdict summary.
public import Foundation

/// Renders a report as pretty-printed JSON with sorted keys: the ``ReportData`` fields at the top level,
/// exactly as `Codable` encodes them, and one more key, `verdictSummary` (a ``ReportVerdictSummary``).
///
/// The keys are listed in `docs/reports.md`. An optional field that is `nil` is left out (absent means
/// not applicable or not evaluable; a figure's `note` says why). Non-finite numbers, which JSON cannot
/// hold, are written as the strings `"Infinity"`, `"-Infinity"` and `"NaN"`; ``decode(_:)`` reads them
/// back. Slashes are not escaped. The output ends with a newline.
public struct JSONReportRenderer: ReportRenderer {
    /// A renderer.
    public init() {}

    public var fileExtension: String { "json" }

    /// The JSON text.
    public func render(_ report: ReportData) throws(ReportingError) -> String {
        String(decoding: try data(report), as: UTF8.self)
    }

    /// The JSON bytes (UTF-8), newline-terminated.
    public func data(_ report: ReportData) throws(ReportingError) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            var data = try encoder.encode(Document(report: report))
            data.append(UInt8(ascii: "\n"))
            return data
        } catch {
            throw ReportingError(code: .encodingFailed, message: "could not encode report \(report.reportID) as JSON", cause: error)
        }
    }

    /// Reads a report back from its JSON (the `verdictSummary` key is ignored: it is derived).
    public static func decode(_ data: Data) throws(ReportingError) -> ReportData {
        let decoder = JSONDecoder()
        decoder.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "Infinity", negativeInfinity: "-Infinity", nan: "NaN")
        do {
            return try decoder.decode(ReportData.self, from: data)
        } catch {
            throw ReportingError(code: .invalidReport, message: "not a Haechi report JSON", cause: error)
        }
    }

    /// ReportData's keys with `verdictSummary` beside them, in one object.
    private struct Document: Encodable {
        var report: ReportData

        enum Key: String, CodingKey { case verdictSummary }

        func encode(to encoder: any Encoder) throws {
            try report.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(ReportVerdictSummary(verdicts: report.verdicts), forKey: .verdictSummary)
        }
    }
}
