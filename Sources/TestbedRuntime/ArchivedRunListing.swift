// How `haechi archive runs` and `haechi archive jobs` print: a table for people, JSON for programs.
public import Archive
import Foundation

/// The archive's listings as text and JSON.
public enum ArchivedRunListing {
    public static func json(_ runs: [ArchivedRun]) -> String {
        let objects: [[String: Any]] = runs.map { run in
            ["range": run.range, "sequence": run.sequence, "run_id": run.runID, "site": run.site ?? NSNull(),
             "logged_utc": run.loggedUTC, "recording_sha256": run.recordingSHA256 ?? NSNull(),
             "recording_bytes": run.recordingBytes ?? NSNull(), "plans": run.plans, "systems": run.systems]
        }
        return text(json: ["runs": objects])
    }

    public static func text(_ runs: [ArchivedRun]) -> String {
        if runs.isEmpty { return "no archived run matches\n" }
        var out = "range        seq   run                          logged (UTC)              recording         plans\n"
        for run in runs {
            out += [run.range.padding(toLength: 12, withPad: " ", startingAt: 0), String(run.sequence).padding(toLength: 5, withPad: " ", startingAt: 0),
                    run.runID.padding(toLength: 28, withPad: " ", startingAt: 0), run.loggedUTC.padding(toLength: 25, withPad: " ", startingAt: 0),
                    (run.recordingBytes == nil ? "NOT STORED" : String((run.recordingSHA256 ?? "").prefix(16))).padding(toLength: 17, withPad: " ", startingAt: 0),
                    run.plans.isEmpty ? "-" : run.plans.joined(separator: ", ")].joined(separator: " ") + "\n"
        }
        return out + "\(runs.count) run(s)\n"
    }

    public static func json(_ counts: ArchiveJobCounts) -> String {
        text(json: ["queued": counts.queued, "running": counts.running, "done": counts.done, "failed": counts.failed,
                    "left": counts.left, "failures": counts.failures])
    }

    public static func text(_ counts: ArchiveJobCounts) -> String {
        let total = counts.queued + counts.running + counts.done + counts.failed
        var out = "jobs: \(counts.done) done, \(counts.failed) failed, \(counts.left) left (\(counts.queued) queued, \(counts.running) running) of \(total)\n"
        out += counts.failures.map { "  failed: \($0)\n" }.joined()
        return out
    }

    private static func text(json object: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self) + "\n"
    }
}
