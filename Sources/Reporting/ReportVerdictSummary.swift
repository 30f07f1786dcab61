// The count of verdicts by outcome and the overall verdict that follows from them.

/// How many acceptance criteria passed, failed, were inconclusive or not evaluable, and the overall
/// verdict.
///
/// The overall verdict is `FAIL` if any criterion failed; otherwise `INCONCLUSIVE` if any was
/// inconclusive, not evaluable or had an outcome this version does not know; otherwise `PASS` if there
/// was at least one criterion; and `NOT_EVALUABLE` when the plan had none. A criterion that could not be
/// evaluated therefore never lets a report pass.
public struct ReportVerdictSummary: Sendable, Codable, Hashable {
    /// Criteria with outcome `PASS`.
    public var pass: Int
    /// Criteria with outcome `FAIL`.
    public var fail: Int
    /// Criteria with outcome `INCONCLUSIVE`.
    public var inconclusive: Int
    /// Criteria with outcome `NOT_EVALUABLE`.
    public var notEvaluable: Int
    /// Criteria whose outcome is none of the four.
    public var unrecognised: Int
    /// All criteria.
    public var total: Int
    /// `PASS`, `FAIL`, `INCONCLUSIVE` or `NOT_EVALUABLE`, by the rule above.
    public var overall: String

    /// The summary of `verdicts`.
    public init(verdicts: [ReportVerdict]) {
        var pass = 0, fail = 0, inconclusive = 0, notEvaluable = 0, unrecognised = 0
        for verdict in verdicts {
            switch Self.normalisedOutcome(verdict.outcome) {
            case "PASS": pass += 1
            case "FAIL": fail += 1
            case "INCONCLUSIVE": inconclusive += 1
            case "NOT_EVALUABLE": notEvaluable += 1
            default: unrecognised += 1
            }
        }
        self.pass = pass
        self.fail = fail
        self.inconclusive = inconclusive
        self.notEvaluable = notEvaluable
        self.unrecognised = unrecognised
        total = verdicts.count
        overall = if fail > 0 { "FAIL" }
            else if inconclusive + notEvaluable + unrecognised > 0 { "INCONCLUSIVE" }
            else if pass > 0 { "PASS" }
            else { "NOT_EVALUABLE" }
    }

    /// An outcome code in upper case with spaces and hyphens as underscores (`not evaluable` →
    /// `NOT_EVALUABLE`).
    static func normalisedOutcome(_ code: String) -> String {
        String(code.uppercased().map { $0 == " " || $0 == "-" ? "_" : $0 })
    }
}
