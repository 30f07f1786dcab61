// The run log: append-only, hash-chained; verify finds an edited entry and a changed recording.
import Testing
import Foundation
import GRDB
@testable import RunLog

@Suite("Run log")
struct RunLogTests {
    static func folder() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("haechi-runlog-\(UUID().uuidString)").path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func record(_ run: String, recording: String?, sha: String?) -> RunLogRecord {
        RunLogRecord(kind: "recording", runID: run, sources: ["json/radar-0", "mavlink/drone-1"], recordingPath: recording,
                     recordingSHA256: sha, configSHA256: RunLog.sha256Hex(Data("site: x".utf8)), softwareVersion: "0.1.0",
                     softwareCommit: "abc")
    }

    @Test("Entries chain: each links to the one before, and a fresh log verifies clean")
    func chain() throws {
        let dir = Self.folder()
        let recording = dir + "/r.mcap"
        try Data("frames".utf8).write(to: URL(fileURLWithPath: recording))
        let log = try RunLog(path: dir + "/runlog.sqlite")
        let first = try log.append(Self.record("run-1", recording: recording, sha: RunLog.sha256Hex(file: recording)))
        var evaluation = Self.record("run-1", recording: recording, sha: RunLog.sha256Hex(file: recording))
        evaluation.kind = "evaluation"
        evaluation.metrics = #"{"pd":0.93}"#
        evaluation.verdicts = #"{"pd":"PASS"}"#
        let second = try log.append(evaluation)
        #expect(first.sequence == 1 && first.previousHash == RunLog.genesis)
        #expect(second.sequence == 2 && second.previousHash == first.hash && second.hash == second.computedHash)
        #expect(try log.verify().isEmpty)
        #expect(try log.headHash() == second.hash)
        // Reopening keeps the chain.
        let again = try RunLog(path: dir + "/runlog.sqlite")
        #expect(try again.entries().map(\.hash) == [first.hash, second.hash])
        #expect(try again.entries(run: "run-1").count == 2)
    }

    @Test("UPDATE and DELETE are refused by the database itself")
    func appendOnly() throws {
        let dir = Self.folder()
        let log = try RunLog(path: dir + "/runlog.sqlite")
        try log.append(Self.record("run-1", recording: nil, sha: nil))
        let queue = try DatabaseQueue(path: dir + "/runlog.sqlite")
        #expect(throws: (any Error).self) { try queue.write { try $0.execute(sql: "UPDATE runs SET run_id = 'x'") } }
        #expect(throws: (any Error).self) { try queue.write { try $0.execute(sql: "DELETE FROM runs") } }
        #expect(try log.entries().first?.runID == "run-1")
    }

    @Test("verify names an edited entry, a broken link, and a changed or missing recording")
    func tamperDetected() throws {
        let dir = Self.folder()
        let recording = dir + "/r.mcap"
        try Data("frames".utf8).write(to: URL(fileURLWithPath: recording))
        let log = try RunLog(path: dir + "/runlog.sqlite")
        for run in ["run-1", "run-2", "run-3"] {
            try log.append(Self.record(run, recording: recording, sha: RunLog.sha256Hex(file: recording)))
        }
        // Someone edits entry 2 with another tool, past the triggers.
        let queue = try DatabaseQueue(path: dir + "/runlog.sqlite")
        try queue.write { db in
            try db.execute(sql: "DROP TRIGGER runs_no_update")
            try db.execute(sql: "UPDATE runs SET verdicts = '{\"pd\":\"PASS\"}' WHERE sequence = 2")
        }
        var problems = try log.verify()
        #expect(problems.map(\.sequence) == [2])
        #expect(problems.first?.message.contains("edited") == true)
        // Recomputing entry 2's hash to hide the edit breaks entry 3's link instead.
        let edited = try #require(try log.entries().first { $0.sequence == 2 })
        try queue.write { try $0.execute(sql: "UPDATE runs SET hash = ? WHERE sequence = 2", arguments: [edited.computedHash]) }
        problems = try log.verify()
        #expect(problems.map(\.sequence) == [3])
        #expect(problems.first?.message.contains("link") == true)
        // One changed byte of the recording is found; so is a missing recording.
        try Data("framez".utf8).write(to: URL(fileURLWithPath: recording))
        #expect(try log.verify().filter { $0.message.contains("changed") }.count == 3)
        try FileManager.default.removeItem(atPath: recording)
        #expect(try log.verify().filter { $0.message.contains("missing") }.count == 3)
    }

    @Test("SHA-256 of a file equals the known vector")
    func sha() throws {
        let path = Self.folder() + "/abc"
        try Data("abc".utf8).write(to: URL(fileURLWithPath: path))
        #expect(RunLog.sha256Hex(file: path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(RunLog.sha256Hex(file: path + "-none") == nil)
    }
}

@Suite("Run log: appending an entry made beforehand")
struct RunLogPreparedAppendTests {
    @Test("nextEntry writes nothing; append(exactly:) writes that very entry, with what publish did")
    func appendsTheEntryItMade() throws {
        let log = try RunLog(path: RunLogTests.folder() + "/runlog.sqlite")
        try log.append(RunLogTests.record("run-1", recording: nil, sha: nil))
        let entry = try log.nextEntry(RunLogTests.record("run-1", recording: nil, sha: nil), loggedAt: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(try log.entries().count == 1)
        let head = try log.headHash()
        #expect(entry.sequence == 2 && entry.previousHash == head && entry.hash == entry.computedHash)
        var published = 0
        let outcome = try log.append(exactly: entry) {
            published += 1
            return true
        }
        #expect(outcome == .appended && published == 1)
        #expect(try log.entries().last == entry)
        #expect(try log.headHash() == entry.hash)
        #expect(try log.verify(checkRecordings: false).isEmpty)
    }

    @Test("When publish fails, the entry is rolled back: the log is as before")
    func declinedLeavesNothing() throws {
        let log = try RunLog(path: RunLogTests.folder() + "/runlog.sqlite")
        try log.append(RunLogTests.record("run-1", recording: nil, sha: nil))
        let before = try log.entries()
        let entry = try log.nextEntry(RunLogTests.record("run-1", recording: nil, sha: nil))
        #expect(try log.append(exactly: entry) { false } == .declined)
        #expect(try log.entries() == before)
        // The same entry can still be appended afterwards: nothing of it was left behind.
        #expect(try log.append(exactly: entry) { true } == .appended)
        #expect(try log.entries() == before + [entry])
    }

    @Test("An entry made before another was appended is refused, and publish is not called")
    func headMovedIsRefused() throws {
        let log = try RunLog(path: RunLogTests.folder() + "/runlog.sqlite")
        let stale = try log.nextEntry(RunLogTests.record("run-1", recording: nil, sha: nil))
        let other = try log.append(RunLogTests.record("run-2", recording: nil, sha: nil))
        var called = false
        #expect(try log.append(exactly: stale) { called = true; return true } == .headMoved)
        #expect(!called)
        #expect(try log.entries() == [other])
        let fresh = try log.nextEntry(RunLogTests.record("run-1", recording: nil, sha: nil))
        #expect(fresh.previousHash == other.hash && fresh.sequence == 2)
        #expect(try log.append(exactly: fresh) { true } == .appended)
        #expect(try log.verify(checkRecordings: false).isEmpty)
    }
}
