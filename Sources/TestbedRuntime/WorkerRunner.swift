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

    /// Consecutive failures to reach the archive (backing off to 30 s between tries) after which a
    /// worker gives up, with exit status 1, for its service manager to restart it.
    static let maximumOutages = 20

    public static func run(configPath: String, name: String?, lease: Double, exitWhenIdle: Bool,
                           report: (JobLine) -> Void) throws(RuntimeError) -> (done: Int, failed: Int) {
        let settings = try ArchiveSettings.load(path: configPath)
        let store = try ArchiveRunner.store(settings, configPath: configPath)
        var archive = try ArchiveRunner.connect(settings, configPath: configPath)
        let worker = name ?? "\(ProcessInfo.processInfo.hostName)-\(getpid())"
        let software = ArchiveRunner.softwareIdentity
        // A hung worker stops renewing after this long, so its job goes to another.
        let keeper = archive.leaseKeeper(worker: worker, lease: lease, maximumSeconds: max(3_600, 12 * lease))
        defer { keeper.stop() }
        var done = 0, failed = 0, outages = 0
        while true {
            do throws(ArchiveError) {
                guard let job = try archive.takeJob(worker: worker, lease: lease, softwareVersion: software) else {
                    let open = try archive.openJobs(softwareVersion: software)
                    outages = 0
                    if exitWhenIdle, open.queued == 0, open.running == 0 { return (done, failed) }
                    // Nothing to take: wait for new jobs, or for a running job's lease to expire.
                    usleep(exitWhenIdle ? 200_000 : 1_000_000)
                    continue
                }
                outages = 0
                keeper.hold(job)
                defer { keeper.release() }
                let started = Date()
                switch score(job, store: store) {
                case .success(let scored):
                    try archive.finish(job, worker: worker, softwareVersion: software, figures: scored.figures, verdicts: scored.verdicts)
                    done += 1
                    report(JobLine(text: "done   job \(job.id) run \(job.runID) (range \(job.range), attempt \(job.attempt)) under "
                                   + "\(job.plan.name) in \(String(format: "%.2f", Date().timeIntervalSince(started))) s", failed: false))
                case .failure(let error):
                    try archive.fail(job, worker: worker, error: error.description)
                    failed += 1
                    report(JobLine(text: "FAILED job \(job.id) run \(job.runID) (range \(job.range)): \(error.description)", failed: true))
                }
            } catch {
                // The database restarted, the network dropped: the job in hand (if any) keeps its
                // lease until it expires and is taken again; this worker reconnects and goes on.
                outages += 1
                guard outages <= maximumOutages else {
                    throw RuntimeError(code: .io, message: "the archive is unreachable (\(error.message)); gave up after \(maximumOutages) tries")
                }
                let wait = UInt32(min(30, 1 << min(outages, 5)))
                report(JobLine(text: "archive unreachable (\(error.message)): retrying in \(wait) s", failed: true))
                sleep(wait)
                if let fresh = try? ArchiveRunner.connect(settings, configPath: configPath) { archive = fresh }
            }
        }
    }

    /// The largest plan (text and the files it names) a worker parses: a plan is a page or two.
    static let maximumPlanBytes = 4 << 20

    /// Scores one job: the stored recording checked against its hash, the plan checked against its
    /// own (its row may have been edited in the database), then the report's evaluator.
    static func score(_ job: ArchiveJob, store: RecordingStore) -> Result<(figures: String, verdicts: String), RuntimeError> {
        do throws(RuntimeError) {
            let run = "run \(job.runID) (range \(job.range))"
            guard job.plan.text.utf8.count + job.plan.includes.utf8.count <= maximumPlanBytes else {
                throw RuntimeError(code: .config, message: "\(run): the archived plan is larger than \(maximumPlanBytes >> 20) MiB")
            }
            let plan = try ArchivePlanBundle.plan(job.plan)
            guard ArchivePlanBundle.sha256(plan) == job.plan.sha256 else {
                throw RuntimeError(code: .config, message: "\(run): the archived plan's text does not have its SHA-256 "
                                   + "\(job.plan.sha256.prefix(16))…: it was changed in the database")
            }
            let path = try ArchiveScoring.verifiedRecording(job.recordingSHA256, in: store, run: run)
            return .success(try ArchiveScoring.score(recording: path, plan: plan).json())
        } catch {
            return .failure(error)
        }
    }
}
