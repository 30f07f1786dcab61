// `haechi sign` and `haechi verify`: an officer's signature on a draft report, and its check against
// a trust store of officers' keys, the folder's every file and the run log.
import Reporting
import RunLog
import TelemetryModel
public import Foundation
public import TestbedConfiguration

/// A report folder as it is on disk: its manifest, and every regular file beside it.
struct ReportFolder {
    static let publicKeyName = "report-signing.pub"

    var directory: String
    var manifest: SignedManifest
    /// Every regular file of the folder but the manifest, by name.
    var files: [String: Data]

    /// Reads `directory`. A folder without a manifest is an error; an unreadable one is a problem
    /// (`manifestProblem`), so that `verify` can say so rather than stop.
    static func read(_ directory: String) throws(RuntimeError) -> Result<ReportFolder, RuntimeError> {
        let manifestPath = (directory as NSString).appendingPathComponent(SignedManifest.fileName)
        guard let manifestData = FileManager.default.contents(atPath: manifestPath) else {
            throw RuntimeError(code: .io, file: manifestPath, message: "no signature manifest: not a signed report folder")
        }
        let manifest: SignedManifest
        do { manifest = try SignedManifest(jsonData: manifestData) } catch {
            return .failure(RuntimeError(code: .io, file: manifestPath, message: "the manifest is not readable: \(error.message)"))
        }
        var files: [String: Data] = [:]
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        for name in names where name != SignedManifest.fileName {
            let path = (directory as NSString).appendingPathComponent(name)
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { continue }
            // A folder is content the signature does not cover: listed as an unlisted entry.
            files[name] = isFolder.boolValue ? Data() : (FileManager.default.contents(atPath: path) ?? Data())
        }
        return .success(ReportFolder(directory: directory, manifest: manifest, files: files))
    }

    /// The files the signature must cover: all but the signer's public key beside it, which is a
    /// convenience copy (trust comes from the trust store) and is checked to be the signer's.
    func coveredFiles() -> (files: [String: Data], problems: [String]) {
        var covered = files
        var problems: [String] = []
        if let bytes = covered.removeValue(forKey: Self.publicKeyName) {
            let key = try? ReportVerifyingKey(text: String(decoding: bytes, as: UTF8.self))
            if key?.base64 != manifest.publicKey {
                problems.append("\(Self.publicKeyName): not the public key that signed the manifest")
            }
        }
        return (covered, problems)
    }
}

/// The officers whose signatures a laboratory accepts: a folder of Ed25519 public keys (`*.pub`).
public struct TrustStore: Sendable {
    public var folder: String
    /// Each key's file name (`kim-jiwoo.pub`), by the key's base64.
    public var keys: [String: String]

    /// Reads every `*.pub` in `folder`. A folder that cannot be read, holds no key, or holds a file
    /// that is not a key is an error: a trust store that silently trusts nobody (or anything) is none.
    public static func load(folder: String) throws(RuntimeError) -> TrustStore {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else {
            throw RuntimeError(code: .io, file: folder, message: "cannot read the trust store (a folder of officers' *.pub keys)")
        }
        var keys: [String: String] = [:]
        for name in names.sorted() where name.hasSuffix(".pub") {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw RuntimeError(code: .io, file: path, message: "cannot read the trusted key")
            }
            do { keys[try ReportVerifyingKey(text: text).base64] = name } catch {
                throw RuntimeError(code: .config, file: path, message: "not an Ed25519 public key: \(error.message)")
            }
        }
        guard !keys.isEmpty else { throw RuntimeError(code: .config, file: folder, message: "the trust store holds no *.pub key") }
        return TrustStore(folder: folder, keys: keys)
    }

    /// The trust store a laboratory profile names (`trust_store`).
    public static func load(labProfile path: String) throws(RuntimeError) -> TrustStore {
        let profile = try TestPlan.LabProfile.load(path: path)
        guard let folder = profile.trustStore else {
            throw RuntimeError(code: .config, file: path, field: "trust_store", message: "the laboratory profile names no trust store")
        }
        return try load(folder: folder)
    }
}

/// What `haechi sign` does.
public struct SignOptions: Sendable {
    /// The report folder `haechi report` wrote.
    public var directory: String
    /// The officer's private key, name and role.
    public var keyPath: String
    public var name: String
    public var role: String
    /// The run log the draft is in; the signature is appended to it.
    public var logPath: String
    /// When it is signed; `nil`: now. (A signature's time is the officer's act, not a measurement.)
    public var signedAt: Date?
    /// The range's key, which signs the run-log entry (``RangeKey``; `nil`: the default).
    public var rangeKeyPath: String?

    public init(directory: String, keyPath: String, name: String, role: String, logPath: String, rangeKeyPath: String? = nil,
                signedAt: Date? = nil) {
        self.rangeKeyPath = rangeKeyPath
        self.directory = directory
        self.keyPath = keyPath
        self.name = name
        self.role = role
        self.logPath = logPath
        self.signedAt = signedAt
    }
}

/// What `haechi sign` did.
public struct SignResult: Sendable {
    public var reportID: String
    public var files: [String]
    public var keyFingerprint: String
    public var signedUTC: String
    public var signedKST: String
    /// The run-log entry of the signature.
    public var logSequence: Int64
}

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

