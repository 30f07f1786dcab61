// Signing: keys round-trip, a signed report verifies, and any changed byte, field or key fails it.
import Testing
import Foundation
@testable import Reporting

@Suite("Report signing")
struct ReportSignerTests {
    static let keys = ReportSigner.generateKeyPair()

    static func files() throws -> [String: Data] {
        let report = SampleReport.make()
        return [
            "report.html": Data(HTMLReportRenderer().render(report).utf8),
            "report.json": try JSONReportRenderer().data(report),
            "report.md": Data(MarkdownReportRenderer().render(report).utf8),
        ]
    }

    static func sign(_ files: [String: Data]) throws -> SignedManifest {
        try ReportSigner.sign(files: files, recordingSHA256: SampleReport.make().recordingSHA256,
                              runLogHeadHash: SampleReport.make().runLogHeadHash, reportID: SampleReport.reportID,
                              privateKey: keys.privatePEM)
    }

    @Test("Key text has the documented armour and reads back")
    func keyText() throws {
        #expect(Self.keys.privatePEM.hasPrefix("-----BEGIN HAECHI ED25519 PRIVATE KEY-----\n"))
        #expect(Self.keys.privatePEM.hasSuffix("\n-----END HAECHI ED25519 PRIVATE KEY-----\n"))
        #expect(Self.keys.publicPEM.hasPrefix("-----BEGIN HAECHI ED25519 PUBLIC KEY-----\n"))
        let privateKey = try ReportSigningKey(pem: Self.keys.privatePEM)
        #expect(privateKey.pem == Self.keys.privatePEM)
        #expect(privateKey.publicKey.pem == Self.keys.publicPEM)
        let publicKey = try ReportVerifyingKey(text: Self.keys.publicPEM)
        #expect(try ReportVerifyingKey(text: publicKey.base64) == publicKey)
        #expect(publicKey.rawRepresentation.count == 32 && publicKey.fingerprint.count == 64)
        // CRLF line ends and surrounding space are fine.
        let crlf = "  \n" + Self.keys.privatePEM.replacingOccurrences(of: "\n", with: "\r\n")
        #expect(try ReportSigningKey(pem: crlf).pem == Self.keys.privatePEM)
        #expect(ReportSigner.generateKeyPair().privatePEM != Self.keys.privatePEM)
    }

