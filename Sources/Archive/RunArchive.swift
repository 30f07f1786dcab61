// The shared archive on PostgreSQL: ranges' run-log chains, recordings' metadata, report manifests,
// and the queue of re-evaluation jobs.
public import RunLog
import Foundation

/// The archive (docs/archive.md).
///
/// Every statement is parameterised; every multi-statement change is one transaction.
public final class RunArchive {
    let db: PostgresConnection
    /// Where it connected, for a second connection (a worker's lease keeper).
    let url: String
    let password: String?

    /// Connects and makes the tables if the database has none.
    public init(url: String, password: String?) throws(ArchiveError) {
        self.url = url
        self.password = password
        db = try PostgresConnection(url: url, password: password)
        try ArchiveSchema.ensure(db)
    }

    // MARK: Pushing a range's log

    /// The archive's last entry of `range`: its sequence and hash (0 and the genesis hash when none).
    public func head(range: String) throws(ArchiveError) -> (sequence: Int64, hash: String) {
        let rows = try db.execute("SELECT sequence, hash FROM archive_entries WHERE range = $1 ORDER BY sequence DESC LIMIT 1", [range])
        guard let row = rows.values.first, let sequence = row[0].flatMap({ Int64($0) }), let hash = row[1] else { return (0, RunLog.genesis) }
        return (sequence, hash)
    }

    /// Appends `entries` (a range's log from some sequence on, in order) after the archive's head of
    /// `range`, with the recordings' metadata, in one transaction that holds the range's row locked:
    /// a second push of the same range waits, and finds the entries there. Entries the archive
    /// already holds are skipped after checking that they are the same (their hash); one that differs
    /// means the archive's chain of this range and the log diverge, and nothing is written.
    public func append(_ entries: [RunLogEntry], range: String, site: String?,
                       recordings: [ArchivedRecording]) throws(ArchiveError) -> ArchivePushCount {
        try db.transaction { db throws(ArchiveError) in
            try db.execute("""
                INSERT INTO archive_ranges (range, site) VALUES ($1, $2)
                ON CONFLICT (range) DO UPDATE SET last_pushed_utc = now(), site = coalesce(EXCLUDED.site, archive_ranges.site)
                """, [range, site])
            try db.execute("SELECT range FROM archive_ranges WHERE range = $1 FOR UPDATE", [range])
            let head = try self.head(range: range)
            var count = ArchivePushCount()
            for entry in entries where entry.sequence <= head.sequence {
                let held = try db.execute("SELECT hash FROM archive_entries WHERE range = $1 AND sequence = $2", [range, String(entry.sequence)]).scalar
                guard held == entry.hash else {
                    throw ArchiveError("the archive's chain of range '\(range)' diverges from this log at entry \(entry.sequence) "
                                       + "(archive \(held?.prefix(16) ?? "none")…, log \(entry.hash.prefix(16))…): another log was pushed "
                                       + "under this range's name, or this log was rewritten")
                }
                count.alreadyArchived += 1
            }
            for recording in recordings {
                let inserted = try db.execute("""
                    INSERT INTO archive_recordings (sha256, bytes, stored_path, range, run_id, metadata) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT (sha256) DO NOTHING RETURNING sha256
                    """, [recording.sha256, String(recording.bytes), RecordingStore.relativePath(sha256: recording.sha256), range,
                          recording.runID, recording.metadata])
                count.recordingsRegistered += inserted.values.count
            }
            for entry in entries where entry.sequence > head.sequence {
                try db.execute("""
                    INSERT INTO archive_entries (range, sequence, kind, run_id, plan, system_name, system_version, system_firmware,
                        sources, recording_path, recording_sha256, config_sha256, software_version, software_commit, metrics,
                        verdicts, logged_utc, previous_hash, hash, signature, signer, logged_at, site)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::text, $18, $19, $20, $21,
                            $17::text::timestamptz, $22)
                    """, [range, String(entry.sequence), entry.kind, entry.runID, entry.plan, entry.systemName, entry.systemVersion,
                          entry.systemFirmware, entry.sources, entry.recordingPath, entry.recordingSHA256, entry.configSHA256,
                          entry.softwareVersion, entry.softwareCommit, entry.metrics, entry.verdicts, entry.loggedUTC,
                          entry.previousHash, entry.hash, entry.signature, entry.signer, site])
                count.pushed.append(entry.sequence)
            }
            return count
        }
    }

