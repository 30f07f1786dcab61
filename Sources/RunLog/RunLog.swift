// The run log: an append-only, hash-chained SQLite table of runs, evaluations and their verdicts.
public import Foundation
import GRDB
public import Crypto

/// One entry of the run log.
///
/// Entries are never changed or removed. Each carries `previousHash`, the hash of the entry before it
/// (64 zeros for the first), and `hash` = SHA-256 over `previousHash` and the entry's canonical
/// content (``canonicalContent``), so editing any entry breaks its own hash and every later link.
public struct RunLogEntry: Sendable, Hashable, Codable {
    /// The position in the log: 1, 2, 3, …
    public var sequence: Int64
    /// What was logged: `recording` (a run recorded by `haechi ingest`) or `evaluation` (a report).
    public var kind: String
    /// The run's id (the recording's name).
    public var runID: String
    /// The test plan, for an evaluation.
    public var plan: String?
    /// The system under test: name, version, firmware.
    public var systemName: String?
    public var systemVersion: String?
    public var systemFirmware: String?
    /// The sources (topics) of the run, as a JSON array.
    public var sources: String
    /// The recording (relative paths are relative to the log's folder) and its SHA-256 (hex).
    public var recordingPath: String?
    public var recordingSHA256: String?
    /// The SHA-256 of the config text the run used.
    public var configSHA256: String
    /// Haechi's version and source commit.
    public var softwareVersion: String
    public var softwareCommit: String
    /// The metrics and verdicts, as JSON objects (`{}` for a recording).
    public var metrics: String
    public var verdicts: String
    /// When it was logged (UTC, ISO 8601).
    public var loggedUTC: String
    /// The hash of the previous entry, and this entry's hash (hex).
    public var previousHash: String
    public var hash: String
    /// The Ed25519 signature over ``signedMessage`` (base64) and the signer's public key (base64 of its
    /// 32 bytes); `nil` for an entry appended without a key (a log from before signing, or a tool).
    public var signature: String? = nil
    public var signer: String? = nil

    /// An entry as stored (the archive reads them back from PostgreSQL with this).
    public init(sequence: Int64, kind: String, runID: String, plan: String?, systemName: String?, systemVersion: String?,
                systemFirmware: String?, sources: String, recordingPath: String?, recordingSHA256: String?, configSHA256: String,
                softwareVersion: String, softwareCommit: String, metrics: String, verdicts: String, loggedUTC: String,
                previousHash: String, hash: String, signature: String? = nil, signer: String? = nil) {
        self.sequence = sequence
        self.kind = kind
        self.runID = runID
        self.plan = plan
        self.systemName = systemName
        self.systemVersion = systemVersion
        self.systemFirmware = systemFirmware
        self.sources = sources
        self.recordingPath = recordingPath
        self.recordingSHA256 = recordingSHA256
        self.configSHA256 = configSHA256
        self.softwareVersion = softwareVersion
        self.softwareCommit = softwareCommit
        self.metrics = metrics
        self.verdicts = verdicts
        self.loggedUTC = loggedUTC
        self.previousHash = previousHash
        self.hash = hash
        self.signature = signature
        self.signer = signer
    }

    /// What an entry's signature covers: a domain tag and the hash (which covers the content and the link).
    public var signedMessage: Data { Data("haechi-runlog-entry/1\n\(hash)".utf8) }

    /// The fields the hash covers, in a fixed order, as one JSON array: a stable byte string whatever
    /// the storage.
    public var canonicalContent: String {
        let fields: [String?] = [String(sequence), kind, runID, plan, systemName, systemVersion, systemFirmware, sources,
                                 recordingPath, recordingSHA256, configSHA256, softwareVersion, softwareCommit, metrics,
                                 verdicts, loggedUTC]
        let data = try! JSONSerialization.data(withJSONObject: fields.map { $0 as Any? ?? NSNull() }, options: [.withoutEscapingSlashes])
        return String(decoding: data, as: UTF8.self)
    }

    /// SHA-256(previousHash ‖ "\n" ‖ canonicalContent), hex.
    public var computedHash: String { RunLog.sha256Hex(Data((previousHash + "\n" + canonicalContent).utf8)) }
}

