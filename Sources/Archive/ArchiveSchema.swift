// The archive's tables in PostgreSQL, made once by whichever command reaches an empty database first.

/// The archive's schema (docs/archive.md, "Tables").
///
/// The run-log entries keep every field of the range's SQLite log as the same text, so their hashes
/// and signatures check in the archive exactly as on the range. The database guards them too: a
/// trigger refuses UPDATE and DELETE, and another refuses an entry that does not link to its range's
/// previous entry, so two pushes can never interleave one chain whatever a client does.
enum ArchiveSchema {
    static let version = 3

    static let statements = [
        """
        CREATE TABLE IF NOT EXISTS archive_schema (version integer NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS archive_ranges (
            range text PRIMARY KEY,
            site text,
            first_pushed_utc timestamptz NOT NULL DEFAULT now(),
            last_pushed_utc timestamptz NOT NULL DEFAULT now())
        """,
        """
        CREATE TABLE IF NOT EXISTS archive_entries (
            range text NOT NULL REFERENCES archive_ranges (range),
            sequence bigint NOT NULL CHECK (sequence >= 1),
            kind text NOT NULL, run_id text NOT NULL, plan text,
            system_name text, system_version text, system_firmware text,
            sources text NOT NULL, recording_path text, recording_sha256 text,
            config_sha256 text NOT NULL, software_version text NOT NULL, software_commit text NOT NULL,
            metrics text NOT NULL, verdicts text NOT NULL, logged_utc text NOT NULL,
            previous_hash text NOT NULL, hash text NOT NULL, signature text, signer text,
            logged_at timestamptz NOT NULL,
            site text,
            pushed_utc timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (range, sequence),
            UNIQUE (range, hash))
        """,
        // Version 2: an entry's recording hash is hex, as the recordings' is, so no text in the table
        // can name a path outside the store.
        """
        DO $$ BEGIN
            ALTER TABLE archive_entries ADD CONSTRAINT archive_entries_recording_hex
                CHECK (recording_sha256 IS NULL OR recording_sha256 ~ '^[0-9a-f]{64}$');
        EXCEPTION WHEN duplicate_object THEN NULL;
        END $$
        """,
        "CREATE INDEX IF NOT EXISTS archive_entries_by_system ON archive_entries (system_name, kind, logged_at)",
        "CREATE INDEX IF NOT EXISTS archive_entries_by_plan ON archive_entries (plan, run_id) WHERE plan IS NOT NULL",
        "CREATE INDEX IF NOT EXISTS archive_entries_by_run ON archive_entries (run_id)",
        "CREATE INDEX IF NOT EXISTS archive_entries_by_recording ON archive_entries (recording_sha256) WHERE recording_sha256 IS NOT NULL",
        """
        CREATE OR REPLACE FUNCTION archive_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            RAISE EXCEPTION 'the archive''s run-log entries are append-only';
        END $$
        """,
        """
        CREATE OR REPLACE TRIGGER archive_entries_append_only BEFORE UPDATE OR DELETE ON archive_entries
            FOR EACH ROW EXECUTE FUNCTION archive_entries_append_only()
        """,
        """
        CREATE OR REPLACE FUNCTION archive_entries_link() RETURNS trigger LANGUAGE plpgsql
        -- Version 3: planned for each entry. A generic plan, made while a first push found the table
        -- almost empty, kept a sequential scan for the whole push: quadratic in the log's length.
        SET plan_cache_mode = force_custom_plan AS $$
        DECLARE
            prior text;
        BEGIN
            IF NEW.sequence = 1 THEN
                prior := repeat('0', 64);
            ELSE
                SELECT hash INTO prior FROM archive_entries WHERE range = NEW.range AND sequence = NEW.sequence - 1;
            END IF;
            IF prior IS DISTINCT FROM NEW.previous_hash THEN
                RAISE EXCEPTION 'entry % of range % does not link to entry %', NEW.sequence, NEW.range, NEW.sequence - 1
                    USING ERRCODE = 'check_violation';
            END IF;
            RETURN NEW;
        END $$
        """,
        """
        CREATE OR REPLACE TRIGGER archive_entries_link BEFORE INSERT ON archive_entries
            FOR EACH ROW EXECUTE FUNCTION archive_entries_link()
        """,
        """
        CREATE TABLE IF NOT EXISTS archive_recordings (
            sha256 text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
            bytes bigint NOT NULL,
            stored_path text NOT NULL,
            range text NOT NULL,
            run_id text NOT NULL,
            metadata text NOT NULL,
            stored_utc timestamptz NOT NULL DEFAULT now())
        """,
        """
        CREATE TABLE IF NOT EXISTS archive_reports (
            manifest_sha256 text PRIMARY KEY,
            range text NOT NULL,
            report_id text,
            recording_sha256 text,
            run_log_head text,
            manifest text NOT NULL,
            pushed_utc timestamptz NOT NULL DEFAULT now())
        """,
        """
        CREATE TABLE IF NOT EXISTS archive_plans (
            sha256 text PRIMARY KEY,
            name text NOT NULL,
            system_name text,
            text text NOT NULL,
            includes text NOT NULL DEFAULT '{}')
        """,
        """
        CREATE TABLE IF NOT EXISTS archive_jobs (
            id bigserial PRIMARY KEY,
            recording_sha256 text NOT NULL REFERENCES archive_recordings (sha256),
            range text NOT NULL,
            run_id text NOT NULL,
            plan_sha256 text NOT NULL REFERENCES archive_plans (sha256),
            software_version text NOT NULL,
            state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'running', 'done', 'failed')),
            worker text,
            lease_until timestamptz,
            attempts integer NOT NULL DEFAULT 0,
            error text,
            queued_utc timestamptz NOT NULL DEFAULT now(),
            started_utc timestamptz,
            finished_utc timestamptz,
            UNIQUE (recording_sha256, plan_sha256, software_version))
        """,
        "CREATE INDEX IF NOT EXISTS archive_jobs_open ON archive_jobs (id) WHERE state IN ('queued', 'running')",
        // The worker's sweep of expired leases reads only running jobs, however many were ever queued.
        "CREATE INDEX IF NOT EXISTS archive_jobs_leased ON archive_jobs (lease_until) WHERE state = 'running'",
        """
        CREATE TABLE IF NOT EXISTS archive_results (
            recording_sha256 text NOT NULL,
            plan_sha256 text NOT NULL,
            software_version text NOT NULL,
            run_id text NOT NULL,
            plan text NOT NULL,
            figures text NOT NULL,
            verdicts text NOT NULL,
            worker text NOT NULL,
            evaluated_utc timestamptz NOT NULL DEFAULT now(),
            PRIMARY KEY (recording_sha256, plan_sha256, software_version))
        """,
        "CREATE INDEX IF NOT EXISTS archive_results_by_plan ON archive_results (plan, plan_sha256)",
    ]

    /// Makes the tables if they are missing (or brings an older version's up to this one: every
    /// statement above can run again), under an advisory lock: commands starting together on an
    /// empty database would otherwise race in `CREATE TABLE IF NOT EXISTS` (which is not atomic in
    /// PostgreSQL). A database made by a newer Haechi is refused rather than written in an old form.
    static func ensure(_ connection: PostgresConnection) throws(ArchiveError) {
        try connection.transaction { db throws(ArchiveError) in
            try db.execute("SELECT pg_advisory_xact_lock(7235061234)")
            let present = try db.execute("SELECT to_regclass('archive_schema') IS NOT NULL").scalar == "t"
            if present, let found = try db.execute("SELECT max(version) FROM archive_schema").scalar.flatMap(Int.init) {
                guard found <= version else {
                    throw ArchiveError("the archive's schema is version \(found), newer than this Haechi's (\(version)): upgrade Haechi")
                }
                if found == version { return }
            }
            for statement in statements { try db.execute(statement) }
            try db.execute("DELETE FROM archive_schema")
            try db.execute("INSERT INTO archive_schema (version) VALUES ($1)", [String(version)])
        }
    }
}
