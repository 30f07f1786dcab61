// What `haechi report` wrote: the files, the outcome and verdicts, and the signing key.
public import Reporting

/// What `haechi report` wrote.
public struct ReportResult: Sendable {
    /// The files written, the overall outcome, and the verdicts.
    public var files: [String]
    public var overall: String
    public var verdicts: [ReportVerdict]
    public var notEvaluable: [String]
    /// The public key's fingerprint, and where a newly made key was saved.
    public var keyFingerprint: String
    public var generatedKey: String?
    /// The font the HTML embeds (`NanumGothic (NanumGothic.ttf)`); `nil`: none was found.
    public var embeddedFont: String? = nil
}
