// One run of a `haechi campaign`: its Pd figures per criterion.

/// One run of a campaign: its Pd figures, and whether each Pd criterion's figure met the requirement.
public struct CampaignRun: Sendable, Encodable {
    public var runID: String
    public var recording: String
    /// Per Pd criterion (by figure key): the run's pooled Pd, its counts, and whether it met the requirement.
    public var pd: [String: CampaignRunFigure]
    /// For a campaign over the archive: the recording's SHA-256 and the range that recorded it.
    public var recordingSHA256: String?
    public var range: String?
    /// For a campaign over the archive: `archive result` (a worker's) or `scored here`.
    public var figuresFrom: String?

    public init(runID: String, recording: String, pd: [String: CampaignRunFigure]) {
        self.runID = runID
        self.recording = recording
        self.pd = pd
    }

    enum CodingKeys: String, CodingKey { case runID = "run_id", recording, pd, recordingSHA256 = "recording_sha256", range, figuresFrom = "figures_from" }
}
