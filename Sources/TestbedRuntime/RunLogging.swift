// What Haechi writes to the run log, and the `haechi runs` views of it.
public import RunLog
import SessionRecording
import TelemetryIngest
import Reporting
import Crypto
import TelemetryModel
import Foundation
public import TestbedConfiguration

/// The run log's entries for Haechi's runs and evaluations.
///
/// An ingest run is logged twice: `run-start` once it has started (so a run killed with `kill -9`,
/// crashed or cut off by a power loss is still in the log), and `recording` when it has finalised
/// its file (with the file's SHA-256), or `run-failed` when writing the recording failed. Reports
/// add `draft`, and `haechi sign` adds `signature`.
public enum RunLogging {
    /// The entry a run makes as it starts.
    public static let runStartKind = "run-start"
    /// The entry a run makes when it has finalised its recording: the run's record, which reports
    /// and campaigns look up.
    public static let recordingKind = "recording"
    /// The entry a run makes when it stopped because writing its recording failed.
    public static let runFailedKind = "run-failed"

    /// The run log of a recordings folder.
    static func logPath(recordDirectory: String) -> String {
        (recordDirectory as NSString).appendingPathComponent("runlog.sqlite")
    }

    /// The run id of a recording: its file name without `.mcap`.
    static func runID(recording path: String) -> String {
        ((path as NSString).lastPathComponent as NSString).deletingPathExtension
    }

    /// SHA-256 of the config a run used: the ingest config's text, then the tracker config's, if any.
    public static func configHash(configText: String, trackerText: String?) -> String {
        RunLog.sha256Hex(Data((configText + "\n--- tracker ---\n" + (trackerText ?? "")).utf8))
    }

    /// Logs a run as it starts: run id, the recording it writes (no SHA-256: the file is still being
    /// written), the config hash, the software version, and the start time (`metrics.started_utc`).
    static func logRunStart(recorder: SessionRecorder, configuration: IngestConfiguration, started: Timestamp,
                            log path: String, signingKey: ReportSigningKey?) throws(RuntimeError) {
        try appendRunEntry(kind: runStartKind, recorder: recorder, configuration: configuration, sources: [], recordingSHA256: nil,
                           metrics: ["started_utc": RunProvenance.utc(started)], log: path, signingKey: signingKey)
    }

    /// Logs a run that stopped because writing its recording failed: the file (unfinished, so no
    /// SHA-256), the frames recorded and lost, and the failure.
    static func logRunFailure(recorder: SessionRecorder, configuration: IngestConfiguration, statistics: IngestStatistics,
                              failure: String, log path: String, signingKey: ReportSigningKey?) throws(RuntimeError) {
        try appendRunEntry(kind: runFailedKind, recorder: recorder, configuration: configuration, sources: statistics.sources.keys.sorted(),
                           recordingSHA256: nil,
                           metrics: ["frames_recorded": recorder.framesRecorded, "frames_lost": recorder.framesLost, "failure": failure],
                           log: path, signingKey: signingKey)
    }

    /// Logs a finished recording: run id, sources, the file and its SHA-256, the config hash and the
    /// software version.
    static func logRecording(recorder: SessionRecorder, configuration: IngestConfiguration, statistics: IngestStatistics,
                             log path: String, signingKey: ReportSigningKey?) throws(RuntimeError) {
        guard let sha = RunLog.sha256Hex(file: recorder.path) else {
            throw RuntimeError(code: .io, file: recorder.path, message: "cannot read the recording back to hash it")
        }
        try appendRunEntry(kind: recordingKind, recorder: recorder, configuration: configuration, sources: statistics.sources.keys.sorted(),
                           recordingSHA256: sha, metrics: ["frames_recorded": recorder.framesRecorded], log: path, signingKey: signingKey)
    }