/// What a new entry holds (the log assigns sequence, time and hashes).
public struct RunLogRecord: Sendable {
    public var kind: String
    public var runID: String
    public var plan: String?
    public var systemName: String?
    public var systemVersion: String?
    public var systemFirmware: String?
    public var sources: [String]
    public var recordingPath: String?
    public var recordingSHA256: String?
    public var configSHA256: String
    public var softwareVersion: String
    public var softwareCommit: String
    public var metrics: String
    public var verdicts: String

    /// A record.
    public init(kind: String, runID: String, plan: String? = nil, systemName: String? = nil, systemVersion: String? = nil,
                systemFirmware: String? = nil, sources: [String], recordingPath: String?, recordingSHA256: String?,
                configSHA256: String, softwareVersion: String, softwareCommit: String, metrics: String = "{}",
                verdicts: String = "{}") {
        self.kind = kind
        self.runID = runID
        self.plan = plan
        self.systemName = systemName
        self.systemVersion = systemVersion
        self.systemFirmware = systemFirmware
        self.sources = sources
        self.recordingPath = recordingPath
        self.recordingSHA256 = recordingSHA256
        self.configSHA256 = configSHA256
        self.softwareVersion = softwareVersion
        self.softwareCommit = softwareCommit
        self.metrics = metrics
        self.verdicts = verdicts
    }
}

/// What ``RunLog/append(exactly:publishing:)`` did.
public enum RunLogAppendOutcome: Sendable, Hashable {
    /// The entry is in the log, and what `publish` did stands.
    case appended
    /// Another entry was appended since the entry was made: nothing was written and `publish` was not
    /// called. Make the entry again (``RunLog/nextEntry(_:loggedAt:)``) and retry.
    case headMoved
    /// `publish` returned `false`: the entry was rolled back.
    case declined
}

/// A problem `verify` found.
public struct RunLogProblem: Sendable, Hashable, CustomStringConvertible {
    /// The entry, by sequence.
    public var sequence: Int64
    /// What is wrong.
    public var message: String
    public var description: String { "entry \(sequence): \(message)" }
}

/// The error of the run log.
public struct RunLogError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The run log at `Replays/runlog.sqlite` (by default): append, list, show, verify.
///
/// Append-only is enforced twice: the API has no update or delete, and SQLite triggers abort any
/// UPDATE or DELETE on the table. Neither stops someone editing the file with other tools, which is
/// what the hash chain is for: ``verify(checkRecordings:)`` recomputes every hash and every link, and
/// re-hashes the recordings the entries name.
public final class RunLog: Sendable {
    /// The default path.
    public static let defaultPath = "Replays/runlog.sqlite"
    /// The hash before the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// The database file.
    public let path: String
    private let queue: DatabaseQueue

    /// Opens (creating if needed) the log at `path`.
    public init(path: String = RunLog.defaultPath) throws(RunLogError) {
        self.path = path
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !folder.isEmpty { try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
            var configuration = Configuration()
            configuration.busyMode = .timeout(30)   // two runs ending together each wait for the other's append
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.write { db in
                try db.execute(sql: """
                    CREATE TABLE IF NOT EXISTS runs (
                        sequence INTEGER PRIMARY KEY,
                        kind TEXT NOT NULL, run_id TEXT NOT NULL, plan TEXT,
                        system_name TEXT, system_version TEXT, system_firmware TEXT,
                        sources TEXT NOT NULL, recording_path TEXT, recording_sha256 TEXT,
                        config_sha256 TEXT NOT NULL, software_version TEXT NOT NULL, software_commit TEXT NOT NULL,
                        metrics TEXT NOT NULL, verdicts TEXT NOT NULL, logged_utc TEXT NOT NULL,
                        previous_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE);
                    CREATE TRIGGER IF NOT EXISTS runs_no_update BEFORE UPDATE ON runs
                        BEGIN SELECT RAISE(ABORT, 'the run log is append-only'); END;
                    CREATE TRIGGER IF NOT EXISTS runs_no_delete BEFORE DELETE ON runs
                        BEGIN SELECT RAISE(ABORT, 'the run log is append-only'); END;
                    """)
                // Signatures came later: a log from before them gains the columns, its entries unsigned.
                let columns = Set(try Row.fetchAll(db, sql: "PRAGMA table_info(runs)").map { $0["name"] as String })
                for column in ["signature", "signer"] where !columns.contains(column) {
                    try db.execute(sql: "ALTER TABLE runs ADD COLUMN \(column) TEXT")
                }
            }
        } catch {
            throw RunLogError("cannot open the run log \(path): \(error)")
        }
    }

