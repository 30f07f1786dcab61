// The re-evaluation queue: jobs queued by `haechi archive rescore`, taken by `haechi worker`.

extension RunArchive {
    /// A job whose lease expired this many times is failed rather than handed out again.
    public static let maximumAttempts = 3

    /// Queues one job per recording of the runs `filter` takes, for `plan` and `softwareVersion`. A
    /// job already queued, running, done or failed for the same recording, plan text and version is
    /// not queued again, unless `again`: then a done or failed job of the runs it takes is queued once
    /// more (its attempts reset), and its result is replaced when it is done. Returns how many it
    /// queued and how many were there already.
    public func queueJobs(plan: ArchivePlan, softwareVersion: String, filter: ArchiveRunFilter,
                          again: Bool = false) throws(ArchiveError) -> (queued: Int, already: Int) {
        try db.transaction { db throws(ArchiveError) in
            try db.execute("""
                INSERT INTO archive_plans (sha256, name, system_name, text, includes) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (sha256) DO NOTHING
                """, [plan.sha256, plan.name, plan.systemName, plan.text, plan.includes])
            var queued = 0, already = 0
            var seen: Set<String> = []
            for run in try runs(filter) {
                guard let sha = run.recordingSHA256, run.recordingBytes != nil, seen.insert(sha).inserted else { continue }
                let inserted = try db.execute("""
                    INSERT INTO archive_jobs (recording_sha256, range, run_id, plan_sha256, software_version)
                    VALUES ($1, $2, $3, $4, $5) ON CONFLICT (recording_sha256, plan_sha256, software_version) DO NOTHING RETURNING id
                    """, [sha, run.range, run.runID, plan.sha256, softwareVersion])
                if !inserted.values.isEmpty {
                    queued += 1
                } else if again, !(try db.execute("""
                    UPDATE archive_jobs SET state = 'queued', attempts = 0, error = NULL, worker = NULL, lease_until = NULL,
                        finished_utc = NULL, queued_utc = now()
                    WHERE recording_sha256 = $1 AND plan_sha256 = $2 AND software_version = $3 AND state IN ('done', 'failed')
                    RETURNING id
                    """, [sha, plan.sha256, softwareVersion]).values.isEmpty) {
                    queued += 1
                } else {
                    already += 1
                }
            }
            return (queued, already)
        }
    }

    /// Takes the next job for `softwareVersion`: a queued one, or a running one whose lease has
    /// expired (its worker died), oldest first. `SKIP LOCKED` lets any number of workers ask at once,
    /// each getting a different job. The job is leased to `worker` until the server's clock passes
    /// now + `lease`; jobs that already lost their lease ``maximumAttempts`` times are failed first.
    public func takeJob(worker: String, lease: Double, softwareVersion: String) throws(ArchiveError) -> ArchiveJob? {
        try db.transaction { db throws(ArchiveError) in
            // The rows are locked in id order and skipped when another worker holds them: two workers
            // sweeping at once neither deadlock nor wait on each other.
            try db.execute("""
                UPDATE archive_jobs SET state = 'failed', finished_utc = now(), lease_until = NULL,
                    error = 'lost: its worker stopped before finishing ' || attempts || ' times (the lease expired)'
                WHERE id IN (SELECT id FROM archive_jobs
                             WHERE state = 'running' AND lease_until < now() AND attempts >= $1 AND software_version = $2
                             ORDER BY id FOR UPDATE SKIP LOCKED)
                """, [String(Self.maximumAttempts), softwareVersion])
            let rows = try db.execute("""
                WITH next AS (
                    SELECT id FROM archive_jobs
                    WHERE software_version = $3 AND (state = 'queued' OR (state = 'running' AND lease_until < now()))
                    ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
                UPDATE archive_jobs j SET state = 'running', worker = $1, attempts = j.attempts + 1, error = NULL,
                    lease_until = now() + make_interval(secs => $2::double precision), started_utc = now()
                FROM next WHERE j.id = next.id
                RETURNING j.id, j.recording_sha256, j.range, j.run_id, j.plan_sha256, j.attempts,
                    (SELECT p.name FROM archive_plans p WHERE p.sha256 = j.plan_sha256),
                    (SELECT p.system_name FROM archive_plans p WHERE p.sha256 = j.plan_sha256),
                    (SELECT p.text FROM archive_plans p WHERE p.sha256 = j.plan_sha256),
                    (SELECT p.includes FROM archive_plans p WHERE p.sha256 = j.plan_sha256)
                """, [worker, String(lease), softwareVersion])
            guard let v = rows.values.first else { return nil }
            return ArchiveJob(id: Int64(v[0] ?? "") ?? 0, recordingSHA256: v[1] ?? "", range: v[2] ?? "", runID: v[3] ?? "",
                              attempt: Int(v[5] ?? "") ?? 1,
                              plan: ArchivePlan(sha256: v[4] ?? "", name: v[6] ?? "", systemName: v[7], text: v[8] ?? "", includes: v[9] ?? "{}"))
        }
    }

