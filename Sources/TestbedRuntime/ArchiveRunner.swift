// `haechi archive`: push a range's log and recordings, list runs, queue re-evaluations, show progress.
public import Archive
import RunLog
import Reporting
import Foundation
public import TestbedConfiguration

/// Runs the `haechi archive` commands (docs/archive.md).
public enum ArchiveRunner {
    /// The software identity results are keyed by: a result is reused only by the same version built
    /// from the same commit, since another build may score differently.
    public static var softwareIdentity: String { "\(HaechiVersion.version)+\(HaechiVersion.commit)" }

    /// The archive the config at `configPath` names, connected.
    public static func open(configPath: String) throws(RuntimeError) -> (ArchiveSettings, RunArchive) {
        let settings = try ArchiveSettings.load(path: configPath)
        return (settings, try connect(settings, configPath: configPath))
    }

    /// The archive `settings` names, connected.
    static func connect(_ settings: ArchiveSettings, configPath: String) throws(RuntimeError) -> RunArchive {
        let password = try settings.password()
        do {
            return try RunArchive(url: settings.url, password: password)
        } catch {
            throw RuntimeError(code: .io, file: configPath, field: "archive.url", message: error.message)
        }
    }

    static func wrap<T>(_ body: () throws(ArchiveError) -> T) throws(RuntimeError) -> T {
        do { return try body() } catch { throw RuntimeError(code: .io, message: error.message) }
    }

    static func store(_ settings: ArchiveSettings, configPath: String) throws(RuntimeError) -> RecordingStore {
        guard let root = settings.store else {
            throw RuntimeError(code: .config, file: configPath, field: "archive.store", message: "required: the shared recordings store's folder")
        }
        return RecordingStore(root: root)
    }

    // MARK: push

    /// Pushes the range's run log (entries the archive does not hold yet), its recordings (into the
    /// store, by content hash) and the given signed report folders' manifests.
    ///
    /// Recordings are copied before the entries are committed, so an entry in the archive always has
    /// its recording in the store; a push that fails part-way commits no entry and can be repeated.
    public static func push(configPath: String, logPath: String, reportFolders: [String]) throws(RuntimeError) -> ArchivePushSummary {
        let (settings, archive) = try open(configPath: configPath)
        guard let range = settings.range else {
            throw RuntimeError(code: .config, file: configPath, field: "archive.range", message: "required to push: this range's name")
        }
        let store = try store(settings, configPath: configPath)
        guard FileManager.default.fileExists(atPath: logPath) else {
            throw RuntimeError(code: .io, file: logPath, message: "no run log here")
        }
        let log: RunLog
        let entries: [RunLogEntry]
        do {
            log = try RunLog(path: logPath)
            entries = try log.entries()
        } catch {
            throw RuntimeError(code: .io, file: logPath, message: error.message)
        }
        // A log that does not verify is not pushed: the archive would only hold its damage.
        let problems = RunLog.chainProblems(entries)
        if let first = problems.first {
            throw RuntimeError(code: .io, file: logPath, message: "the run log does not verify (\(first)): not pushed")
        }
        let head = try wrap { () throws(ArchiveError) in try archive.head(range: range) }
        if head.sequence > entries.count || (head.sequence > 0 && entries[Int(head.sequence) - 1].hash != head.hash) {
            throw RuntimeError(code: .io, file: logPath, message: "the archive's chain of range '\(range)' (\(head.sequence) entries, head "
                               + "\(head.hash.prefix(16))…) diverges from this log (\(entries.count) entries): another log was pushed "
                               + "under this range's name, or this log was rewritten")
        }
        let new = entries.filter { $0.sequence > head.sequence }
        var summary = ArchivePushSummary(range: range)
        var recordings: [ArchivedRecording] = []
        var seen: Set<String> = []
        // A recording the archive already holds (registered, and its object in the store) is not read
        // again: a range may prune its copy once pushed, and a later report naming it still pushes.
        let registered = try wrap { () throws(ArchiveError) in try archive.registeredRecordings(Set(new.compactMap(\.recordingSHA256))) }
        for entry in new {
            guard let sha = entry.recordingSHA256, let named = entry.recordingPath, seen.insert(sha).inserted else { continue }
            if registered.contains(sha), let stored = store.path(sha256: sha), FileManager.default.fileExists(atPath: stored) {
                summary.recordingsAlreadyStored += 1
                continue
            }
            let path = log.resolve(named)
            do {
                if try store.put(file: path, sha256: sha) { summary.recordingsStored += 1 } else { summary.recordingsAlreadyStored += 1 }
            } catch {
                throw RuntimeError(code: .io, file: path, message: "cannot store the recording of entry \(entry.sequence): \(error.message)")
            }
            recordings.append(ArchivedRecording(sha256: sha, bytes: Int64(DiskSpace.fileSize(path)), runID: entry.runID, metadata: metadata(path)))
        }
        let count = try wrap { () throws(ArchiveError) in
            try archive.append(new, range: range, site: settings.site, recordings: recordings)
        }
        summary.entriesPushed = count.pushed.count
        summary.firstSequence = count.pushed.first
        summary.lastSequence = count.pushed.last
        summary.alreadyArchived = Int(head.sequence) + count.alreadyArchived
        for folder in reportFolders {
            if try pushReport(folder, range: range, archive: archive) { summary.reportsPushed += 1 }
        }
        return summary
    }