    /// Which of `hashes` the archive has registered as recordings.
    public func registeredRecordings(_ hashes: Set<String>) throws(ArchiveError) -> Set<String> {
        guard !hashes.isEmpty else { return [] }
        return Set(try db.execute("SELECT sha256 FROM archive_recordings WHERE sha256 = ANY($1::text[])",
                                  [Self.textArray(Array(hashes))]).values.compactMap { $0[0] })
    }

    /// SHA-256s as one PostgreSQL array literal (`{ab…,cd…}`), for `= ANY($1::text[])`; only hex names
    /// go in, so nothing needs quoting.
    static func textArray(_ hashes: [String]) -> String {
        "{" + hashes.filter(RecordingStore.isHash).sorted().joined(separator: ",") + "}"
    }

    /// Stores a signed report's manifest (its text exactly), once.
    @discardableResult
    public func storeReport(manifestText: String, manifestSHA256: String, range: String, reportID: String,
                            recordingSHA256: String, runLogHead: String) throws(ArchiveError) -> Bool {
        !(try db.execute("""
            INSERT INTO archive_reports (manifest_sha256, range, report_id, recording_sha256, run_log_head, manifest)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (manifest_sha256) DO NOTHING RETURNING manifest_sha256
            """, [manifestSHA256, range, reportID, recordingSHA256, runLogHead, manifestText]).values.isEmpty)
    }

    // MARK: Reading it back

    /// The ranges, by name.
    public func ranges() throws(ArchiveError) -> [String] {
        try db.execute("SELECT range FROM archive_ranges ORDER BY range").values.compactMap { $0[0] }
    }

    /// Every entry of `range`, in order.
    public func entries(range: String) throws(ArchiveError) -> [RunLogEntry] {
        try db.execute("""
            SELECT sequence, kind, run_id, plan, system_name, system_version, system_firmware, sources, recording_path,
                recording_sha256, config_sha256, software_version, software_commit, metrics, verdicts, logged_utc,
                previous_hash, hash, signature, signer
            FROM archive_entries WHERE range = $1 ORDER BY sequence
            """, [range]).values.map { v in
            RunLogEntry(sequence: Int64(v[0] ?? "") ?? 0, kind: v[1] ?? "", runID: v[2] ?? "", plan: v[3], systemName: v[4],
                        systemVersion: v[5], systemFirmware: v[6], sources: v[7] ?? "", recordingPath: v[8], recordingSHA256: v[9],
                        configSHA256: v[10] ?? "", softwareVersion: v[11] ?? "", softwareCommit: v[12] ?? "", metrics: v[13] ?? "",
                        verdicts: v[14] ?? "", loggedUTC: v[15] ?? "", previousHash: v[16] ?? "", hash: v[17] ?? "",
                        signature: v[18], signer: v[19])
        }
    }

    /// The time each entry of `range` is filed under (`logged_at`, which `--from` and `--to` read), in
    /// seconds since 1970, by sequence: not covered by the entry's hash, so checked against it.
    public func filedTimes(range: String) throws(ArchiveError) -> [Int64: Double] {
        var times: [Int64: Double] = [:]
        for v in try db.execute("SELECT sequence, extract(epoch FROM logged_at) FROM archive_entries WHERE range = $1", [range]).values {
            if let sequence = v[0].flatMap({ Int64($0) }), let seconds = v[1].flatMap({ Double($0) }) { times[sequence] = seconds }
        }
        return times
    }

    /// Every plan jobs were queued for.
    public func plans() throws(ArchiveError) -> [ArchivePlan] {
        try db.execute("SELECT sha256, name, system_name, text, includes FROM archive_plans ORDER BY sha256").values.map {
            ArchivePlan(sha256: $0[0] ?? "", name: $0[1] ?? "", systemName: $0[2], text: $0[3] ?? "", includes: $0[4] ?? "{}")
        }
    }