    /// Writes a job's result and marks it done, in one transaction. The result is keyed by recording,
    /// plan and software version, so a job done twice (its lease expired while a slow worker still
    /// ran it) leaves one result; a later one replaces it (the same figures, from the same recording,
    /// plan and software, unless the row had been edited: `rescore --again` mends that).
    public func finish(_ job: ArchiveJob, worker: String, softwareVersion: String, figures: String,
                       verdicts: String) throws(ArchiveError) {
        try db.transaction { db throws(ArchiveError) in
            try db.execute("""
                INSERT INTO archive_results (recording_sha256, plan_sha256, software_version, run_id, plan, figures, verdicts, worker)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (recording_sha256, plan_sha256, software_version)
                DO UPDATE SET figures = EXCLUDED.figures, verdicts = EXCLUDED.verdicts, worker = EXCLUDED.worker,
                    run_id = EXCLUDED.run_id, plan = EXCLUDED.plan, evaluated_utc = now()
                """, [job.recordingSHA256, job.plan.sha256, softwareVersion, job.runID, job.plan.name, figures, verdicts, worker])
            try db.execute("""
                UPDATE archive_jobs SET state = 'done', finished_utc = now(), lease_until = NULL, error = NULL, worker = $2
                WHERE id = $1 AND state <> 'done'
                """, [String(job.id), worker])
        }
    }

    /// Marks a job failed, with why, while this attempt still holds it (not when its lease expired
    /// and another worker took it: the attempt number is the lease's fencing token, not the name).
    public func fail(_ job: ArchiveJob, worker: String, error: String) throws(ArchiveError) {
        try db.execute("""
            UPDATE archive_jobs SET state = 'failed', finished_utc = now(), lease_until = NULL, error = $3
            WHERE id = $1 AND worker = $2 AND attempts = $4 AND state = 'running'
            """, [String(job.id), worker, error, String(job.attempt)])
    }

    /// Whether any job for `softwareVersion` is queued or running: a worker that finds none to take
    /// but some running waits, since a running job's worker may die and its lease expire.
    public func openJobs(softwareVersion: String) throws(ArchiveError) -> (queued: Int, running: Int) {
        let rows = try db.execute("""
            SELECT count(*) FILTER (WHERE state = 'queued'), count(*) FILTER (WHERE state = 'running')
            FROM archive_jobs WHERE software_version = $1
            """, [softwareVersion])
        let v = rows.values.first ?? []
        return (Int(v.first.flatMap { $0 } ?? "") ?? 0, Int(v.dropFirst().first.flatMap { $0 } ?? "") ?? 0)
    }

    /// How many jobs are in each state, for one plan (by hash) or all.
    public func jobCounts(planSHA256: String?) throws(ArchiveError) -> ArchiveJobCounts {
        let rows = try db.execute("""
            SELECT state, count(*) FROM archive_jobs WHERE ($1::text IS NULL OR plan_sha256 = $1) GROUP BY state
            """, [planSHA256])
        var counts = ArchiveJobCounts()
        for v in rows.values {
            let n = Int(v[1] ?? "") ?? 0
            switch v[0] {
            case "queued": counts.queued = n
            case "running": counts.running = n
            case "done": counts.done = n
            case "failed": counts.failed = n
            default: break
            }
        }
        counts.failures = try db.execute("""
            SELECT run_id, recording_sha256, coalesce(error, '') FROM archive_jobs
            WHERE state = 'failed' AND ($1::text IS NULL OR plan_sha256 = $1) ORDER BY id LIMIT 20
            """, [planSHA256]).values.map { "\($0[0] ?? "") (\(($0[1] ?? "").prefix(12))…): \($0[2] ?? "")" }
        return counts
    }

    /// The stored results' figures (JSON text) under a plan and software version, by recording, for
    /// those of `recordings` that have one: one statement for a whole campaign, not one per run.
    public func resultFigures(recordings: [String], planSHA256: String,
                              softwareVersion: String) throws(ArchiveError) -> [String: String] {
        var figures: [String: String] = [:]
        for v in try db.execute("""
            SELECT recording_sha256, figures FROM archive_results
            WHERE recording_sha256 = ANY($1::text[]) AND plan_sha256 = $2 AND software_version = $3
            """, [Self.textArray(recordings), planSHA256, softwareVersion]).values {
            if let sha = v[0], let text = v[1] { figures[sha] = text }
        }
        return figures
    }
}
