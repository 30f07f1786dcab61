// What Haechi writes to the run log, and the `haechi runs` views of it.
public import RunLog
import SessionRecording
import TelemetryIngest
import Reporting
import Crypto
import Foundation

/// The run log's entries for Haechi's runs and evaluations.
public enum RunLogging {
    /// SHA-256 of the config a run used: the ingest config's text, then the tracker config's, if any.
    public static func configHash(configText: String, trackerText: String?) -> String {
        RunLog.sha256Hex(Data((configText + "\n--- tracker ---\n" + (trackerText ?? "")).utf8))
    }

    /// Logs a finished recording: run id, sources, the file and its SHA-256, the config hash and the
    /// software version.
    static func logRecording(recorder: SessionRecorder, configuration: IngestConfiguration, statistics: IngestStatistics,
                             log path: String, signingKey: ReportSigningKey?) throws(RuntimeError) {
        guard let sha = RunLog.sha256Hex(file: recorder.path) else {
            throw RuntimeError(code: .io, file: recorder.path, message: "cannot read the recording back to hash it")
        }
        let runID = ((recorder.path as NSString).lastPathComponent as NSString).deletingPathExtension
        do {
            try RunLog(path: path).append(RunLogRecord(
                kind: "recording", runID: runID, sources: statistics.sources.keys.sorted(),
                recordingPath: relative(recorder.path, toFolderOf: path),
                recordingSHA256: sha, configSHA256: configHash(configText: configuration.text, trackerText: configuration.tracking.trackerText),
                softwareVersion: HaechiVersion.version, softwareCommit: HaechiVersion.commit,
                metrics: "{\"frames_recorded\":\(recorder.framesRecorded)}"), signingKey: signingKey?.key)
        } catch {
            throw RuntimeError(code: .io, file: path, message: error.message)
        }
    }

    /// `file` relative to the folder of `log` when it is inside it (so the folder can move), else absolute.
    static func relative(_ file: String, toFolderOf log: String) -> String {
        let folder = URL(fileURLWithPath: log).deletingLastPathComponent().standardized.path
        let absolute = URL(fileURLWithPath: file).standardized.path
        return absolute.hasPrefix(folder + "/") ? String(absolute.dropFirst(folder.count + 1)) : absolute
    }

    /// `haechi runs list`: one line per entry.
    public static func list(log path: String) throws(RuntimeError) -> String {
        let log = try open(path)
        let entries = try wrap(path) { () throws(RunLogError) in try log.entries() }
        if entries.isEmpty { return "the run log \(path) is empty\n" }
        var out = "seq  kind        run                          plan                 logged (UTC)              hash\n"
        for e in entries {
            out += [String(e.sequence).padding(toLength: 4, withPad: " ", startingAt: 0), e.kind.padding(toLength: 11, withPad: " ", startingAt: 0),
                    e.runID.padding(toLength: 28, withPad: " ", startingAt: 0), (e.plan ?? "-").padding(toLength: 20, withPad: " ", startingAt: 0),
                    e.loggedUTC.padding(toLength: 25, withPad: " ", startingAt: 0), String(e.hash.prefix(16))].joined(separator: " ") + "\n"
        }
        return out
    }

