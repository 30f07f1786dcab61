// Printing an HTML report to PDF with headless Chromium: a missing, failing or hanging browser, and a real one.
import Testing
import Foundation
@testable import TestbedRuntime
import TestbedConfiguration

@Suite("Report PDF printer")
struct ReportPDFPrinterTests {
    static let chromium = "/usr/bin/chromium"

    @Test("Without Chromium, --pdf says which package to install")
    func missingChromium() {
        let error = #expect(throws: RuntimeError.self) { try ReportPDFPrinter.locate(environment: [:], candidates: ["/nonexistent/chromium"]) }
        #expect(error?.message.contains("install the Debian package 'chromium'") == true)
        let named = #expect(throws: RuntimeError.self) {
            try ReportPDFPrinter.locate(environment: [ReportPDFPrinter.environmentVariable: "/nonexistent/chrome"])
        }
        #expect(named?.message.contains(ReportPDFPrinter.environmentVariable) == true)
    }

    @Test("A browser that fails or hangs is reported, with what it said, and stopped")
    func failingBrowser() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("haechi-pdf-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let failing = folder.appendingPathComponent("failing"), hanging = folder.appendingPathComponent("hanging")
        try "#!/bin/sh\necho 'no display here' >&2\nexit 3\n".write(to: failing, atomically: true, encoding: .utf8)
        try "#!/bin/sh\nexec sleep 30\n".write(to: hanging, atomically: true, encoding: .utf8)
        for script in [failing, hanging] { try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path) }
        let failed = #expect(throws: RuntimeError.self) {
            try ReportPDFPrinter(executable: failing.path).print(html: Data("<p>x</p>".utf8), name: "report.en")
        }
        #expect(failed?.message.contains("exit status 3") == true && failed?.message.contains("no display here") == true)
        let started = Date()
        let hung = #expect(throws: RuntimeError.self) {
            try ReportPDFPrinter(executable: hanging.path, timeout: .seconds(1)).print(html: Data("<p>x</p>".utf8), name: "report.en")
        }
        #expect(hung?.message.contains("within 1 s") == true && Date().timeIntervalSince(started) < 10)
    }

    @Test("Headless Chromium prints an A4 PDF", .enabled(if: FileManager.default.isExecutableFile(atPath: chromium), "chromium is not installed"))
    func printsPDF() throws {
        let html = "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><style>@page { size: A4; margin: 14mm; }</style></head>"
            + "<body><p>Page one</p></body></html>"
        let pdf = try ReportPDFPrinter(executable: Self.chromium).print(html: Data(html.utf8), name: "report.en")
        #expect(pdf.starts(with: Data("%PDF-".utf8)))
        // A4, 210 × 297 mm: 595.3 × 841.9 points (Chromium rounds to whole CSS pixels: 594.96).
        let text = String(decoding: pdf, as: UTF8.self)
        let box = try #require(text.range(of: "/MediaBox [").flatMap { start in
            text[start.upperBound...].split(separator: "]", maxSplits: 1).first.map { $0.split(separator: " ").compactMap { Double($0) } }
        })
        #expect(box.count == 4 && abs(box[2] - 595.3) < 1 && abs(box[3] - 841.9) < 1, "MediaBox \(box)")
    }
}