    /// The one way a run's entry (start, failure, finished recording) goes into the run log: its run
    /// id and recording from `recorder`, the config hash, the software version, `metrics` as sorted JSON.
    private static func appendRunEntry(kind: String, recorder: SessionRecorder, configuration: IngestConfiguration, sources: [String],
                                       recordingSHA256: String?, metrics: [String: Any], log path: String,
                                       signingKey: ReportSigningKey?) throws(RuntimeError) {
        let metricsJSON = String(decoding: (try? JSONSerialization.data(withJSONObject: metrics, options: [.sortedKeys, .withoutEscapingSlashes]))
                                 ?? Data("{}".utf8), as: UTF8.self)
        do {
            try RunLog(path: path).append(RunLogRecord(
                kind: kind, runID: runID(recording: recorder.path), sources: sources,
                recordingPath: relative(recorder.path, toFolderOf: path), recordingSHA256: recordingSHA256,
                configSHA256: configHash(configText: configuration.text, trackerText: configuration.tracking.trackerText),
                softwareVersion: HaechiVersion.version, softwareCommit: HaechiVersion.commit, metrics: metricsJSON), signingKey: signingKey?.key)
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

    /// `haechi runs list`: one line per entry. A `run-start` entry also says how its run ended:
    /// `ended (entry N)`, `failed (entry N)`, `running` (an ingest still holds its recording), or
    /// `NEVER ENDED` (killed or crashed: the recording was never finalised).
    public static func list(log path: String) throws(RuntimeError) -> String {
        let log = try open(path)
        let entries = try wrap(path) { () throws(RunLogError) in try log.entries() }
        if entries.isEmpty { return "the run log \(path) is empty\n" }
        var out = "seq  kind        run                          plan                 logged (UTC)              hash              status\n"
        for e in entries {
            var line = [String(e.sequence).padding(toLength: 4, withPad: " ", startingAt: 0), e.kind.padding(toLength: 11, withPad: " ", startingAt: 0),
                        e.runID.padding(toLength: 28, withPad: " ", startingAt: 0), (e.plan ?? "-").padding(toLength: 20, withPad: " ", startingAt: 0),
                        e.loggedUTC.padding(toLength: 25, withPad: " ", startingAt: 0), String(e.hash.prefix(16))].joined(separator: " ")
            if e.kind == runStartKind { line += " " + runStatus(of: e, in: entries, log: log) }
            out += line + "\n"
        }
        return out
    }

    /// `haechi runs list --json`: the entries as a JSON array, one object each (`seq`, `kind`,
    /// `run_id`, `plan`, `logged_utc`, `hash`, and for a run's start its `status`).
    public static func listJSON(log path: String) throws(RuntimeError) -> String {
        let log = try open(path)
        let entries = try wrap(path) { () throws(RunLogError) in try log.entries() }
        let objects = entries.map { e -> String in
            var w = JSONObjectWriter()
            w.field("seq", e.sequence)
            w.field("kind", e.kind)
            w.field("run_id", e.runID)
            if let plan = e.plan { w.field("plan", plan) } else { w.null("plan") }
            w.field("logged_utc", e.loggedUTC)
            w.field("hash", e.hash)
            if e.kind == runStartKind { w.field("status", runStatus(of: e, in: entries, log: log)) }
            return w.json
        }
        return "[" + objects.joined(separator: ",\n") + "]\n"
    }

    /// How the run a `run-start` entry opened ended, as `runs list` shows it.
    static func runStatus(of start: RunLogEntry, in entries: [RunLogEntry], log: RunLog) -> String {
        if let end = entries.first(where: { $0.sequence > start.sequence && $0.runID == start.runID
                                              && ($0.kind == recordingKind || $0.kind == runFailedKind) }) {
            return "\(end.kind == recordingKind ? "ended" : "failed") (entry \(end.sequence))"
        }
        guard let named = start.recordingPath else { return "NEVER ENDED (killed or crashed)" }
        let recording = log.resolve(named)
        if SessionFiles.isBeingWritten(recording) { return "running" }
        return "NEVER ENDED (killed or crashed; its recording \(recording) was never finalised: haechi recover rebuilds it)"
    }

    /// The run a report or campaign names by id: its `recording` entry's file. A run that started but
    /// has no such entry gets an error that says what happened to it.
    static func recordingPath(ofRun runID: String, log path: String) throws(RuntimeError) -> String {
        let runLog = try open(path)
        let entries = try wrap(path) { () throws(RunLogError) in try runLog.entries(run: runID) }
        if let recording = entries.first(where: { $0.kind == recordingKind })?.recordingPath {
            return runLog.resolve(recording)
        }
        if let start = entries.first(where: { $0.kind == runStartKind }) {
            let file = start.recordingPath.map { runLog.resolve($0) } ?? "its recording"
            let how = entries.contains { $0.kind == runFailedKind } ? "failed (writing its recording failed)"
                : SessionFiles.isBeingWritten(file) ? "has not ended yet" : "never ended (it was killed or crashed)"
            throw RuntimeError(code: .io, file: path, message: "run '\(runID)' started (entry \(start.sequence)) but \(how): \(file) "
                               + "was never finalised; rebuild it with haechi recover and name the recovered file instead")
        }
        throw RuntimeError(code: .io, file: path, message: "no recorded run '\(runID)' in the run log (haechi runs list shows them)")
    }

    /// `haechi runs show ID`: every entry of a run (or the entry with that sequence number) as JSON.
    public static func show(_ id: String, log path: String, raw: Bool = false) throws(RuntimeError) -> String {
        let log = try open(path)
        var entries = try wrap(path) { () throws(RunLogError) in try log.entries(run: id) }
        if entries.isEmpty, let sequence = Int64(id) { entries = try wrap(path) { () throws(RunLogError) in try log.entries() }.filter { $0.sequence == sequence } }
        guard !entries.isEmpty else { throw RuntimeError(code: .io, file: path, message: "no run or entry '\(id)' in the run log") }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Named as the log's columns are (docs/security.md), snake case like every other JSON Haechi writes.
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let stored = (try? encoder.encode(entries)) ?? Data()
        // `raw`: the columns as stored and hashed. Otherwise the columns that hold JSON text (sources,
        // metrics, verdicts) are shown as the JSON they hold, not as strings inside JSON.
        guard !raw, var rows = (try? JSONSerialization.jsonObject(with: stored)) as? [[String: Any]] else {
            return String(decoding: stored, as: UTF8.self) + "\n"
        }
        for index in rows.indices {
            for column in ["sources", "metrics", "verdicts"] {
                if let text = rows[index][column] as? String, let value = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) {
                    rows[index][column] = value
                }
            }
        }
        let shown = (try? JSONSerialization.data(withJSONObject: rows, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? stored
        return String(decoding: shown, as: UTF8.self) + "\n"
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
        let unlogged = try wrap(path) { () throws(RunLogError) in try log.unloggedRecordings() }
        for recording in unlogged {
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
