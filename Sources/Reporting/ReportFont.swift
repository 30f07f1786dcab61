// The Korean font an HTML report carries: found on the machine, read once, cut to each document's characters.
public import Foundation

/// A TrueType font embedded in HTML reports, so that Korean renders on a reader's machine that has no
/// Korean font, and prints the same everywhere.
///
/// The caller loads it once (``locate(environment:searchPaths:)``, or ``init(data:name:licence:)``)
/// and gives it to ``HTMLReportRenderer``, which stays a pure function of the report, the language and
/// the font's bytes: the same three always give the same document. The renderer renders the document,
/// collects its characters, and embeds a subset of the font with exactly those characters (plus
/// printable ASCII) as an `@font-face` named ``familyName`` in a `data:` URL: for a typical bilingual
/// report of NanumGothic, some 400 characters and 40–60 KB of font (see `docs/reports.md`).
///
/// The subset is renamed ``familyName`` in its `name` table: the SIL Open Font License under which the
/// Nanum fonts are published reserves their names ("Nanum", "NanumGothic", …) for unmodified
/// versions, and a subset is a modified version. It keeps the original's copyright notice and carries
/// the licence notice (name IDs 0, 13, 14), and the style sheet names both in a comment.
public struct ReportFont: Sendable {
    /// The CSS family name of the embedded face (and the subset's own family name).
    public static let familyName = "HaechiKR"
    /// The environment variable that names a TrueType font to use instead of the search paths.
    public static let environmentVariable = "HAECHI_REPORT_FONT"
    /// Where ``locate(environment:searchPaths:)`` looks, in order: Debian's `fonts-nanum`.
    public static let searchPaths = [
        "/usr/share/fonts/truetype/nanum/NanumGothic.ttf",
        "/usr/share/fonts/truetype/nanum/NanumBarunGothic.ttf",
    ]
    /// The licence notice of the Nanum fonts (Debian's `fonts-nanum` copyright file), written into
    /// their subsets.
    public static let nanumLicence = "Copyright (c) 2010, NAVER Corporation, with Reserved Font Name "
        + "Nanum, Naver Nanum, NanumGothic, Naver NanumGothic, NanumBarunGothic, Naver NanumBarunGothic and others. "
        + "This Font Software is licensed under the SIL Open Font License, Version 1.1."
    /// Where the SIL Open Font License can be read.
    public static let openFontLicenseURL = "https://openfontlicense.org"

    /// The font's file name (`NanumGothic.ttf`) or the name it was given.
    public let name: String
    /// The font's own full name (`NanumGothic`), if it has one in English.
    public var fullName: String? { subsetter.fullName }
    /// The licence notice written into subsets; `nil` keeps the font's own (name IDs 13 and 14).
    public let licence: String?
    let subsetter: TrueTypeSubsetter

    /// A font from its bytes: `name` says where it came from; `licence` is the notice its subsets
    /// carry (`nil`: ``nanumLicence`` for a Nanum font, else the font's own notice).
    /// - Throws: ``ReportingError/Code/invalidFont`` when `data` is not a TrueType font the subsetter can read.
    public init(data: Data, name: String, licence: String? = nil) throws(ReportingError) {
        self.name = name
        subsetter = try TrueTypeSubsetter(fontData: data)
        self.licence = licence ?? ((subsetter.fullName ?? "").hasPrefix("Nanum") ? Self.nanumLicence : nil)
    }