    private static func pushReport(_ folder: String, range: String, archive: RunArchive) throws(RuntimeError) -> Bool {
        // The folder is checked as haechi verify checks it before its manifest is archived: an
        // archived manifest is one that verified where it was made.
        let read: ReportFolder
        switch try ReportFolder.read(folder) {
        case .success(let found): read = found
        case .failure(let error): throw error
        }
        let (covered, keyProblems) = read.coveredFiles()
        let problems = keyProblems + ReportSigner.verify(manifest: read.manifest, files: covered, trustedPublicKey: nil).map(\.description)
        if let first = problems.first {
            throw RuntimeError(code: .io, file: folder, message: "the report does not verify (\(first)): not pushed")
        }
        let path = (folder as NSString).appendingPathComponent(SignedManifest.fileName)
        guard let data = FileManager.default.contents(atPath: path) else {
            throw RuntimeError(code: .io, file: path, message: "cannot read the manifest")
        }
        let manifest = read.manifest
        return try wrap { () throws(ArchiveError) in
            try archive.storeReport(manifestText: String(decoding: data, as: UTF8.self), manifestSHA256: RunLog.sha256Hex(data),
                                    range: range, reportID: manifest.reportID, recordingSHA256: manifest.recordingSHA256,
                                    runLogHead: manifest.runLogHeadHash)
        }
    }

    /// The recording's summary as `haechi info --json` gives it, less the local path.
    private static func metadata(_ path: String) -> String {
        guard var info = try? RecordingInfoRunner.run(path: path) else { return "{}" }
        info.path = (path as NSString).lastPathComponent
        return (try? info.jsonText()) ?? "{}"
    }

    // MARK: runs, rescore, jobs

    /// The archived runs that pass `filter`.
    public static func runs(configPath: String, filter: ArchiveRunFilter) throws(RuntimeError) -> [ArchivedRun] {
        let (_, archive) = try open(configPath: configPath)
        return try wrap { () throws(ArchiveError) in try archive.runs(filter) }
    }

    /// Queues a re-evaluation of every archived run `filter` takes under the plan at `planPath`.
    public static func rescore(configPath: String, planPath: String, filter: ArchiveRunFilter,
                               again: Bool = false) throws(RuntimeError) -> ArchiveRescoreSummary {
        let plan = try TestPlan.load(path: planPath)
        let (_, archive) = try open(configPath: configPath)
        let archived = ArchivePlanBundle.archived(plan)
        let (queued, already) = try wrap { () throws(ArchiveError) in
            try archive.queueJobs(plan: archived, softwareVersion: softwareIdentity, filter: filter, again: again)
        }
        return ArchiveRescoreSummary(queued: queued, already: already, plan: plan.name, planSHA256: archived.sha256,
                                     softwareVersion: softwareIdentity)
    }

    /// How many jobs are queued, running, done and failed (for one plan, or all).
    public static func jobs(configPath: String, planPath: String?) throws(RuntimeError) -> ArchiveJobCounts {
        let planSHA = try planPath.map { path throws(RuntimeError) in ArchivePlanBundle.sha256(try TestPlan.load(path: path)) }
        let (_, archive) = try open(configPath: configPath)
        return try wrap { () throws(ArchiveError) in try archive.jobCounts(planSHA256: planSHA) }
    }

    /// A `--from`/`--to` bound as an ISO 8601 time: a date alone is its midnight UTC for `--from`, and
    /// the next day's midnight for `--to` (so `--to 2026-12-08` takes the whole day).
    public static func timeBound(_ text: String, isEnd: Bool) -> String? {
        let day = DateFormatter()
        day.locale = Locale(identifier: "en_US_POSIX")
        day.timeZone = TimeZone(identifier: "UTC")
        day.dateFormat = "yyyy-MM-dd"
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime]
        if let date = day.date(from: text), text.count == 10 {
            return iso.string(from: isEnd ? date.addingTimeInterval(86_400) : date)
        }
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
            let parser = ISO8601DateFormatter()
            parser.formatOptions = options
            if let date = parser.date(from: text) {
                iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
                return iso.string(from: date)
            }
        }
        return nil
    }
}
