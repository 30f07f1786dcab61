// Writes the sample report in every format and language for a person to look at, when asked to.
import Testing
import Foundation
@testable import Reporting

@Suite("Sample output")
struct SampleOutputTests {
    /// `HAECHI_REPORT_SAMPLE_DIR=/tmp/sample swift test --filter SampleOutput` writes report.<lang>.html
    /// (embedding the Korean font ``ReportFont/locate(environment:searchPaths:)`` finds, if any),
    /// report.<lang>.md, report.json, the empty report, a key pair and a signature there.
    @Test("Writes the sample reports to HAECHI_REPORT_SAMPLE_DIR, if set")
    func write() throws {
        guard let folder = ProcessInfo.processInfo.environment["HAECHI_REPORT_SAMPLE_DIR"] else { return }
        let url = URL(fileURLWithPath: folder, isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        var files: [String: Data] = [:]
        let font = try ReportFont.locate()
        for language in ReportLanguage.allCases {
            files["report.\(language.rawValue).html"] = Data(HTMLReportRenderer(language: language, font: font).render(SampleReport.make()).utf8)
            files["report.\(language.rawValue).md"] = Data(MarkdownReportRenderer(language: language).render(SampleReport.make()).utf8)
        }
        files["report.json"] = try JSONReportRenderer().data(SampleReport.make())
        files["empty.html"] = Data(HTMLReportRenderer().render(SampleReport.empty()).utf8)
        let keys = ReportSigner.generateKeyPair()
        let manifest = try ReportSigner.sign(files: files, recordingSHA256: SampleReport.make().recordingSHA256,
                                             runLogHeadHash: SampleReport.make().runLogHeadHash, reportID: SampleReport.reportID,
                                             privateKey: keys.privatePEM)
        files[SignedManifest.fileName] = try manifest.jsonData()
        for (name, data) in files { try data.write(to: url.appendingPathComponent(name)) }
        try Data(keys.publicPEM.utf8).write(to: url.appendingPathComponent("signer.pub"))
    }
}
