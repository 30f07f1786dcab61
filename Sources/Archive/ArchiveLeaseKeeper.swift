// Renews a running job's lease while its worker scores, on a connection and a thread of its own.
import Foundation

/// Keeps a job's lease alive: every third of the lease it extends it, so a job that takes longer
/// than its lease is not handed to a second worker while its first still works. When the worker's
/// process dies the renewals stop with it, and the lease expires as it should.
public final class ArchiveLeaseKeeper: Sendable {
    /// The stop request, under its condition's lock.
    private final class StopSignal: @unchecked Sendable {
        let condition = NSCondition()
        var stopped = false
    }

    private let signal = StopSignal()

    init(url: String, password: String?, job: ArchiveJob, worker: String, lease: Double) {
        let signal = self.signal
        let thread = Thread {
            // A failed renewal is not fatal: the worker still finishes, and the result is written once.
            let connection = try? PostgresConnection(url: url, password: password, applicationName: "haechi-lease")
            while true {
                signal.condition.lock()
                if !signal.stopped { _ = signal.condition.wait(until: Date().addingTimeInterval(lease / 3)) }
                let stop = signal.stopped
                signal.condition.unlock()
                if stop { return }
                _ = try? connection?.execute("""
                    UPDATE archive_jobs SET lease_until = now() + make_interval(secs => $3::double precision)
                    WHERE id = $1 AND worker = $2 AND state = 'running'
                    """, [String(job.id), worker, String(lease)])
            }
        }
        thread.start()
    }

    /// Stops renewing (the job is finished or failed).
    public func stop() {
        signal.condition.lock()
        signal.stopped = true
        signal.condition.signal()
        signal.condition.unlock()
    }
}

extension RunArchive {
    /// Starts renewing `job`'s lease until ``ArchiveLeaseKeeper/stop()``.
    public func keepLease(_ job: ArchiveJob, worker: String, lease: Double) -> ArchiveLeaseKeeper {
        ArchiveLeaseKeeper(url: url, password: password, job: job, worker: worker, lease: lease)
    }
}
