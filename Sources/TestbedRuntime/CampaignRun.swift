// One run of a `haechi campaign`: its Pd figures per criterion.

/// One run of a campaign: its Pd figures, and whether each Pd criterion's figure met the requirement.
public struct CampaignRun: Sendable, Encodable {
    public var runID: String
    public var recording: String
    /// Per Pd criterion (by figure key): the run's pooled Pd, its counts, and whether it met the requirement.
    public var pd: [String: CampaignRunFigure]

    enum CodingKeys: String, CodingKey { case runID = "run_id", recording, pd }
}
