// The run log's view of runs: a run logged as it starts and as it ends, and `runs list` saying which ended.
import Testing
@testable import TestbedRuntime
import RunLog
import Foundation
import TestbedConfiguration

@Suite("Run logging")
struct RunLoggingTests {
    static func folder() throws -> String {
        let path = NSTemporaryDirectory() + "haechi-runlogging-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func record(_ kind: String, _ runID: String, sha: String? = nil) -> RunLogRecord {
        RunLogRecord(kind: kind, runID: runID, sources: [], recordingPath: "\(runID).mcap", recordingSHA256: sha,
                     configSHA256: "c0ffee", softwareVersion: "test", softwareCommit: "test")
    }

    @Test("runs list says how each started run ended: ended, failed, running or never ended")
    func listSaysHowRunsEnded() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = (folder as NSString).appendingPathComponent("runlog.sqlite")
        let log = try RunLog(path: path)
        for run in ["run-A", "run-B", "run-C", "run-D"] { try log.append(Self.record(RunLogging.runStartKind, run)) }
        try log.append(Self.record(RunLogging.recordingKind, "run-A", sha: "ab"))
        try log.append(Self.record(RunLogging.runFailedKind, "run-B"))
        // run-C: an ingest is still writing it (it holds an exclusive lock); run-D: nobody is.
        for run in ["run-C", "run-D"] {
            #expect(FileManager.default.createFile(atPath: (folder as NSString).appendingPathComponent("\(run).mcap"), contents: Data()))
        }
        let writer = open((folder as NSString).appendingPathComponent("run-C.mcap"), O_RDWR | O_CLOEXEC)
        #expect(writer >= 0)
        defer { close(writer) }
        #expect(flock(writer, LOCK_EX | LOCK_NB) == 0)

        let lines = try RunLogging.list(log: path).split(separator: "\n").map(String.init)
        #expect(lines.count == 7)
        #expect(lines[0].hasSuffix("hash              status"))
        func line(_ sequence: Int) -> String { lines.first { $0.hasPrefix("\(sequence) ") } ?? "" }
        #expect(line(1).contains("run-start") && line(1).hasSuffix(" ended (entry 5)"))
        #expect(line(2).hasSuffix(" failed (entry 6)"))
        #expect(line(3).hasSuffix(" running"))
        #expect(line(4).contains(" NEVER ENDED (killed or crashed; its recording \(folder)/run-D.mcap was never finalised"))
        #expect(!line(5).contains("ended") && !line(6).contains("ended"))   // only run-start entries carry a status

        // A run is found by id through its `recording` entry; the others say what became of them.
        #expect(try ReportRunner.locateRecording("run-A", log: path) == (folder as NSString).appendingPathComponent("run-A.mcap"))
        for (run, words) in [("run-B", "failed"), ("run-C", "has not ended yet"), ("run-D", "never ended"), ("run-E", "no recorded run")] {
            let error = #expect(throws: RuntimeError.self) { try ReportRunner.locateRecording(run, log: path) }
            #expect(error?.message.contains(words) == true, "\(run): \(error?.message ?? "")")
        }
        // Entries without a SHA-256 (a run's start, a failed run) name no recording to check; run-A's
        // `recording` entry does, and its file is missing.
        #expect(try log.verify().map(\.sequence) == [5])
        #expect(try log.verify(checkRecordings: false).isEmpty)
    }
}
