// Everything a certification report shows: the model the HTML, Markdown and JSON renderers read.

/// One figure of the report with its unit and, where it has one, its confidence interval.
public struct ReportFigure: Sendable, Codable, Hashable {
    /// A stable key (`pd_within_2km`, `horizontal_rmse_m`, …), the JSON key.
    public var key: String {
        didSet { name = ReportGlossary.name(ofKey: key) }   // the name follows the key (a reference_tracker_ copy, say)
    }
    /// The figure's name from ``ReportGlossary``, with its qualifiers (sensor, range bin).
    public var name: ReportText?
    /// The value; `nil` when not evaluable (then `note` says why).
    public var value: Double?
    /// The unit (`m`, `s`, `1/h`, `` for a ratio).
    public var unit: String
    /// The interval's bounds and its confidence level, when the figure has one.
    public var lower: Double?
    public var upper: Double?
    public var confidence: Double?
    /// How the interval was computed (`clopper-pearson`, `poisson-exact`, …).
    public var method: String?
    /// Counts behind the figure (successes/trials, events/exposure), for the reader to check.
    public var numerator: Double?
    public var denominator: Double?
    /// Why there is no value, or a remark.
    public var note: ReportText?
    /// The one-sided bounds at ``confidence`` that a criterion on this figure is decided on, when
    /// they differ from the two-sided interval's ends (which hold at (1 + γ)/2 each).
    public var oneSidedLower: Double?
    public var oneSidedUpper: Double?

    public init(key: String, value: Double?, unit: String, lower: Double? = nil, upper: Double? = nil, confidence: Double? = nil,
                method: String? = nil, numerator: Double? = nil, denominator: Double? = nil, note: ReportText? = nil,
                oneSidedLower: Double? = nil, oneSidedUpper: Double? = nil) {
        self.key = key
        self.value = value
        self.unit = unit
        self.lower = lower
        self.upper = upper
        self.confidence = confidence
        self.method = method
        self.numerator = numerator
        self.denominator = denominator
        self.note = note
        self.oneSidedLower = oneSidedLower
        self.oneSidedUpper = oneSidedUpper
        self.name = ReportGlossary.name(ofKey: key)
    }
}

/// A verdict on one acceptance criterion under the stated decision rule.
public struct ReportVerdict: Sendable, Codable, Hashable {
    /// The criterion as written in the plan (`pd_within_2km >= 0.9 @ 95%`): its identifier in JSON and the run log.
    public var criterion: String
    /// The criterion as a sentence in both languages, with the figure's glossary name; the renderers
    /// show this where it is given.
    public var criterionText: ReportText?
    /// The figure it reads.
    public var figureKey: String
    /// `PASS`, `FAIL`, `INCONCLUSIVE` or `NOT_EVALUABLE`.
    public var outcome: String
    /// The bound or value compared, and the requirement.
    public var compared: Double?
    public var requirement: Double
    /// For INCONCLUSIVE: the further trials needed if none of them fails (``furtherRunsNeeded``) and
    /// at the observed rate (``furtherAtObservedRate``), in ``furtherUnit`` (`runs`, `scans`, `hours`).
    public var furtherRunsNeeded: Int?
    public var furtherAtObservedRate: Int?
    public var furtherUnit: String?
    public var explanation: ReportText

    public init(criterion: String, figureKey: String, outcome: String, compared: Double?, requirement: Double,
                furtherRunsNeeded: Int? = nil, furtherAtObservedRate: Int? = nil, furtherUnit: String? = nil,
                explanation: ReportText, criterionText: ReportText? = nil) {
        self.criterionText = criterionText
        self.criterion = criterion
        self.figureKey = figureKey
        self.outcome = outcome
        self.compared = compared
        self.requirement = requirement
        self.furtherRunsNeeded = furtherRunsNeeded
        self.furtherAtObservedRate = furtherAtObservedRate
        self.furtherUnit = furtherUnit
        self.explanation = explanation
    }
}

/// A series for a plot: (x, y) points, optionally with error bars.
public struct ReportSeries: Sendable, Codable, Hashable {
    public var name: String
    public var x: [Double]
    public var y: [Double]
    public var lower: [Double]?
    public var upper: [Double]?
    /// The counts behind each proportion `y` (successes, trials), as in ``ReportFigure``: the Pd plot
    /// labels each point `numerator/denominator`. `nil` when the series has none (same length as `x`).
    public var numerators: [Double]? = nil
    public var denominators: [Double]? = nil
    /// The x interval each point stands for (a range bin: from `xLower` to `xUpper`), drawn as a
    /// horizontal bar. `nil` when the points stand for themselves (same length as `x`).
    public var xLower: [Double]? = nil
    public var xUpper: [Double]? = nil

