// `haechi campaign --archive`: the same campaign over every archived run of one system under one plan.
public import Archive
import Reporting
import RunLog
public import TestbedConfiguration

extension CampaignRunner {
    /// The campaign over every archived run of `system` evaluated under the plan's name (a report's
    /// entry, or a re-evaluation's result), from every range, with `filter`'s site and time bounds.
    ///
    /// Each run's figures come from the archive's result for (recording, plan text, this software)
    /// when there is one, as a worker computed them with the report's evaluator; otherwise the
    /// recording is scored here, from the store, after its SHA-256 is checked. Either way they are the
    /// figures the file-based campaign would compute, and the summary is made the same way.
    public static func runArchive(configPath: String, planPath: String, system: String,
                                  filter: ArchiveRunFilter) throws(RuntimeError) -> CampaignSummary {
        let plan = try TestPlan.load(path: planPath)
        let criteria = try pdCriteria(plan, planPath: planPath)
        let (settings, archive) = try ArchiveRunner.open(configPath: configPath)
        var filter = filter
        filter.system = system
        filter.plan = plan.name
        let matching = try ArchiveRunner.wrap { () throws(ArchiveError) in try archive.runs(filter) }
        var runs: [CampaignRun] = []
        var seen: Set<String> = []
        for run in matching {
            guard let sha = run.recordingSHA256, seen.insert(sha).inserted else { continue }
            let stored = try ArchiveRunner.wrap { () throws(ArchiveError) in
                try archive.result(recordingSHA256: sha, planSHA256: ArchivePlanBundle.sha256(plan), softwareVersion: ArchiveRunner.softwareIdentity)
            }
            let figures: [ReportFigure]
            if let stored, let decoded = ArchiveScoring.Scored.figures(json: stored.figures) {
                figures = decoded
            } else {
                let store = try ArchiveRunner.store(settings, configPath: configPath)
                let path = store.path(sha256: sha)
                guard let actual = RunLog.sha256Hex(file: path) else {
                    throw RuntimeError(code: .io, file: path, message: "run \(run.runID) (range \(run.range)): its recording is missing from the store")
                }
                guard actual == sha else {
                    throw RuntimeError(code: .io, file: path, message: "run \(run.runID) (range \(run.range)): the stored recording changed (SHA-256 \(actual))")
                }
                figures = try ArchiveScoring.score(recording: path, plan: plan).figures
            }
            var entry = CampaignRun(runID: run.runID, recording: RecordingStore.relativePath(sha256: sha), pd: self.figures(criteria, figures))
            entry.recordingSHA256 = sha
            entry.range = run.range
            runs.append(entry)
        }
        return summary(plan: plan, criteria: criteria, runs: runs)
    }
}
