// Renews the lease of the job a worker holds, on a connection and a thread of its own.
import Foundation

/// Keeps the lease of a worker's current job alive: every third of the lease it extends it, so a job
/// that takes longer than its lease is not handed to a second worker while the first still works.
/// One keeper serves a worker for its whole life: one thread, one connection (made when first
/// needed, and again after a failure).
///
/// Renewals stop when the worker's process dies (the lease then expires as it should), when the job
/// has been held for `maximumSeconds` (a worker hung in a job gives it up), and when the job is no
/// longer this attempt's (the attempt number is the lease's fencing token).
public final class ArchiveLeaseKeeper: Sendable {
    /// What the keeper's thread is told, under the condition's lock.
    private final class State: @unchecked Sendable {
        let condition = NSCondition()
        var stopped = false
        var job: ArchiveJob?
        var failedRenewals = 0
    }

    private let state = State()

    init(url: String, password: String?, worker: String, lease: Double, maximumSeconds: Double) {
        let state = self.state
        let thread = Thread {
            var connection: PostgresConnection?
            while true {
                state.condition.lock()
                if !state.stopped { _ = state.condition.wait(until: Date().addingTimeInterval(lease / 3)) }
                let (stop, job) = (state.stopped, state.job)
                state.condition.unlock()
                if stop { return }
                guard let job else { continue }
                do throws(ArchiveError) {
                    if connection == nil {
                        connection = try PostgresConnection(url: url, password: password, applicationName: "haechi-lease")
                    }
                    try connection?.execute("""
                        UPDATE archive_jobs SET lease_until = now() + make_interval(secs => $4::double precision)
                        WHERE id = $1 AND worker = $2 AND attempts = $3 AND state = 'running'
                          AND started_utc > now() - make_interval(secs => $5::double precision)
                        """, [String(job.id), worker, String(job.attempt), String(lease), String(maximumSeconds)])
                } catch {
                    connection = nil
                    state.condition.lock()
                    state.failedRenewals += 1
                    state.condition.unlock()
                }
            }
        }
        thread.start()
    }

    deinit { stop() }

    /// Renews `job`'s lease from now on (until ``release()``).
    public func hold(_ job: ArchiveJob) { update { $0.job = job } }

    /// Stops renewing the current job's lease (it is finished or failed).
    public func release() { update { $0.job = nil } }

    /// Stops the keeper's thread.
    public func stop() { update { $0.stopped = true } }

    /// Renewals that failed (the database unreachable): the lease may then expire under a working job.
    public var failedRenewals: Int {
        state.condition.lock()
        defer { state.condition.unlock() }
        return state.failedRenewals
    }

    private func update(_ change: (State) -> Void) {
        state.condition.lock()
        change(state)
        state.condition.signal()
        state.condition.unlock()
    }
}

extension RunArchive {
    /// A lease keeper for `worker`, on a connection of its own to this archive.
    public func leaseKeeper(worker: String, lease: Double, maximumSeconds: Double) -> ArchiveLeaseKeeper {
        ArchiveLeaseKeeper(url: url, password: password, worker: worker, lease: lease, maximumSeconds: maximumSeconds)
    }
}