    /// Appends an entry, chained to the last one, in one transaction.
    @discardableResult
    public func append(_ record: RunLogRecord, signingKey: Curve25519.Signing.PrivateKey? = nil,
                       loggedAt: Date = Date()) throws(RunLogError) -> RunLogEntry {
        do {
            return try queue.write { db in
                let entry = try Self.entry(for: record, after: Self.head(db), loggedAt: loggedAt, signingKey: signingKey)
                try Self.insert(entry, db)
                return entry
            }
        } catch {
            throw RunLogError("cannot append to the run log \(path): \(error)")
        }
    }

    /// The entry that appending `record` now would make: numbered and chained after the current head,
    /// logged at `loggedAt`, its hash computed. Nothing is written; a caller that must quote the
    /// entry's hash in what it writes (a report) makes its files with it, then appends it with
    /// ``append(exactly:publishing:)``.
    public func nextEntry(_ record: RunLogRecord, signingKey: Curve25519.Signing.PrivateKey? = nil,
                          loggedAt: Date = Date()) throws(RunLogError) -> RunLogEntry {
        do {
            return try queue.read { db in try Self.entry(for: record, after: Self.head(db), loggedAt: loggedAt, signingKey: signingKey) }
        } catch {
            throw RunLogError("cannot read the run log \(path): \(error)")
        }
    }

