// `haechi verify`: a report folder checked against its manifest, a trust store of officers' keys and the run log.
import Reporting
import RunLog
import Foundation
public import TestbedConfiguration

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