    @Test("Unreadable keys give clear errors", arguments: [
        ("", "expected"),
        ("-----BEGIN HAECHI ED25519 PUBLIC KEY-----\nAAAA\n-----END HAECHI ED25519 PUBLIC KEY-----\n", "this is a public key"),
        ("-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\n", "unsupported key format"),
        ("-----BEGIN HAECHI ED25519 PRIVATE KEY-----\n%%%\n-----END HAECHI ED25519 PRIVATE KEY-----\n", "not valid base64"),
        ("-----BEGIN HAECHI ED25519 PRIVATE KEY-----\nAAAA\n-----END HAECHI ED25519 PRIVATE KEY-----\n", "32 bytes; this one is 3"),
    ])
    func badPrivateKeys(text: String, message: String) {
        #expect {
            _ = try ReportSigningKey(pem: text)
        } throws: { error in
            guard let error = error as? ReportingError else { return false }
            return error.code == .invalidKey && error.message.contains(message)
        }
    }

    @Test("A public key reader refuses a private key")
    func privateKeyAsPublic() {
        #expect(throws: ReportingError.self) { _ = try ReportVerifyingKey(text: Self.keys.privatePEM) }
        #expect(throws: ReportingError.self) { _ = try ReportVerifyingKey(text: "not base64!") }
    }

    @Test("A signed report verifies, with and without the trusted key, also after a JSON round trip")
    func roundTrip() throws {
        let files = try Self.files()
        let manifest = try Self.sign(files)
        #expect(manifest.files.map(\.name) == ["report.html", "report.json", "report.md"])
        #expect(manifest.files[1].sha256 == ReportSigner.sha256Hex(files["report.json"]!))
        #expect(manifest.publicKey == (try ReportVerifyingKey(text: Self.keys.publicPEM)).base64)
        #expect(manifest.recordingSHA256 == SampleReport.make().recordingSHA256)
        #expect(ReportSigner.verify(manifest: manifest, files: files, trustedPublicKey: nil).isEmpty)
        #expect(ReportSigner.verify(manifest: manifest, files: files, trustedPublicKey: Self.keys.publicPEM).isEmpty)
        #expect(ReportSigner.verify(manifest: manifest, files: files, trustedPublicKey: manifest.publicKey).isEmpty)
        // Written and read back, as report.signature.json; that file itself may sit among the files.
        let written = try manifest.jsonData()
        let read = try SignedManifest(jsonData: written)
        #expect(read == manifest)
        var withManifest = files
        withManifest[SignedManifest.fileName] = written
        #expect(ReportSigner.verify(manifest: read, files: withManifest, trustedPublicKey: Self.keys.publicPEM).isEmpty)
    }

    @Test("Every single-byte change anywhere in a signed file fails verification")
    func everyByteFlip() throws {
        let small = Data("시험성적서 HAECHI report: Pd 0.94 [0.83, 0.99]\n".utf8)
        let files = ["report.md": small, "report.json": Data("{}\n".utf8)]
        let manifest = try Self.sign(files)
        #expect(ReportSigner.verify(manifest: manifest, files: files, trustedPublicKey: Self.keys.publicPEM).isEmpty)
        for position in 0..<small.count {
            for flip: UInt8 in [0x01, 0x80, 0xFF] {
                var changed = small
                changed[position] ^= flip
                var tampered = files
                tampered["report.md"] = changed
                let problems = ReportSigner.verify(manifest: manifest, files: tampered, trustedPublicKey: Self.keys.publicPEM)
                #expect(problems.map(\.code) == [.changedFile] && problems.first?.file == "report.md",
                        "byte \(position) ^ \(flip) went unnoticed")
            }
        }
        // A byte added or removed.
        for changed in [small + Data([0]), small.dropLast()] {
            var tampered = files
            tampered["report.md"] = changed
            #expect(ReportSigner.verify(manifest: manifest, files: tampered, trustedPublicKey: nil).map(\.code) == [.changedFile])
        }
    }

    @Test("Any changed manifest field breaks the signature", arguments: [
        "format", "algorithm", "reportID", "recordingSHA256", "runLogHeadHash", "fileName", "fileHash", "fileBytes", "fileOrder",
        "fileRemoved", "signature",
    ])
    func tamperedManifest(field: String) throws {
        let files = try Self.files()
        var manifest = try Self.sign(files)
        switch field {
        case "format": manifest.format = "haechi-signature/2"
        case "algorithm": manifest.algorithm = "Ed448"
        case "reportID": manifest.reportID += "-B"
        case "recordingSHA256": manifest.recordingSHA256 = String(repeating: "0", count: 64)
        case "runLogHeadHash": manifest.runLogHeadHash = String(manifest.runLogHeadHash.reversed())
        case "fileName": manifest.files[0].name = "report.htm"
        case "fileHash": manifest.files[2].sha256 = ReportSigner.sha256Hex(Data("forged".utf8))
        case "fileBytes": manifest.files[1].bytes += 1
        case "fileOrder": manifest.files.swapAt(0, 1)
        case "fileRemoved": manifest.files.removeLast()
        case "signature":
            var signature = try #require(Data(base64Encoded: manifest.signature))
            signature[10] ^= 0x01
            manifest.signature = signature.base64EncodedString()
        default: Issue.record("unknown field \(field)")
        }
        let problems = ReportSigner.verify(manifest: manifest, files: files, trustedPublicKey: Self.keys.publicPEM)
        #expect(problems.contains { $0.code == .badSignature }, "\(field): \(problems)")
    }

    @Test("A report re-signed with another key fails against the trusted key")
    func wrongTrustedKey() throws {
        let files = try Self.files()
        let other = ReportSigner.generateKeyPair()
        let forged = try ReportSigner.sign(files: files, recordingSHA256: "x", runLogHeadHash: "y", reportID: "z", privateKey: other.privatePEM)
        // Self-consistent, so only the trusted key catches it.
        #expect(ReportSigner.verify(manifest: forged, files: files, trustedPublicKey: nil).isEmpty)
        #expect(ReportSigner.verify(manifest: forged, files: files, trustedPublicKey: Self.keys.publicPEM).map(\.code) == [.untrustedPublicKey])
        // Swapping in the trusted public key without its private key breaks the signature instead.
        var swapped = forged
        swapped.publicKey = try ReportVerifyingKey(text: Self.keys.publicPEM).base64
        #expect(ReportSigner.verify(manifest: swapped, files: files, trustedPublicKey: Self.keys.publicPEM).map(\.code) == [.badSignature])
        // A trusted key that cannot be read is a problem, not a pass.
        #expect(ReportSigner.verify(manifest: forged, files: files, trustedPublicKey: "garbage").map(\.code) == [.unreadableTrustedKey])
    }

    @Test("Missing, extra and unsafe files are reported")
    func fileSet() throws {
        var files = try Self.files()
        var manifest = try Self.sign(files)
        files["report.md"] = nil
        files["extra.html"] = Data("<p>not signed</p>".utf8)
        let problems = ReportSigner.verify(manifest: manifest, files: files, trustedPublicKey: nil)
        #expect(problems.map(\.code) == [.missingFile, .unlistedFile])
        #expect(problems.map(\.file) == ["report.md", "extra.html"])
        manifest.files.append(SignedManifest.File(name: "../../etc/passwd", sha256: "00", bytes: 0))
        #expect(ReportSigner.verify(manifest: manifest, files: [:], trustedPublicKey: nil).contains { $0.code == .unsafeFileName })
        for bad in ["", ".", "..", "a/b", "a\\b", "x\ny", SignedManifest.fileName] {
            #expect(throws: ReportingError.self) {
                _ = try ReportSigner.sign(files: [bad: Data()], recordingSHA256: "", runLogHeadHash: "", reportID: "r",
                                          privateKey: Self.keys.privatePEM)
            }
        }
    }

    @Test("The canonical form is sorted, compact JSON without the signature")
    func canonicalForm() {
        let manifest = SignedManifest(reportID: "R-1 \"q\"\n", files: [SignedManifest.File(name: "b.md", sha256: "ab", bytes: 3)],
                                      recordingSHA256: "cd", runLogHeadHash: "ef", publicKey: "PK", signature: "SIG")
        #expect(manifest.canonicalSignedText == #"{"algorithm":"Ed25519","files":[{"bytes":3,"name":"b.md","sha256":"ab"}],"#
                + #""format":"haechi-signature/1","publicKey":"PK","recordingSHA256":"cd","reportID":"R-1 \"q\"\n","#
                + #""runLogHeadHash":"ef"}"#)
        #expect(CanonicalJSON.string("\u{01}é\t").text == "\"\\u0001é\\t\"")
    }

    @Test("Signing is reproducible: Ed25519 signatures here are deterministic")
    func deterministic() throws {
        let files = try Self.files()
        #expect(try Self.sign(files) == Self.sign(files))
    }

    @Test("A manifest file that is not JSON gives a clear error")
    func badManifest() {
        #expect { _ = try SignedManifest(jsonData: Data("not json".utf8)) } throws: { error in
            (error as? ReportingError)?.code == .invalidManifest
        }
    }
}
