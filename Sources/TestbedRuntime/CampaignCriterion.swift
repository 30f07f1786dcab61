// A campaign's figure of one Pd criterion: run-level Pd, its bounds, the verdict and the runs still needed.

/// The campaign-level figure of one Pd criterion.
public struct CampaignCriterion: Sendable, Encodable {
    public var criterion: String
    public var figureKey: String
    /// Runs that count (the figure was evaluable), runs that met the requirement.
    public var runs: Int
    public var successes: Int
    /// Run-level Pd = successes / runs, with its two-sided Clopper–Pearson interval and one-sided lower bound.
    public var runLevelPd: Double?
    public var lower: Double?
    public var upper: Double?
    public var oneSidedLower: Double?
    public var confidence: Double
    /// The verdict on the run-level Pd against the requirement, and the number of runs (in all) a
    /// campaign with the failures seen so far needs to claim it.
    public var verdict: String
    public var runsNeeded: Int?
    public var furtherRunsNeeded: Int?

    enum CodingKeys: String, CodingKey {
        case criterion, figureKey = "figure_key", runs, successes, runLevelPd = "run_level_pd", lower, upper
        case oneSidedLower = "one_sided_lower", confidence, verdict, runsNeeded = "runs_needed", furtherRunsNeeded = "further_runs_needed"
    }
}