/// What `haechi verify` found.
public struct VerifyResult: Sendable {
    public var problems: [String]
    /// What holds, in sentences for the user (who signed, against which store, the run log).
    public var facts: [String]
    public var checkedFiles: Int
    public var recording: String?
}

/// Runs `haechi verify`.
public enum VerifyRunner {
    /// Checks a report folder: every file in it against the signed manifest (a changed file is named,
    /// a file the manifest does not list is a problem), the signature, who signed it (against a trust
    /// store or one trusted key; a draft is never trusted as signed), the referenced recording's
    /// SHA-256, and the run log: the entry the report names, and its signature entry.
    public static func run(directory: String, trustedKeyPath: String?, trustStore: TrustStore?, recordingPath: String?,
                           logPath: String) throws(RuntimeError) -> VerifyResult {
        let folder: ReportFolder
        switch try ReportFolder.read(directory) {
        case .success(let read): folder = read
        case .failure(let error): return VerifyResult(problems: [error.message], facts: [], checkedFiles: 0, recording: nil)
        }
        let manifest = folder.manifest
        var trusted: String?
        if let trustedKeyPath {
            guard let text = try? String(contentsOfFile: trustedKeyPath, encoding: .utf8) else {
                throw RuntimeError(code: .io, file: trustedKeyPath, message: "cannot read the trusted public key")
            }
            trusted = text
        }
        let (covered, keyProblems) = folder.coveredFiles()
        var problems = keyProblems + ReportSigner.verify(manifest: manifest, files: covered, trustedPublicKey: trusted).map(\.description)
        var facts: [String] = []

        // Who signed.
        let fingerprint = (try? ReportVerifyingKey(text: manifest.publicKey))?.fingerprint.prefix(16) ?? "?"
        if manifest.draft != false {
            facts.append("a DRAFT, signed by the range's key \(fingerprint)…, not by an officer")
            if trustStore != nil { problems.append("a draft is not signed by an officer of the trust store (haechi sign)") }
        } else {
            let who = [manifest.signerName, manifest.signerRole].compactMap { $0 }.joined(separator: ", ")
            facts.append("signed by \(who.isEmpty ? "an unnamed signer" : who) at \(manifest.signedAt ?? "an unstated time") with key \(fingerprint)…")
            if let trustStore {
                if let file = trustStore.keys[manifest.publicKey] {
                    facts.append("the key is \(file) in the trust store \(trustStore.folder)")
                } else {
                    problems.append("signed by key \(fingerprint)…, which is not in the trust store \(trustStore.folder)")
                }
            } else if trusted == nil {
                facts.append("the signer was not checked against a trust store (give --trust-store or --lab)")
            }
        }

        // The recording: given, or found through the run log by its hash.
        let log = FileManager.default.fileExists(atPath: logPath) ? try? RunLog(path: logPath) : nil
        let entries = (try? log?.entries()) ?? nil
        var recording = recordingPath
        if recording == nil, let log, let entry = entries?.first(where: { $0.recordingSHA256 == manifest.recordingSHA256 && $0.kind == "recording" })
            ?? entries?.first(where: { $0.recordingSHA256 == manifest.recordingSHA256 }), let named = entry.recordingPath {
            recording = log.resolve(named)
        }
        if let recording {
            if let actual = RunLog.sha256Hex(file: recording) {
                if actual != manifest.recordingSHA256 {
                    problems.append("recording \(recording) has SHA-256 \(actual), the report names \(manifest.recordingSHA256)")
                }
            } else {
                problems.append("recording \(recording) cannot be read")
            }
        } else {
            problems.append("the recording (SHA-256 \(manifest.recordingSHA256)) was not found: give --recording or --log")
        }

        // The run log: the report's own entry, and (signed) the signature's.
        if let entries {
            if let entry = entries.first(where: { $0.hash == manifest.runLogHeadHash }) {
                if entry.recordingSHA256 != manifest.recordingSHA256 {
                    problems.append("run-log entry \(entry.sequence) names another recording than the report")
                } else {
                    facts.append("the report is entry \(entry.sequence) (\(entry.kind)) of the run log \(logPath)")
                }
                if manifest.draft == false {
                    let manifestPath = (directory as NSString).appendingPathComponent(SignedManifest.fileName)
                    let digest = RunLog.sha256Hex(file: manifestPath) ?? ""
                    if let signature = entries.first(where: { $0.kind == "signature" && Self.loggedManifest($0) == digest }) {
                        facts.append("the signature is entry \(signature.sequence) of the run log")
                    } else {
                        problems.append("the run log \(logPath) records no signature of this manifest")
                    }
                }
            } else {
                problems.append("the run log \(logPath) has no entry \(manifest.runLogHeadHash.prefix(16))… that the report names")
            }
        } else {
            facts.append("no run log at \(logPath): the report's run-log entry was not checked")
        }
        return VerifyResult(problems: problems, facts: facts, checkedFiles: covered.count, recording: recording)
    }

    /// The signed manifest's SHA-256 that a `signature` entry records.
    static func loggedManifest(_ entry: RunLogEntry) -> String? {
        let object = try? JSONSerialization.jsonObject(with: Data(entry.metrics.utf8)) as? [String: Any]
        return object?["manifest_sha256"] as? String
    }
}