    public init(name: String, x: [Double], y: [Double], lower: [Double]? = nil, upper: [Double]? = nil) {
        self.name = name
        self.x = x
        self.y = y
        self.lower = lower
        self.upper = upper
    }
}

/// One drone's timeline: intervals (seconds from the start) when it was detected, tracked, missed.
public struct ReportTimeline: Sendable, Codable, Hashable {
    public var drone: String
    /// Each interval as [start, end, state], state 0 missed, 1 detected, 2 tracked.
    public var segments: [[Double]]
    /// First detection and first confirmed track: time (s) and range (m); `nil` = censored (never).
    public var firstDetectionSeconds: Double?
    public var firstDetectionRangeM: Double?
    public var firstTrackSeconds: Double?
    public var firstTrackRangeM: Double?

    public init(drone: String, segments: [[Double]], firstDetectionSeconds: Double?, firstDetectionRangeM: Double?,
                firstTrackSeconds: Double?, firstTrackRangeM: Double?) {
        self.drone = drone
        self.segments = segments
        self.firstDetectionSeconds = firstDetectionSeconds
        self.firstDetectionRangeM = firstDetectionRangeM
        self.firstTrackSeconds = firstTrackSeconds
        self.firstTrackRangeM = firstTrackRangeM
    }
}

/// Who signed a report, as the signed manifest binds it.
public struct ReportSignatory: Sendable, Codable, Hashable {
    /// The officer's name and role, as given to `haechi sign`.
    public var name: String
    public var role: String
    /// The SHA-256 fingerprint of the officer's Ed25519 public key.
    public var keyFingerprint: String
    /// When it was signed: UTC and KST.
    public var signedUTC: String
    public var signedKST: String

    public init(name: String, role: String, keyFingerprint: String, signedUTC: String, signedKST: String) {
        self.name = name
        self.role = role
        self.keyFingerprint = keyFingerprint
        self.signedUTC = signedUTC
        self.signedKST = signedKST
    }
}

/// The whole report, independent of language and format (ISO/IEC 17025 §7.8 items in order).
///
/// A report is first written as a draft (``draft`` true, visibly marked); `haechi sign` sets
/// ``signatory``, clears ``draft`` and renders it again.
public struct ReportData: Sendable, Codable, Hashable {
    /// Unique report id (printed on every page), and the format of this structure.
    public var reportID: String
    public var format = "haechi-report/2"
    /// A draft awaits an officer's signature; every page says so.
    public var draft = true
    /// Laboratory (its name, address and further profile fields) and site (§7.8.2.1 a, b).
    public var laboratory: String
    public var laboratoryDetails: [ReportField] = []
    public var siteName: String
    public var siteOrigin: [Double]
    /// Client (customer) and its contact (§7.8.2.1 d).
    public var client: String
    public var clientDetails: [ReportField] = []
    /// Method reference, test plan and its content hash (§7.8.2.1 e).
    public var method: String
    public var planName: String
    public var planFile: String
    public var planSHA256 = ""
    public var labProfileSHA256 = ""
    /// The item under test: name, versions, serial, condition on receipt (§7.8.2.1 f).
    public var systemName: String
    public var systemVersion: String
    public var systemFirmware: String
    public var itemDetails: [ReportField] = []
    public var configSHA256: String
    /// Dates of the test, from the data's own time base (first and last truth or scan), and of issue;
    /// each in KST and UTC (§7.8.2.1 g, h).
    public var testStartedUTC: String
    public var testEndedUTC: String
    public var issuedUTC: String
    public var testStartedKST = ""
    public var testEndedKST = ""
    public var issuedKST = ""
    /// The sampling plan (§7.8.2.1 i; §7.8.5).
    public var samplingPlan: ReportText?
    /// Test conditions: the plan's and the run's, and the measured environment (§7.8.3.1 a).
    public var conditions: [ReportText]
    public var environment: [ReportField] = []
    /// Every setting of the evaluation (grid, gates, hold, bootstrap, intervals).
    public var evaluationSettings: [ReportField] = []
    /// The reference's uncertainty budget (GUM; §7.6, §7.8.3.1 c), and what it assumes.
    public var uncertaintyBudget: [ReportField] = []
    public var uncertaintyNotes: [ReportText] = []
    /// Results.
    public var figures: [ReportFigure]
    /// Conformity statements and the decision rule applied (§7.8.6).
    public var decisionRule: ReportText
    public var verdicts: [ReportVerdict]
    /// Deviations from the method (the plan's and those found in the data), and what could not be
    /// evaluated, with why (§7.8.2.1 j... k; §7.8.3.1 a).
    public var deviations: [ReportText]
    public var notEvaluable: [ReportText]
    /// Authorisation: who is to sign, in what role, and who did (§7.8.2.1 o).
    public var authorisedBy: String
    public var authorisedRole: String
    public var signatory: ReportSignatory?
    /// Provenance annex.
    public var runID: String
    public var recordingFile: String
    public var recordingSHA256: String
    public var runLogHeadHash: String
    public var softwareVersion: String
    public var softwareCommit: String
    public var toolVersions: [String: String]
    /// Plot data: truth and tracks top-down (ENU metres), Pd against range with intervals, position
    /// error over time, OSPA and GOSPA over time on truth's timeline, per-drone timelines.
    public var mapTruth: [ReportSeries]
    public var mapTracks: [ReportSeries]
    public var pdByRange: ReportSeries?
    /// The plan's Pd requirement (a `pd` criterion's minimum) and the slant range it applies within
    /// (`nil`: all ranges), drawn as a dashed line on the Pd plot; `nil` when the plan has none.
    public var pdRequirement: Double? = nil
    public var pdRequirementWithinM: Double? = nil
    public var positionErrorOverTime: [ReportSeries]
    public var ospaOverTime: ReportSeries?
    public var gospaOverTime: ReportSeries?
    public var timelines: [ReportTimeline]

