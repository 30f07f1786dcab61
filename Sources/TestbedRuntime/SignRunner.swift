// `haechi sign`: an officer's signature on a draft report, rendered again, signed and logged.
import Reporting
import RunLog
import TelemetryModel
import Foundation
public import TestbedConfiguration

/// Runs `haechi sign`: checks the draft, sets the signatory, renders every file again from
/// `report.json`, signs the new manifest with the officer's key, and appends a `signature` entry
/// (the report id, the draft's and the signed manifest's SHA-256, the officer) to the run log.
public enum SignRunner {
    public static func run(_ options: SignOptions) throws(RuntimeError) -> SignResult {
        for (field, value) in [("--name", options.name), ("--role", options.role)] {
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed == value, !value.unicodeScalars.contains(where: { CharacterSet.controlCharacters.contains($0) }),
                  value.count <= 200 else {
                throw RuntimeError(code: .config, field: field, message: "give the officer's \(field.dropFirst(2)) as one line of text")
            }
        }
        guard case .success(let folder) = try ReportFolder.read(options.directory) else {
            throw RuntimeError(code: .io, file: options.directory, message: "the manifest is not readable: not a report to sign")
        }
        let draftManifest = folder.manifest
        guard draftManifest.draft == true else {
            let by = draftManifest.signerName.map { " by \($0)" } ?? ""
            throw RuntimeError(code: .config, file: options.directory, message: "the report is already signed\(by): a signed report is not signed again")
        }
        let (covered, keyProblems) = folder.coveredFiles()
        let problems = keyProblems + ReportSigner.verify(manifest: draftManifest, files: covered, trustedPublicKey: nil).map(\.description)
        guard problems.isEmpty else {
            throw RuntimeError(code: .io, file: options.directory, message: "the draft does not verify, so it is not signed: "
                               + problems.joined(separator: "; "))
        }
        try RangeKey.checkOutsideLog(keyPath: options.keyPath, logPath: options.logPath)
        let key = try RangeKey.read(options.keyPath)   // the officer's key: the same owner and mode checks
        let (rangeKey, _) = try RangeKey.load(path: options.rangeKeyPath, logPath: options.logPath)
        guard let json = covered["report.json"] else {
            throw RuntimeError(code: .io, file: options.directory, message: "no report.json: the report cannot be rendered again to sign")
        }
        var report: ReportData
        do { report = try JSONReportRenderer.decode(json) } catch {
            throw RuntimeError(code: .io, file: options.directory, message: "report.json: \(error.message)")
        }
        guard report.reportID == draftManifest.reportID, report.runLogHeadHash == draftManifest.runLogHeadHash,
              report.recordingSHA256 == draftManifest.recordingSHA256 else {
            throw RuntimeError(code: .io, file: options.directory, message: "report.json does not belong to this manifest")
        }

        // The run log: the draft must be in it, and the signature goes after it.
        let log: RunLog
        do { log = try RunLog(path: options.logPath) } catch { throw RuntimeError(code: .io, file: options.logPath, message: error.message) }
        let entries = try RunLogging.wrap(options.logPath) { () throws(RunLogError) in try log.entries() }
        guard let draftEntry = entries.first(where: { $0.hash == draftManifest.runLogHeadHash }) else {
            throw RuntimeError(code: .io, file: options.logPath, message: "the run log has no entry \(draftManifest.runLogHeadHash.prefix(16))… "
                               + "that the draft names: give the run log the draft was written to (--log)")
        }

        let at = options.signedAt ?? Date()
        let stamp = Timestamp(nanosecondsSinceEpoch: Int64((at.timeIntervalSince1970 * 1e9).rounded()))
        let utc = ReportClock.utc(stamp), kst = ReportClock.kst(stamp)
        report.draft = false
        report.signatory = ReportSignatory(name: options.name, role: options.role, keyFingerprint: key.publicKey.fingerprint,
                                           signedUTC: utc, signedKST: kst)
        report.authorisedBy = options.name
        report.issuedUTC = utc   // the report is issued when an officer signs it; the draft's time is in the run log
        report.issuedKST = kst
        report.authorisedRole = options.role
        let files = try render(report, as: Array(covered.keys))

        let manifest: SignedManifest
        do {
            manifest = try ReportSigner.sign(files: files, recordingSHA256: draftManifest.recordingSHA256,
                                             runLogHeadHash: draftManifest.runLogHeadHash, reportID: draftManifest.reportID,
                                             privateKey: key, planSHA256: draftManifest.planSHA256,
                                             labProfileSHA256: draftManifest.labProfileSHA256, draft: false,
                                             signer: (options.name, options.role, utc))
        } catch {
            throw RuntimeError(code: .io, message: "cannot sign the report: \(error.message)")
        }
        let manifestData: Data
        do { manifestData = try manifest.jsonData() } catch { throw RuntimeError(code: .io, message: error.message) }
        let draftManifestData = FileManager.default.contents(atPath: (options.directory as NSString).appendingPathComponent(SignedManifest.fileName)) ?? Data()
        let metrics: [String: String] = ["report_id": draftManifest.reportID, "draft_manifest_sha256": RunLog.sha256Hex(draftManifestData),
                                         "manifest_sha256": RunLog.sha256Hex(manifestData), "signer_name": options.name,
                                         "signer_role": options.role, "signer_key_sha256": key.publicKey.fingerprint, "signed_utc": utc]
        let metricsJSON = String(decoding: (try? JSONSerialization.data(withJSONObject: metrics, options: [.sortedKeys, .withoutEscapingSlashes]))
                                 ?? Data("{}".utf8), as: UTF8.self)
        let record = RunLogRecord(
            kind: "signature", runID: draftEntry.runID, plan: draftEntry.plan, systemName: draftEntry.systemName,
            systemVersion: draftEntry.systemVersion, systemFirmware: draftEntry.systemFirmware, sources: [],
            recordingPath: draftEntry.recordingPath, recordingSHA256: draftEntry.recordingSHA256, configSHA256: draftEntry.configSHA256,
            softwareVersion: HaechiVersion.version, softwareCommit: HaechiVersion.commit, metrics: metricsJSON, verdicts: draftEntry.verdicts)

        // Every file written beside its final name first; then, in the transaction that appends the
        // signature entry, renamed into place, the manifest last. A file that cannot be written leaves
        // neither an entry nor a changed report; a folder interrupted during the renames fails
        // verification rather than passing as either version.
        var outputs = files
        outputs[ReportFolder.publicKeyName] = Data(key.publicKey.pem.utf8)
        outputs[SignedManifest.fileName] = manifestData
        let order = outputs.keys.sorted().filter { $0 != SignedManifest.fileName } + [SignedManifest.fileName]
        func path(_ name: String) -> String { (options.directory as NSString).appendingPathComponent(name) }
        func staging(_ name: String) -> String { path(".\(name).signing") }
        defer { for name in order { try? FileManager.default.removeItem(atPath: staging(name)) } }
        for name in order {
            do { try outputs[name]!.write(to: URL(fileURLWithPath: staging(name))) } catch {
                throw RuntimeError(code: .io, file: path(name), message: "cannot write the signed report: \(RuntimeError.reason(error))")
            }
        }
        var entry: RunLogEntry?
        var renameFailure: String?
        for _ in 0..<ReportRunner.appendAttempts where entry == nil {
            do {
                let next = try log.nextEntry(record, signingKey: rangeKey.key)
                switch try log.append(exactly: next, publishing: {
                    for name in order where rename(staging(name), path(name)) != 0 {
                        renameFailure = "\(path(name)): \(String(cString: strerror(errno)))"
                        return false
                    }
                    return true
                }) {
                case .appended: entry = next
                case .declined: throw RuntimeError(code: .io, file: options.directory, message: "cannot write the signed report: \(renameFailure ?? "?")")
                case .headMoved: continue
                }
            } catch let error as RunLogError {
                throw RuntimeError(code: .io, file: options.logPath, message: error.message)
            } catch let error as RuntimeError {
                throw error
            } catch {
                throw RuntimeError(code: .io, file: options.logPath, message: "cannot log the signature: \(error)")
            }
        }
        guard let entry else {
            throw RuntimeError(code: .io, file: options.logPath, message: "the run log kept changing while the report was signed; nothing was signed")
        }
        let written = order.map(path)
        return SignResult(reportID: draftManifest.reportID, files: written, keyFingerprint: key.publicKey.fingerprint,
                          signedUTC: utc, signedKST: kst, logSequence: entry.sequence)
    }

