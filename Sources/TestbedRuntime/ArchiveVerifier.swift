// `haechi archive verify`: the archive and the store checked on their own, as a second lab would.
import Archive
import RunLog
import Reporting
import Crypto
import Foundation
public import TestbedConfiguration

/// Checks an archive from nothing but the database and the store: every range's chain, every
/// signature (against the given range keys), every stored recording's content, every report
/// manifest's signature and what it quotes.
public enum ArchiveVerifier {
    public static func verify(configPath: String, keyPaths: [String]) throws(RuntimeError) -> ArchiveVerification {
        var keys: [Curve25519.Signing.PublicKey] = []
        for path in keyPaths {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw RuntimeError(code: .io, file: path, message: "cannot read the range's public key")
            }
            do {
                let key = try ReportVerifyingKey(text: text)
                keys.append(try Curve25519.Signing.PublicKey(rawRepresentation: key.rawRepresentation))
            } catch {
                throw RuntimeError(code: .config, file: path, message: "not a public key: \(error)")
            }
        }
        let (settings, archive) = try ArchiveRunner.open(configPath: configPath)
        let store = try ArchiveRunner.store(settings, configPath: configPath)
        var result = ArchiveVerification()
        result.facts.append(keys.isEmpty ? "no range key given: each signature is checked against its own signer only (give --key RANGE.pub)"
                                         : "entries from each range's first signed one must be signed by one of \(keys.count) given key(s)")
        var hashes: [String: Set<String>] = [:]
        var loggedRecordings: [(range: String, sequence: Int64, sha256: String)] = []
        for range in try ArchiveRunner.wrap({ () throws(ArchiveError) in try archive.ranges() }) {
            let entries = try ArchiveRunner.wrap { () throws(ArchiveError) in try archive.entries(range: range) }
            result.ranges[range] = .init(entries: entries.count, head: entries.last?.hash ?? RunLog.genesis)
            result.problems += RunLog.chainProblems(entries, trustedKeys: keys).map { "range \(range): \($0)" }
            let unsigned = entries.prefix { $0.signature == nil }.count
            if unsigned > 0 { result.facts.append("range \(range): entries 1–\(unsigned) are unsigned") }
            hashes[range] = Set(entries.map(\.hash))
            // The time an entry is filed under is the archive's copy of its logged time; a copy edited
            // would move the entry in or out of a campaign's period unseen.
            let filed = try ArchiveRunner.wrap { () throws(ArchiveError) in try archive.filedTimes(range: range) }
            let parser = ISO8601DateFormatter()
            parser.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            for entry in entries {
                guard let logged = parser.date(from: entry.loggedUTC)?.timeIntervalSince1970, let at = filed[entry.sequence],
                      abs(logged - at) < 0.001 else {
                    result.problems.append("range \(range): entry \(entry.sequence): it is filed under another time than it was logged at")
                    continue
                }
            }
            for entry in entries where entry.kind == RunLogging.recordingKind {
                if let sha = entry.recordingSHA256 { loggedRecordings.append((range, entry.sequence, sha)) }
            }
        }
        let recordings = try ArchiveRunner.wrap { () throws(ArchiveError) in try archive.recordings() }
        let stored = Set(recordings.map(\.sha256))
        for (range, sequence, sha) in loggedRecordings where !stored.contains(sha) {
            result.problems.append("range \(range): entry \(sequence): its recording \(sha.prefix(16))… is not in the archive")
        }
        for recording in recordings {
            result.recordingsChecked += 1
            guard let path = store.path(sha256: recording.sha256) else {
                result.problems.append("recording '\(recording.sha256.prefix(80))': not a SHA-256, so not a name in the store")
                continue
            }
            if recording.storedPath != RecordingStore.relativePath(sha256: recording.sha256) {
                result.problems.append("recording \(recording.sha256): registered at \(recording.storedPath), not at its content address")
            }
            guard let actual = store.rehash(sha256: recording.sha256) else {
                result.problems.append("recording \(recording.sha256): missing from the store (\(path))")
                continue
            }
            if actual != recording.sha256 {
                result.problems.append("recording \(recording.sha256): changed in the store (\(path) now has SHA-256 \(actual))")
            }
        }
        for plan in try ArchiveRunner.wrap({ () throws(ArchiveError) in try archive.plans() }) {
            result.plansChecked += 1
            let rebuilt = try? ArchivePlanBundle.plan(plan)
            if rebuilt.map(ArchivePlanBundle.sha256) != plan.sha256 {
                result.problems.append("plan \(plan.sha256.prefix(16))… (\(plan.name)): its text and files do not have its SHA-256: changed in the database")
            }
        }
        for report in try ArchiveRunner.wrap({ () throws(ArchiveError) in try archive.reports() }) {
            result.reportsChecked += 1
            let label = "report manifest \(report.manifestSHA256.prefix(16))… (range \(report.range))"
            if RunLog.sha256Hex(Data(report.manifest.utf8)) != report.manifestSHA256 {
                result.problems.append("\(label): its text does not have the SHA-256 it is stored under")
            }
            guard let manifest = try? SignedManifest(jsonData: Data(report.manifest.utf8)) else {
                result.problems.append("\(label): not a readable manifest")
                continue
            }
            // The report's files stay with the report; the manifest's own signature and what it quotes are checked here.
            for problem in ReportSigner.verify(manifest: manifest, files: [:], trustedPublicKey: nil) where problem.code != .missingFile {
                result.problems.append("\(label): \(problem.description)")
            }
            if hashes[report.range]?.contains(manifest.runLogHeadHash) != true {
                result.problems.append("\(label): the run-log head it quotes (\(manifest.runLogHeadHash.prefix(16))…) is no entry of range \(report.range)")
            }
            if !stored.contains(manifest.recordingSHA256) {
                result.problems.append("\(label): the recording it scored (\(manifest.recordingSHA256.prefix(16))…) is not in the archive")
            }
        }
        return result
    }
}