    /// `haechi runs show ID`: every entry of a run (or the entry with that sequence number) as JSON.
    public static func show(_ id: String, log path: String) throws(RuntimeError) -> String {
        let log = try open(path)
        var entries = try wrap(path) { () throws(RunLogError) in try log.entries(run: id) }
        if entries.isEmpty, let sequence = Int64(id) { entries = try wrap(path) { () throws(RunLogError) in try log.entries() }.filter { $0.sequence == sequence } }
        guard !entries.isEmpty else { throw RuntimeError(code: .io, file: path, message: "no run or entry '\(id)' in the run log") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(entries)) ?? Data(), as: UTF8.self) + "\n"
    }

    /// What `haechi runs verify` found.
    public struct Verification: Sendable {
        public var entries: Int
        /// Every problem, one line each (empty: intact).
        public var problems: [String]
        /// What was checked against what, for the user.
        public var facts: [String]
    }

    /// `haechi runs verify`: every entry's hash, link and recording; every entry's signature, against
    /// the range's public key (`trustedKeyPath`, else the default range key's, when there is one);
    /// recordings in the log's folder that no entry names; and, with a checkpoint, that the log still
    /// holds the checkpoint's entry with its hash.
    public static func verify(log path: String, trustedKeyPath: String? = nil, checkpointPath: String? = nil) throws(RuntimeError) -> Verification {
        let log = try open(path)
        var facts: [String] = []
        var trusted: ReportVerifyingKey?
        if let trustedKeyPath {
            guard let text = try? String(contentsOfFile: trustedKeyPath, encoding: .utf8) else {
                throw RuntimeError(code: .io, file: trustedKeyPath, message: "cannot read the range's public key")
            }
            do { trusted = try ReportVerifyingKey(text: text) } catch {
                throw RuntimeError(code: .config, file: trustedKeyPath, message: "not a public key: \(error.message)")
            }
        } else {
            trusted = RangeKey.publicKey(path: nil)
        }
        let curve = trusted.flatMap { try? Curve25519.Signing.PublicKey(rawRepresentation: $0.rawRepresentation) }
        if let trusted {
            facts.append("every entry must be signed by the range's key \(trusted.fingerprint.prefix(16))…"
                         + (trustedKeyPath == nil ? " (\(RangeKey.defaultPath()))" : ""))
        } else {
            facts.append("no range key to check the entries' signatures against (give --key RANGE.pub)")
        }
        let entries = try wrap(path) { () throws(RunLogError) in try log.entries() }
        var problems = try wrap(path) { () throws(RunLogError) in try log.verify(trustedKey: curve) }.map(\.description)
        let legacy = try wrap(path) { () throws(RunLogError) in try log.legacyUnsignedCount() }
        if legacy > 0 {
            facts.append(legacy == entries.count
                         ? "no entry is signed (written before signing, or rewritten unsigned: hold it against a checkpoint)"
                         : "entries 1–\(legacy) are unsigned, from before signing")
        }
        for recording in try wrap(path) { () throws(RunLogError) in try log.unloggedRecordings() } {
            problems.append("recording \(recording) is in the log's folder but in no entry: an entry was removed, or it was put there")
        }
        if let checkpointPath {
            guard let data = FileManager.default.contents(atPath: checkpointPath) else {
                throw RuntimeError(code: .io, file: checkpointPath, message: "cannot read the checkpoint")
            }
            let checkpoint = try wrap(checkpointPath) { () throws(RunLogError) in try RunLogCheckpoint(json: data) }
            problems += checkpoint.problems(entries: entries, trustedKey: curve).map { "checkpoint: \($0)" }
            facts.append("the checkpoint of entry \(checkpoint.sequence), taken \(checkpoint.takenUTC), was held against the log")
        }
        return Verification(entries: entries.count, problems: problems, facts: facts)
    }

    /// `haechi runs checkpoint`: the log's head, signed with the range's key, as one line of JSON.
    public static func checkpoint(log path: String, keyPath: String?) throws(RuntimeError) -> RunLogCheckpoint {
        let log = try open(path)
        let (key, _) = try RangeKey.load(path: keyPath, logPath: path)
        return try wrap(path) { () throws(RunLogError) in try RunLogCheckpoint.take(of: log, key: key.key) }
    }

    static func open(_ path: String) throws(RuntimeError) -> RunLog {
        guard FileManager.default.fileExists(atPath: path) else {
            throw RuntimeError(code: .io, file: path, message: "no run log here (haechi ingest creates it beside its recordings)")
        }
        return try wrap(path) { () throws(RunLogError) in try RunLog(path: path) }
    }

    static func wrap<T>(_ path: String, _ body: () throws(RunLogError) -> T) throws(RuntimeError) -> T {
        do { return try body() } catch { throw RuntimeError(code: .io, file: path, message: error.message) }
    }
}
