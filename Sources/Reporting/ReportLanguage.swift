// The language of a report: Korean, English, or both in one document.

/// The language a report is written in.
///
/// `.both` makes one bilingual document, Korean first: every heading and label is written in Korean
/// with its English beneath it (HTML) or after a slash (Markdown, plot axes), in smaller, lighter
/// type. Values, units, identifiers and hashes are shown once. Free text that comes from the plan
/// or the run (conditions, criteria, explanations, deviations) is shown as written, untranslated.
/// One document rather than two keeps a single report id, a single signature and no chance of the
/// two languages disagreeing; Korean leads because the range's certifying officers read Korean, and
/// the English is there for foreign clients and assessors. See `docs/reports.md`.
public enum ReportLanguage: String, Sendable, Codable, CaseIterable, Hashable {
    /// Korean only.
    case ko
    /// English only.
    case en
    /// Korean with English beneath each heading and label.
    case both

    /// The BCP 47 tag of the document's primary language (`ko` for `.ko` and `.both`).
    public var primaryTag: String { self == .en ? "en" : "ko" }

    /// The term in the primary language, and for `.both` the English beneath it.
    func texts(_ term: ReportTerm) -> (primary: String, secondary: String?) {
        switch self {
        case .ko: (term.korean, nil)
        case .en: (term.english, nil)
        case .both: (term.korean, term.english)
        }
    }

    /// The term on one line: `시험결과 / Test results` for `.both`.
    func inline(_ term: ReportTerm) -> String {
        let (primary, secondary) = texts(term)
        guard let secondary else { return primary }
        return "\(primary) / \(secondary)"
    }
}