    /// Appends `entry` (from ``nextEntry(_:loggedAt:)``) exactly as it is, and then, in the same
    /// transaction, calls `publish` (which should be quick: renaming files into place); the entry is
    /// committed only if `publish` returns `true`, and otherwise rolled back.
    ///
    /// The transaction is taken `IMMEDIATE`, so no other writer can slip in between the check of the
    /// head and the commit. If the head is no longer the one `entry` was chained to (another run or
    /// report appended meanwhile), nothing is written, `publish` is not called, and the outcome is
    /// ``RunLogAppendOutcome/headMoved``.
    /// - Precondition: `entry.hash` is its computed hash (the entry was not altered).
    public func append(exactly entry: RunLogEntry, publishing publish: () -> Bool) throws(RunLogError) -> RunLogAppendOutcome {
        precondition(entry.hash == entry.computedHash, "RunLog.append(exactly:): the entry was altered after nextEntry made it")
        do {
            var outcome = RunLogAppendOutcome.headMoved
            try queue.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    let head = try Self.head(db)
                    guard head.sequence + 1 == entry.sequence, head.hash == entry.previousHash else {
                        outcome = .headMoved
                        return .rollback
                    }
                    try Self.insert(entry, db)
                    outcome = publish() ? .appended : .declined
                    return outcome == .appended ? .commit : .rollback
                }
            }
            return outcome
        } catch {
            throw RunLogError("cannot append to the run log \(path): \(error)")
        }
    }

    /// The last entry's sequence and hash (0 and the genesis hash for an empty log).
    private static func head(_ db: Database) throws -> (sequence: Int64, hash: String) {
        let last = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM runs ORDER BY sequence DESC LIMIT 1")
        return (last?["sequence"] as Int64? ?? 0, last?["hash"] ?? genesis)
    }

    private static func entry(for record: RunLogRecord, after head: (sequence: Int64, hash: String), loggedAt: Date,
                              signingKey: Curve25519.Signing.PrivateKey?) throws -> RunLogEntry {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let sources = String(decoding: try JSONSerialization.data(withJSONObject: record.sources.sorted(),
                                                                  options: [.withoutEscapingSlashes]), as: UTF8.self)
        var entry = RunLogEntry(sequence: head.sequence + 1, kind: record.kind, runID: record.runID, plan: record.plan,
                                systemName: record.systemName, systemVersion: record.systemVersion,
                                systemFirmware: record.systemFirmware, sources: sources, recordingPath: record.recordingPath,
                                recordingSHA256: record.recordingSHA256, configSHA256: record.configSHA256,
                                softwareVersion: record.softwareVersion, softwareCommit: record.softwareCommit,
                                metrics: record.metrics, verdicts: record.verdicts, loggedUTC: formatter.string(from: loggedAt),
                                previousHash: head.hash, hash: "")
        entry.hash = entry.computedHash
        if let signingKey {
            entry.signature = try signingKey.signature(for: entry.signedMessage).base64EncodedString()
            entry.signer = signingKey.publicKey.rawRepresentation.base64EncodedString()
        }
        return entry
    }

    private static func insert(_ entry: RunLogEntry, _ db: Database) throws {
        try db.execute(sql: """
            INSERT INTO runs (sequence, kind, run_id, plan, system_name, system_version, system_firmware, sources,
                recording_path, recording_sha256, config_sha256, software_version, software_commit, metrics, verdicts,
                logged_utc, previous_hash, hash, signature, signer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [entry.sequence, entry.kind, entry.runID, entry.plan, entry.systemName, entry.systemVersion,
                             entry.systemFirmware, entry.sources, entry.recordingPath, entry.recordingSHA256,
                             entry.configSHA256, entry.softwareVersion, entry.softwareCommit, entry.metrics,
                             entry.verdicts, entry.loggedUTC, entry.previousHash, entry.hash, entry.signature, entry.signer])
    }

    /// Every entry, in order.
    public func entries() throws(RunLogError) -> [RunLogEntry] {
        do {
            return try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM runs ORDER BY sequence").map(Self.entry) }
        } catch {
            throw RunLogError("cannot read the run log \(path): \(error)")
        }
    }

    /// The entries of one run (its recording, then its evaluations).
    public func entries(run runID: String) throws(RunLogError) -> [RunLogEntry] {
        try entries().filter { $0.runID == runID }
    }

    /// The hash of the last entry: the chain's head, which a report quotes.
    public func headHash() throws(RunLogError) -> String { try entries().last?.hash ?? Self.genesis }

    /// Checks every entry's hash and link, and (with `checkRecordings`) that each recording an entry
    /// names still has the SHA-256 it had. Returns every problem; none means the log is intact.
    ///
    /// With `trustedKey`, every entry from the first signed one on must be signed by it (an unsigned
    /// entry there, or one signed by another key, is a problem): an attacker who can rewrite the file
    /// can recompute the chain, but cannot sign without the range's key. Leading unsigned entries are
    /// a log's history from before signing (see ``legacyUnsignedCount()``); a log rewritten wholly
    /// unsigned looks like that history, which is what a checkpoint (``RunLogCheckpoint``) catches.
    /// Any signature present is checked against its own signer in any case.
    public func verify(checkRecordings: Bool = true, trustedKey: Curve25519.Signing.PublicKey? = nil) throws(RunLogError) -> [RunLogProblem] {
        let entries = try entries()
        var problems = Self.chainProblems(entries, trustedKeys: trustedKey.map { [$0] } ?? [])
        var hashes: [String: String] = [:]
        for entry in entries where checkRecordings {
            guard let named = entry.recordingPath, let recorded = entry.recordingSHA256 else { continue }
            let path = resolve(named)
            let actual: String?
            if let cached = hashes[path] { actual = cached } else { actual = Self.sha256Hex(file: path); hashes[path] = actual }
            if let actual {
                if actual != recorded {
                    problems.append(RunLogProblem(sequence: entry.sequence, message: "recording \(path) changed (SHA-256 \(actual), logged \(recorded))"))
                }
            } else {
                problems.append(RunLogProblem(sequence: entry.sequence, message: "recording \(path) is missing"))
            }
        }
        return problems.sorted { $0.sequence < $1.sequence }
    }

    /// What is wrong with a chain of entries (a whole log, in order, wherever it is kept: this file or
    /// the shared archive): a missing sequence, a broken link, an edited entry, a bad signature, and
    /// (with `trustedKeys`) an entry from the first signed one on that none of those keys signed.
    public static func chainProblems(_ entries: [RunLogEntry], trustedKeys: [Curve25519.Signing.PublicKey] = []) -> [RunLogProblem] {
        var problems: [RunLogProblem] = []
        var previous = genesis
        var expected: Int64 = 1
        var signedSoFar = false
        for entry in entries {
            // Entries from before signing (a leading run of unsigned ones) are legacy, not a problem:
            // ``legacyUnsignedCount`` reports them; an unsigned entry after a signed one is.
            signedSoFar = signedSoFar || entry.signature != nil
            problems += signatureProblems(entry, trustedKeys: signedSoFar ? trustedKeys : [])
            if entry.sequence != expected { problems.append(RunLogProblem(sequence: entry.sequence, message: "entry \(expected) is missing")) }
            expected = entry.sequence + 1
            if entry.previousHash != previous {
                problems.append(RunLogProblem(sequence: entry.sequence, message: "its link does not match the previous entry's hash"))
            }
            if entry.computedHash != entry.hash {
                problems.append(RunLogProblem(sequence: entry.sequence, message: "its content was edited (hash mismatch)"))
            }
            previous = entry.hash
        }
        return problems
    }

    /// The number of leading entries without a signature: written before entries were signed.
    public func legacyUnsignedCount() throws(RunLogError) -> Int {
        try entries().prefix { $0.signature == nil }.count
    }

    /// What is wrong with an entry's signature: none, or (with `trustedKey`) unsigned or by another key.
    static func signatureProblems(_ entry: RunLogEntry, trustedKeys: [Curve25519.Signing.PublicKey]) -> [RunLogProblem] {
        guard let signature = entry.signature, let signer = entry.signer else {
            return trustedKeys.isEmpty ? [] : [RunLogProblem(sequence: entry.sequence, message: "it is not signed by the range's key")]
        }
        guard let raw = Data(base64Encoded: signer), let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw),
              let bytes = Data(base64Encoded: signature), key.isValidSignature(bytes, for: entry.signedMessage) else {
            return [RunLogProblem(sequence: entry.sequence, message: "its signature does not match its content")]
        }
        if !trustedKeys.isEmpty, !trustedKeys.contains(where: { $0.rawRepresentation == key.rawRepresentation }) {
            let fingerprint = SHA256.hash(data: raw).map { String(format: "%02x", $0) }.joined().prefix(16)
            return [RunLogProblem(sequence: entry.sequence, message: "it is signed by key \(fingerprint)…, not the range's key")]
        }
        return []
    }

    /// Recordings in the log's folder (`*.mcap`, not `*.recovered.mcap`) that no entry names, by path
    /// or by run id: a removed entry leaves its recording behind.
    public func unloggedRecordings() throws(RunLogError) -> [String] {
        let folder = (path as NSString).deletingLastPathComponent
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder)) ?? []
        let entries = try entries()
        let logged = Set(entries.compactMap { $0.recordingPath.map { (resolve($0) as NSString).standardizingPath } })
        let runs = Set(entries.map(\.runID))
        return names.sorted().filter { name in
            guard name.hasSuffix(".mcap"), !name.hasSuffix(".recovered.mcap") else { return false }
            let full = ((folder.isEmpty ? "." : folder) as NSString).appendingPathComponent(name)
            return !logged.contains((full as NSString).standardizingPath) && !runs.contains(String(name.dropLast(".mcap".count)))
        }
    }

    /// A recording path as logged: relative ones are relative to the log's folder.
    public func resolve(_ recordingPath: String) -> String {
        if recordingPath.hasPrefix("/") { return recordingPath }
        return ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(recordingPath)
    }

    private static func entry(_ row: Row) -> RunLogEntry {
        RunLogEntry(sequence: row["sequence"], kind: row["kind"], runID: row["run_id"], plan: row["plan"], systemName: row["system_name"],
                    systemVersion: row["system_version"], systemFirmware: row["system_firmware"], sources: row["sources"],
                    recordingPath: row["recording_path"], recordingSHA256: row["recording_sha256"], configSHA256: row["config_sha256"],
                    softwareVersion: row["software_version"], softwareCommit: row["software_commit"], metrics: row["metrics"],
                    verdicts: row["verdicts"], loggedUTC: row["logged_utc"], previousHash: row["previous_hash"], hash: row["hash"],
                    signature: row["signature"], signer: row["signer"])
    }

    // MARK: Hashing

    /// SHA-256 of `data`, hex.
    public static func sha256Hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// SHA-256 of a file, hex, read in 1 MiB blocks; `nil` when it cannot be read.
    public static func sha256Hex(file path: String) -> String? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        var hasher = SHA256()
        while true {
            let block: Data?
            do { block = try handle.read(upToCount: 1 << 20) } catch { return nil }
            guard let block, !block.isEmpty else { break }   // nil or empty: the end of the file
            hasher.update(data: block)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