    /// Renders `report` again under each of the draft's file names (`report.json`,
    /// `report.<lang>.html|md|pdf`); an unknown name is an error, never a file left unsigned.
    static func render(_ report: ReportData, as names: [String]) throws(RuntimeError) -> [String: Data] {
        var files: [String: Data] = [:]
        let needsFont = names.contains { $0.hasSuffix(".html") || $0.hasSuffix(".pdf") }
        let font: ReportFont?
        do { font = needsFont ? try ReportFont.locate() : nil } catch {
            throw RuntimeError(code: .config, message: "the Korean font for the HTML report: \(error.message)")
        }
        var pdfs: [String] = []
        for name in names.sorted() {
            if name == "report.json" {
                do { files[name] = try JSONReportRenderer().data(report) } catch { throw RuntimeError(code: .io, message: error.message) }
                continue
            }
            let parts = name.split(separator: ".").map(String.init)
            guard parts.count == 3, parts[0] == "report", let language = ReportLanguage(rawValue: parts[1]) else {
                throw RuntimeError(code: .io, file: name, message: "not a file of a Haechi report: it cannot be signed")
            }
            switch parts[2] {
            case "pdf": pdfs.append(name)
            case let ext:
                guard let format = ReportFormat(rawValue: ext), format != .json else {
                    throw RuntimeError(code: .io, file: name, message: "not a file of a Haechi report: it cannot be signed")
                }
                do { files[name] = Data(try format.renderer(language: language, font: font).render(report).utf8) } catch {
                    throw RuntimeError(code: .io, message: "cannot render \(name): \(error.message)")
                }
            }
        }
        if !pdfs.isEmpty {
            let printer = try ReportPDFPrinter.locate()
            for name in pdfs {
                let stem = String(name.dropLast(".pdf".count))
                let html: Data
                if let rendered = files[stem + ".html"] { html = rendered } else {
                    let language = ReportLanguage(rawValue: String(stem.dropFirst("report.".count)))!
                    html = Data(HTMLReportRenderer(language: language, font: font).render(report).utf8)
                }
                files[name] = try printer.print(html: html, name: stem)
            }
        }
        return files
    }
}