    public init(reportID: String, laboratory: String, siteName: String, siteOrigin: [Double], client: String, method: String,
                planName: String, planFile: String, systemName: String, systemVersion: String, systemFirmware: String,
                configSHA256: String, testStartedUTC: String, testEndedUTC: String, issuedUTC: String, conditions: [ReportText],
                figures: [ReportFigure], decisionRule: ReportText, verdicts: [ReportVerdict], deviations: [ReportText],
                notEvaluable: [ReportText],
                authorisedBy: String, authorisedRole: String, runID: String, recordingFile: String, recordingSHA256: String,
                runLogHeadHash: String, softwareVersion: String, softwareCommit: String, toolVersions: [String: String],
                mapTruth: [ReportSeries], mapTracks: [ReportSeries], pdByRange: ReportSeries?, positionErrorOverTime: [ReportSeries],
                ospaOverTime: ReportSeries?, gospaOverTime: ReportSeries?, timelines: [ReportTimeline]) {
        self.reportID = reportID
        self.laboratory = laboratory
        self.siteName = siteName
        self.siteOrigin = siteOrigin
        self.client = client
        self.method = method
        self.planName = planName
        self.planFile = planFile
        self.systemName = systemName
        self.systemVersion = systemVersion
        self.systemFirmware = systemFirmware
        self.configSHA256 = configSHA256
        self.testStartedUTC = testStartedUTC
        self.testEndedUTC = testEndedUTC
        self.issuedUTC = issuedUTC
        self.conditions = conditions
        self.figures = figures
        self.decisionRule = decisionRule
        self.verdicts = verdicts
        self.deviations = deviations
        self.notEvaluable = notEvaluable
        self.authorisedBy = authorisedBy
        self.authorisedRole = authorisedRole
        self.runID = runID
        self.recordingFile = recordingFile
        self.recordingSHA256 = recordingSHA256
        self.runLogHeadHash = runLogHeadHash
        self.softwareVersion = softwareVersion
        self.softwareCommit = softwareCommit
        self.toolVersions = toolVersions
        self.mapTruth = mapTruth
        self.mapTracks = mapTracks
        self.pdByRange = pdByRange
        self.positionErrorOverTime = positionErrorOverTime
        self.ospaOverTime = ospaOverTime
        self.gospaOverTime = gospaOverTime
        self.timelines = timelines
    }
}

extension ReportData {
    /// The date of issue as the cover shows it: KST, then UTC (UTC alone when no KST is given).
    var issuedShown: String { issuedKST.isEmpty ? issuedUTC : "\(issuedKST) · \(issuedUTC)" }
}
