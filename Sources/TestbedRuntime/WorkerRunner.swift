// `haechi worker`: takes re-evaluation jobs from the archive's queue and scores them from the store.
import Archive
import RunLog
import Foundation
public import TestbedConfiguration

/// Runs `haechi worker` (docs/archive.md, "Workers").
///
/// One job at a time: take it (`SELECT … FOR UPDATE SKIP LOCKED`, leased until the server's clock
/// passes now + `lease`), check the stored recording's SHA-256, score it with the report's evaluator,
/// and write the result and mark the job done in one transaction. A worker that dies leaves its job
/// leased; when the lease expires another worker takes it. A result is keyed by recording, plan and
/// software, so a job done twice writes one result.
public enum WorkerRunner {
    /// What one job came to, for the worker's output.
    public struct JobLine: Sendable {
        public var text: String
        public var failed: Bool
    }

    public static func run(configPath: String, name: String?, lease: Double, exitWhenIdle: Bool,
                           report: (JobLine) -> Void) throws(RuntimeError) -> (done: Int, failed: Int) {
        let (settings, archive) = try ArchiveRunner.open(configPath: configPath)
        let store = try ArchiveRunner.store(settings, configPath: configPath)
        let worker = name ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
        let software = ArchiveRunner.softwareIdentity
        var done = 0, failed = 0
        while true {
            let taken = try ArchiveRunner.wrap { () throws(ArchiveError) in
                try archive.takeJob(worker: worker, lease: lease, softwareVersion: software)
            }
            guard let job = taken else {
                let open = try ArchiveRunner.wrap { () throws(ArchiveError) in try archive.openJobs(softwareVersion: software) }
                if exitWhenIdle, open.queued == 0, open.running == 0 { return (done, failed) }
                // Nothing to take: wait for new jobs, or for a running job's lease to expire.
                usleep(exitWhenIdle ? 200_000 : 1_000_000)
                continue
            }
            let started = Date()
            let keeper = archive.keepLease(job, worker: worker, lease: lease)
            defer { keeper.stop() }
            do throws(RuntimeError) {
                let path = try ArchiveScoring.verifiedRecording(job.recordingSHA256, in: store, run: "run \(job.runID) (range \(job.range))")
                let plan = try ArchivePlanBundle.plan(job.plan)
                let scored = try ArchiveScoring.score(recording: path, plan: plan).json()
                try ArchiveRunner.wrap { () throws(ArchiveError) in
                    try archive.finish(job, worker: worker, softwareVersion: software, figures: scored.figures, verdicts: scored.verdicts)
                }
                done += 1
                report(JobLine(text: "done   job \(job.id) run \(job.runID) (range \(job.range), attempt \(job.attempt)) under \(job.plan.name) "
                               + "in \(String(format: "%.2f", Date().timeIntervalSince(started))) s", failed: false))
            } catch {
                try ArchiveRunner.wrap { () throws(ArchiveError) in try archive.fail(job, worker: worker, error: error.description) }
                failed += 1
                report(JobLine(text: "FAILED job \(job.id) run \(job.runID) (range \(job.range)): \(error.description)", failed: true))
            }
        }
    }
}