    /// The font in the file at `path`.
    /// - Throws: ``ReportingError/Code/invalidFont`` when it cannot be read or is not a TrueType font.
    public init(contentsOfFile path: String, licence: String? = nil) throws(ReportingError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportingError(code: .invalidFont, message: "cannot read the font file \(path)")
        }
        do {
            try self.init(data: data, name: (path as NSString).lastPathComponent, licence: licence)
        } catch {
            throw ReportingError(code: .invalidFont, message: "\(path): \(error.message)", cause: error)
        }
    }

    /// The font to embed: the file named by `HAECHI_REPORT_FONT` if set, else the first of
    /// `searchPaths` that exists; `nil` when there is none (the report then names system fonts only).
    /// - Throws: ``ReportingError/Code/invalidFont`` when the font named by the variable, or a font
    ///   found, cannot be read or is not a TrueType font.
    public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment,
                              searchPaths: [String] = searchPaths) throws(ReportingError) -> ReportFont? {
        if let path = environment[environmentVariable], !path.isEmpty {
            do { return try ReportFont(contentsOfFile: path) } catch {
                throw ReportingError(code: .invalidFont, message: "\(environmentVariable): \(error.message)", cause: error)
            }
        }
        for path in searchPaths where FileManager.default.fileExists(atPath: path) {
            return try ReportFont(contentsOfFile: path)
        }
        return nil
    }

    /// The characters a subset for `text` keeps: every scalar of `text` (C0 controls aside), the
    /// characters of its numeric references (`&#160;`, `&#xA0;`), and printable ASCII.
    static func scalars(in text: String) -> Set<Unicode.Scalar> {
        var scalars = Set((UInt8(0x20)...UInt8(0x7E)).map(Unicode.Scalar.init))
        for scalar in text.unicodeScalars where scalar.value >= 0x20 { scalars.insert(scalar) }
        var rest = text[...]
        while let start = rest.range(of: "&#") {
            rest = rest[start.upperBound...]
            guard let end = rest.firstIndex(of: ";"), rest.distance(from: rest.startIndex, to: end) <= 8 else { continue }
            let digits = rest[..<end]
            let value = digits.first == "x" || digits.first == "X" ? UInt32(digits.dropFirst(), radix: 16) : UInt32(digits)
            if let value, value >= 0x20, let scalar = Unicode.Scalar(value) { scalars.insert(scalar) }
        }
        return scalars
    }

    /// The font cut to the characters of `text` (see ``scalars(in:)``), renamed ``familyName``.
    public func subset(for text: String) -> Data {
        subsetter.subset(keeping: Self.scalars(in: text), naming: TrueTypeSubsetter.Naming(
            family: Self.familyName, licence: licence, licenceURL: isOpenFontLicense ? Self.openFontLicenseURL : nil))
    }

    /// Whether ``licence`` is the SIL Open Font License.
    private var isOpenFontLicense: Bool { licence?.contains("SIL Open Font License") == true }

    /// An `@font-face` rule for ``familyName`` whose source is the subset for `text` as a
    /// `data:font/ttf;base64,…` URL, after a comment naming the font and its licence.
    public func embeddedFaceCSS(for text: String) -> String {
        let scalars = Self.scalars(in: text)
        let covered = subsetter.coveredScalars(scalars).count
        let data = subset(for: text)
        let source = Self.commentSafe(fullName.map { "\($0) (\(name))" } ?? name)
        // No address with a scheme: the document names nothing it could fetch (the font's name table has the licence's URL).
        let notice = licence.map { Self.commentSafe($0) + (isOpenFontLicense ? " Its text: openfontlicense.org." : "") }
            ?? "Licence: see the font's name table."
        return "/* \(Self.familyName): \(source), cut to the \(covered) characters of this report it has "
            + "(\(data.count) bytes). \(notice) */\n"
            + "@font-face { font-family: \"\(Self.familyName)\"; src: url(data:font/ttf;base64,\(data.base64EncodedString())) "
            + "format(\"truetype\"); font-weight: 400; font-style: normal; font-display: block; }\n"
    }

    /// `text` without what could end a CSS comment (`*`) or the style element (`<`), and without controls.
    private static func commentSafe(_ text: String) -> String {
        String(text.unicodeScalars.filter { !"*<>".unicodeScalars.contains($0) && $0.value >= 0x20 }.map(Character.init))
    }
}
