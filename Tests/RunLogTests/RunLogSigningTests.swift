// Signed entries and checkpoints: what a rewrite with file access but without the range's key leaves behind.
import Testing
import Foundation
import Crypto
import GRDB
@testable import RunLog

@Suite("Run log signatures and checkpoints")
struct RunLogSigningTests {
    static func log() throws -> (RunLog, String) {
        let dir = RunLogTests.folder()
        return (try RunLog(path: dir + "/runlog.sqlite"), dir)
    }

    @Test("Signed entries verify against the range's key; another key, or an unsigned entry after a signed one, does not")
    func signatures() throws {
        let (log, _) = try Self.log()
        let range = Curve25519.Signing.PrivateKey(), other = Curve25519.Signing.PrivateKey()
        _ = try log.append(RunLogTests.record("run-0", recording: nil, sha: nil))      // from before signing
        let signed = try log.append(RunLogTests.record("run-1", recording: nil, sha: nil), signingKey: range)
        #expect(signed.signer == range.publicKey.rawRepresentation.base64EncodedString())
        #expect(try log.verify(trustedKey: range.publicKey).isEmpty)
        #expect(try log.legacyUnsignedCount() == 1)
        let fingerprint = RunLog.sha256Hex(range.publicKey.rawRepresentation).prefix(16)
        #expect(try log.verify(trustedKey: other.publicKey).map(\.message) == ["it is signed by key \(fingerprint)…, not the range's key"])
        _ = try log.append(RunLogTests.record("run-2", recording: nil, sha: nil))      // unsigned after a signed one
        let problems = try log.verify(trustedKey: range.publicKey)
        #expect(problems.map(\.sequence) == [3] && problems.first?.message == "it is not signed by the range's key")
        // Without a trusted key, signatures are still checked against their own signer.
        #expect(try log.verify().isEmpty)
    }

    @Test("A signature that does not match its entry is found, whoever is trusted")
    func forgedSignature() throws {
        let (log, _) = try Self.log()
        let range = Curve25519.Signing.PrivateKey()
        _ = try log.append(RunLogTests.record("run-1", recording: nil, sha: nil), signingKey: range)
        let queue = try DatabaseQueue(path: log.path)
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER runs_no_update")
            try db.execute(sql: "UPDATE runs SET signature = ?", arguments: [Data(repeating: 1, count: 64).base64EncodedString()])
        }
        #expect(try log.verify().map(\.message) == ["its signature does not match its content"])
    }

    @Test("A checkpoint holds: intact, then removed entries and a rewritten chain are found; an edited checkpoint is refused")
    func checkpoint() throws {
        let (log, _) = try Self.log()
        let range = Curve25519.Signing.PrivateKey()
        for run in ["run-1", "run-2"] { _ = try log.append(RunLogTests.record(run, recording: nil, sha: nil), signingKey: range) }
        let checkpoint = try RunLogCheckpoint.take(of: log, key: range)
        #expect(checkpoint.sequence == 2)
        let read = try RunLogCheckpoint(json: Data(checkpoint.jsonLine().utf8))
        #expect(read == checkpoint)
        var entries = try log.entries()
        #expect(read.problems(entries: entries, trustedKey: range.publicKey).isEmpty)
        // Later entries do not disturb it.
        _ = try log.append(RunLogTests.record("run-3", recording: nil, sha: nil), signingKey: range)
        entries = try log.entries()
        #expect(read.problems(entries: entries, trustedKey: range.publicKey).isEmpty)
        // Truncated below it.
        #expect(read.problems(entries: Array(entries.prefix(1)), trustedKey: range.publicKey)
                == ["the log ends at entry 1, before the checkpoint's entry 2: entries were removed"])
        // Rewritten up to it.
        var rewritten = entries
        rewritten[1].hash = String(repeating: "f", count: 64)
        #expect(read.problems(entries: rewritten, trustedKey: range.publicKey).first?.hasSuffix("the log was rewritten up to the checkpoint") == true)
        // An edited checkpoint, or one by another key.
        var edited = read
        edited.sequence = 1
        #expect(edited.problems(entries: entries, trustedKey: range.publicKey).contains("the checkpoint's signature does not match it: it was changed"))
        #expect(read.problems(entries: entries, trustedKey: Curve25519.Signing.PrivateKey().publicKey)
                == ["the checkpoint is signed by another key than the range's"])
        // It names its key as verify does (SHA-256 of the key, hex); that aid is checked, and optional.
        #expect(read.publicKeySHA256 == RunLog.sha256Hex(range.publicKey.rawRepresentation))
        var misnamed = read
        misnamed.publicKeySHA256 = String(repeating: "0", count: 64)
        #expect(misnamed.problems(entries: entries, trustedKey: range.publicKey) == ["the checkpoint's publicKeySHA256 is not its key's: it was changed"])
        var older = read
        older.publicKeySHA256 = nil
        #expect(try RunLogCheckpoint(json: Data(older.jsonLine().utf8)).problems(entries: entries, trustedKey: range.publicKey).isEmpty)
    }

    @Test("Recordings in the folder that no entry names are listed; recovered copies and logged ones are not")
    func unlogged() throws {
        let (log, dir) = try Self.log()
        for name in ["run-1.mcap", "run-2.mcap", "run-2.recovered.mcap", "notes.txt"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: dir + "/" + name))
        }
        _ = try log.append(RunLogTests.record("run-1", recording: "run-1.mcap", sha: RunLog.sha256Hex(Data("x".utf8))))
        #expect(try log.unloggedRecordings() == ["run-2.mcap"])
        _ = try log.append(RunLogTests.record("run-2", recording: nil, sha: nil))   // named by its run id (a run that started)
        #expect(try log.unloggedRecordings().isEmpty)
    }

    @Test("A log from before signing gains the columns, its entries unsigned and intact")
    func migration() throws {
        let dir = RunLogTests.folder()
        let path = dir + "/runlog.sqlite"
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE runs (sequence INTEGER PRIMARY KEY, kind TEXT NOT NULL, run_id TEXT NOT NULL, plan TEXT,
                    system_name TEXT, system_version TEXT, system_firmware TEXT, sources TEXT NOT NULL, recording_path TEXT,
                    recording_sha256 TEXT, config_sha256 TEXT NOT NULL, software_version TEXT NOT NULL, software_commit TEXT NOT NULL,
                    metrics TEXT NOT NULL, verdicts TEXT NOT NULL, logged_utc TEXT NOT NULL, previous_hash TEXT NOT NULL,
                    hash TEXT NOT NULL UNIQUE)
                """)
        }
        try queue.close()
        let log = try RunLog(path: path)
        _ = try log.append(RunLogTests.record("run-1", recording: nil, sha: nil))
        #expect(try log.entries().first?.signature == nil && log.verify().isEmpty)
    }
}
