// What `haechi report` does: the run, the plan, languages and formats, the output folder and the keys.
public import Reporting

/// What `haechi report` does.
public struct ReportOptions: Sendable {
    /// A run id in the run log, or a recording's path.
    public var target: String
    /// The test plan.
    public var planPath: String
    /// Languages and formats.
    public var language: ReportLanguage
    public var formats: [ReportFormat]
    /// The output folder (created; files in it are replaced).
    public var outputDirectory: String
    /// The run log.
    public var logPath: String
    /// The range's signing key; `nil`: ``RangeKey/defaultPath(environment:)``, made on first use.
    public var keyPath: String?
    /// A track file to score instead of Haechi's replayed tracker (a system under test's own tracks).
    public var tracksPath: String?
    /// A system under test whose reported tracks (recorded during the run) to score instead of
    /// Haechi's replayed tracker, by its sensor id.
    public var systemTracks: String?
    /// Also print each HTML report to PDF (`report.<lang>.pdf`, signed with the rest) with headless Chromium.
    public var pdf = false
    /// Where progress goes (the command line's progress bar); `nil`: nowhere.
    public var progress: (any RunProgress)?

    public init(target: String, planPath: String, language: ReportLanguage, formats: [ReportFormat], outputDirectory: String,
                logPath: String, keyPath: String?, tracksPath: String? = nil) {
        self.tracksPath = tracksPath
        self.target = target
        self.planPath = planPath
        self.language = language
        self.formats = formats
        self.outputDirectory = outputDirectory
        self.logPath = logPath
        self.keyPath = keyPath
    }
}