    /// Every stored recording: hash, size and where in the store.
    public func recordings() throws(ArchiveError) -> [(sha256: String, bytes: Int64, storedPath: String)] {
        try db.execute("SELECT sha256, bytes, stored_path FROM archive_recordings ORDER BY sha256").values.map {
            ($0[0] ?? "", Int64($0[1] ?? "") ?? -1, $0[2] ?? "")
        }
    }

    /// Every report manifest, as stored, with the range that pushed it.
    public func reports() throws(ArchiveError) -> [(range: String, manifestSHA256: String, manifest: String)] {
        try db.execute("SELECT range, manifest_sha256, manifest FROM archive_reports ORDER BY pushed_utc, manifest_sha256").values.map {
            ($0[0] ?? "", $0[1] ?? "", $0[2] ?? "")
        }
    }

    /// The recorded runs that pass `filter`, oldest first, each with the plans and systems it was
    /// evaluated under (reports' `draft` and `signature` entries, and re-evaluation results).
    public func runs(_ filter: ArchiveRunFilter) throws(ArchiveError) -> [ArchivedRun] {
        // The evaluations are gathered once per recording and joined by hash: one pass over each
        // table, not one sub-query per run (docs/archive.md, "Scale on paper").
        let rows = try db.execute("""
            WITH evaluations AS (
                -- A report's entry names the plan and the system under test together; a re-evaluation's
                -- result names only the plan: it says nothing about whose run the recording was.
                SELECT d.recording_sha256, d.plan, d.system_name, true AS reported FROM archive_entries d
                    WHERE d.kind IN ('draft', 'signature') AND d.plan IS NOT NULL AND d.recording_sha256 IS NOT NULL
                UNION
                SELECT s.recording_sha256, s.plan, NULL, false FROM archive_results s),
            by_recording AS (
                SELECT recording_sha256, json_agg(DISTINCT plan) AS plans,
                    coalesce(json_agg(DISTINCT system_name) FILTER (WHERE system_name IS NOT NULL), '[]') AS systems,
                    -- One report for that system under that plan; or a report for that system and a
                    -- result under that plan.
                    coalesce(bool_or(reported AND ($1::text IS NULL OR system_name = $1) AND ($2::text IS NULL OR plan = $2)), false)
                    OR (($1::text IS NULL OR coalesce(bool_or(reported AND system_name = $1), false))
                        AND coalesce(bool_or(NOT reported AND ($2::text IS NULL OR plan = $2)), false)) AS matches
                FROM evaluations GROUP BY recording_sha256)
            SELECT e.range, e.sequence, e.run_id, e.site, e.logged_utc, e.recording_sha256, r.bytes,
                coalesce(v.plans, '[]'), coalesce(v.systems, '[]')
            FROM archive_entries e
                LEFT JOIN archive_recordings r ON r.sha256 = e.recording_sha256
                LEFT JOIN by_recording v ON v.recording_sha256 = e.recording_sha256
            WHERE e.kind = 'recording'
              AND (($1::text IS NULL AND $2::text IS NULL) OR coalesce(v.matches, false))
              AND ($3::text IS NULL OR e.site = $3)
              AND ($4::text IS NULL OR e.range = $4)
              AND ($5::timestamptz IS NULL OR e.logged_at >= $5::timestamptz)
              AND ($6::timestamptz IS NULL OR e.logged_at < $6::timestamptz)
            ORDER BY e.logged_at, e.range, e.sequence
            """, [filter.system, filter.plan, filter.site, filter.range, filter.from, filter.until])
        return rows.values.map { v in
            ArchivedRun(range: v[0] ?? "", sequence: Int64(v[1] ?? "") ?? 0, runID: v[2] ?? "", site: v[3], loggedUTC: v[4] ?? "",
                        recordingSHA256: v[5], recordingBytes: v[6].flatMap { Int64($0) },
                        plans: Self.strings(json: v[7]), systems: Self.strings(json: v[8]))
        }
    }

    private static func strings(json: String?) -> [String] {
        guard let json, let data = json.data(using: .utf8),
              let array = try? JSONSerialization.jsonObject(with: data) as? [Any] else { return [] }
        return array.compactMap { $0 as? String }.sorted()
    }
}
