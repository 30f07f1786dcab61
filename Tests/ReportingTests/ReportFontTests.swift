// The embedded Korean font: found or not, cut to the document it is in, and named in the style sheet.
import Testing
import Foundation
@testable import Reporting

@Suite("Report font")
struct ReportFontTests {
    static func builtFont() throws -> ReportFont { try ReportFont(data: TestFont.make(), name: "test.ttf") }

    /// The font inside `html`'s `@font-face`, decoded.
    static func embeddedFont(_ html: String) throws -> TrueTypeFont {
        let start = try #require(html.range(of: "src: url(data:font/ttf;base64,"))
        let end = try #require(html.range(of: ")", range: start.upperBound..<html.endIndex))
        let data = try #require(Data(base64Encoded: String(html[start.upperBound..<end.lowerBound])))
        return try TrueTypeFont(bytes: Array(data))
    }

    @Test("With a font, the HTML embeds one @font-face and names HaechiKR first", arguments: ReportLanguage.allCases)
    func embedsFace(language: ReportLanguage) throws {
        let html = HTMLReportRenderer(language: language, font: try Self.builtFont()).render(SampleReport.make())
        #expect(html.components(separatedBy: "@font-face").count - 1 == 1)
        #expect(html.contains("body { font-family: \"HaechiKR\", \"Noto Sans CJK KR\""))
        #expect(html.contains("Consolas, \"HaechiKR\", monospace"))
        #expect(html.contains("/* HaechiKR: Test Sans (test.ttf), cut to the 4 characters of this report it has"))
        let font = try Self.embeddedFont(html)
        #expect(font.checksumProblems() == [])
        #expect(Set(font.characterMap.keys) == [0x41, 0x42, 0x43, 0x44])  // all the built font has of the report's characters
        // Still self-contained: the only url(...) are clip paths and the font's data URL.
        var rest = html[...]
        while let range = rest.range(of: "url(") {
            #expect(rest[range.upperBound...].hasPrefix("#") || rest[range.upperBound...].hasPrefix("data:font/ttf;base64,"))
            rest = rest[range.upperBound...]
        }
        for forbidden in ["http://fonts", "https://fonts", "<link", "@import", "<script"] { #expect(!html.contains(forbidden)) }
        #expect(html == HTMLReportRenderer(language: language, font: try Self.builtFont()).render(SampleReport.make()))
    }

    @Test("Without a font, no @font-face and no HaechiKR", arguments: ReportLanguage.allCases)
    func noFace(language: ReportLanguage) {
        let html = HTMLReportRenderer(language: language).render(SampleReport.make())
        #expect(!html.contains("@font-face") && !html.contains("HaechiKR") && !html.contains("data:"))
        #expect(html.contains("body { font-family: \"Noto Sans CJK KR\""))
    }

    @Test("Printed pages are numbered in the report's language")
    func pageNumbers() {
        let render = { (language: ReportLanguage) in HTMLReportRenderer(language: language).render(SampleReport.make()) }
        #expect(render(.ko).contains(#"@bottom-center { content: counter(page) " / " counter(pages) " 쪽";"#))
        #expect(render(.en).contains(#"@bottom-center { content: "Page " counter(page) " of " counter(pages);"#))
        #expect(render(.both).contains(#"content: counter(page) " / " counter(pages) " 쪽 · Page " counter(page) " of " counter(pages);"#))
    }

    @Test("The subset is cut from the finished document: every character NanumGothic has is in it",
          .enabled(if: TestFont.nanumInstalled, "fonts-nanum is not installed"), arguments: ReportLanguage.allCases)
    func coversDocument(language: ReportLanguage) throws {
        let font = try ReportFont(contentsOfFile: TestFont.nanumPath)
        var report = SampleReport.make()
        report.conditions.append("바람 없음 — 맑음 · 기온 12 °C")  // text from the run, not in any label
        let html = HTMLReportRenderer(language: language, font: font).render(report)
        let embedded = try Self.embeddedFont(html)
        let source = try TrueTypeFont(bytes: Array(try Data(contentsOf: URL(fileURLWithPath: TestFont.nanumPath))))
        let faceStart = try #require(html.range(of: "/* HaechiKR"))
        let faceEnd = try #require(html.range(of: "font-display: block; }\n"))
        let document = String(html[..<faceStart.lowerBound]) + String(html[faceEnd.upperBound...])
        var missing: [String] = []
        for scalar in ReportFont.scalars(in: document) where source.glyphID(for: scalar) != nil {
            if embedded.glyphID(for: scalar) == nil { missing.append("U+\(String(scalar.value, radix: 16))") }
        }
        #expect(missing.isEmpty, "not embedded: \(missing)")
        for scalar in "바람없음맑기온".unicodeScalars { #expect(embedded.glyphID(for: scalar) != nil) }
        #expect(embedded.characterMap.count < 600)
        #expect(html.contains("SIL Open Font License") && html.contains("openfontlicense.org"))
        #expect(!html.contains("http://") && !html.contains("https://"))  // nothing a reader's browser could fetch
    }

    @Test("The characters of a document: its scalars, its numeric references, printable ASCII; no controls")
    func scalars() {
        let scalars = ReportFont.scalars(in: "가&#160;나&#x2014;&#xZZ;&#99999999999;\n")
        #expect(scalars.contains("가") && scalars.contains("\u{A0}") && scalars.contains("\u{2014}"))
        #expect(scalars.contains("~") && scalars.contains(" ") && !scalars.contains("\n"))
        #expect(scalars.count == 95 + 4)  // ASCII 0x20–0x7E, 가, 나, NBSP, em dash
    }

    @Test("locate: the environment's font, then the search paths, else none; a bad font is an error")
    func locate() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("haechi-font-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let good = folder.appendingPathComponent("good.ttf"), bad = folder.appendingPathComponent("bad.ttf")
        try TestFont.make().write(to: good)
        try Data("not a font".utf8).write(to: bad)

        #expect(try ReportFont.locate(environment: [:], searchPaths: []) == nil)
        #expect(try ReportFont.locate(environment: [:], searchPaths: [folder.appendingPathComponent("none.ttf").path]) == nil)
        #expect(try ReportFont.locate(environment: [:], searchPaths: ["/nonexistent.ttf", good.path])?.name == "good.ttf")
        #expect(try ReportFont.locate(environment: [ReportFont.environmentVariable: good.path], searchPaths: [])?.fullName == "Test Sans")
        let unreadable = #expect(throws: ReportingError.self) {
            try ReportFont.locate(environment: [ReportFont.environmentVariable: folder.appendingPathComponent("none.ttf").path])
        }
        #expect(unreadable?.message.contains(ReportFont.environmentVariable) == true && unreadable?.code == .invalidFont)
        let notFont = #expect(throws: ReportingError.self) {
            try ReportFont.locate(environment: [ReportFont.environmentVariable: bad.path])
        }
        #expect(notFont?.message.contains("bad.ttf") == true)
        if TestFont.nanumInstalled {
            let nanum = try #require(try ReportFont.locate(environment: [:]))
            #expect(nanum.name == "NanumGothic.ttf" && nanum.licence == ReportFont.nanumLicence)
        }
    }
}
