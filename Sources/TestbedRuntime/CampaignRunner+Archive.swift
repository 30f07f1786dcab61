// `haechi campaign --archive`: the same campaign over every archived run of one system under one plan.
public import Archive
import Reporting
public import TestbedConfiguration

extension CampaignRunner {
    /// The campaign over every archived run of `system` evaluated under the plan's name (a report's
    /// entry, or a re-evaluation's result), from every range, with `filter`'s site and time bounds.
    ///
    /// Each run's figures come from the archive's result for (recording, plan text, this software)
    /// when there is one, as a worker computed them with the report's evaluator; otherwise the
    /// recording is scored here, from the store, after its SHA-256 is checked. Either way they are the
    /// figures the file-based campaign would compute, and the summary is made the same way.
    ///
    /// A result in the archive is what a worker wrote, and anyone who can write to the database can
    /// change it: `scoreHere` scores every run from the store instead (whose content is checked
    /// against its hash), as an auditor would; each run says where its figures came from.
    public static func runArchive(configPath: String, planPath: String, system: String, filter: ArchiveRunFilter,
                                  scoreHere: Bool = false) throws(RuntimeError) -> CampaignSummary {
        let plan = try TestPlan.load(path: planPath)
        let criteria = try pdCriteria(plan, planPath: planPath)
        let (settings, archive) = try ArchiveRunner.open(configPath: configPath)
        var filter = filter
        filter.system = system
        filter.plan = plan.name
        let matching = try ArchiveRunner.wrap { () throws(ArchiveError) in try archive.runs(filter) }
        let planSHA256 = ArchivePlanBundle.sha256(plan)
        let stored = scoreHere ? [:] : try ArchiveRunner.wrap { () throws(ArchiveError) in
            try archive.resultFigures(recordings: matching.compactMap(\.recordingSHA256), planSHA256: planSHA256,
                                      softwareVersion: ArchiveRunner.softwareIdentity)
        }
        var runs: [CampaignRun] = []
        var seen: Set<String> = []
        for run in matching {
            guard let sha = run.recordingSHA256, seen.insert(sha).inserted else { continue }
            let figures: [ReportFigure]
            let source: String
            if let json = stored[sha], let decoded = ArchiveScoring.Scored.figures(json: json) {
                figures = decoded
                source = "archive result"
            } else {
                let store = try ArchiveRunner.store(settings, configPath: configPath)
                let path = try ArchiveScoring.verifiedRecording(sha, in: store, run: "run \(run.runID) (range \(run.range))")
                figures = try ArchiveScoring.score(recording: path, plan: plan).figures
                source = "scored here"
            }
            var entry = CampaignRun(runID: run.runID, recording: RecordingStore.relativePath(sha256: sha), pd: self.figures(criteria, figures))
            entry.recordingSHA256 = sha
            entry.range = run.range
            entry.figuresFrom = source
            runs.append(entry)
        }
        return summary(plan: plan, criteria: criteria, runs: runs)
    }
}
