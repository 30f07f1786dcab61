// A generated sentence or label in both of the report's languages.

/// A sentence or label that the report generates, in Korean and in English.
///
/// Every generated sentence is made as a `ReportText`, so none can exist in one language only: the
/// Korean report shows ``ko``, the English one ``en``, the bilingual one both. Text that a person
/// wrote (a plan's conditions, a system's name) is shown as written, in both fields.
public struct ReportText: Sendable, Codable, Hashable {
    /// The Korean.
    public var ko: String
    /// The English.
    public var en: String

    /// A text in both languages.
    public init(ko: String, en: String) {
        self.ko = ko
        self.en = en
    }

    /// Text written by a person, shown as it is in every language.
    public init(verbatim: String) {
        ko = verbatim
        en = verbatim
    }

    /// The two joined with `separator` between them, language by language.
    public static func joined(_ parts: [ReportText], separator: String = " ") -> ReportText {
        ReportText(ko: parts.map(\.ko).joined(separator: separator), en: parts.map(\.en).joined(separator: separator))
    }

    /// This text followed by `other`, with a space between.
    public func appending(_ other: ReportText) -> ReportText {
        ReportText(ko: ko + " " + other.ko, en: en + " " + other.en)
    }
}

extension ReportLanguage {
    /// `text` in this language: Korean, English, or Korean then English for both.
    public func render(_ text: ReportText) -> String {
        switch self {
        case .ko: text.ko
        case .en: text.en
        case .both: text.ko == text.en ? text.ko : "\(text.ko) / \(text.en)"
        }
    }
}

/// One labelled value of the report (a lab profile field, an evaluation setting, an uncertainty
/// component).
public struct ReportField: Sendable, Codable, Hashable {
    /// What it is.
    public var label: ReportText
    /// Its value, as shown (numbers already formatted with their unit).
    public var value: ReportText

    /// A field.
    public init(label: ReportText, value: ReportText) {
        self.label = label
        self.value = value
    }

    /// A field whose value reads the same in both languages.
    public init(label: ReportText, value: String) {
        self.label = label
        self.value = ReportText(verbatim: value)
    }
}

extension ReportText: ExpressibleByStringLiteral {
    /// A literal is text as written, the same in every language (as ``init(verbatim:)``).
    public init(stringLiteral value: String) { self.init(verbatim: value) }
}
