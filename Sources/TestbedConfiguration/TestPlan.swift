// A test plan (Config/plans/*.yaml): the item under test, the method, and the acceptance criteria.
import Foundation
import Evaluation
import RunLog

/// A parsed and checked test plan.
public struct TestPlan: Sendable, Hashable {
    /// The figures a criterion may name, with the sense a requirement on each normally has.
    public static let metrics: [String: AcceptanceCriterion.Sense] = [
        "pd": .atLeast, "false_alarms_per_hour": .atMost, "false_alarms_per_scan": .atMost,
        "range_rmse_m": .atMost, "azimuth_rmse_deg": .atMost, "elevation_rmse_deg": .atMost,
        "horizontal_rmse_m": .atMost, "vertical_rmse_m": .atMost, "position_rmse_3d_m": .atMost, "horizontal_p95_m": .atMost,
        "cep50_m": .atMost, "latency_s": .atMost, "completeness": .atLeast, "spuriousness": .atMost, "ospa_mean_m": .atMost,
        "gospa_mean": .atMost, "mota": .atLeast, "motp_m": .atMost, "idf1": .atLeast, "id_switches": .atMost,
        "false_tracks_per_hour": .atMost, "first_detection_range_m": .atLeast, "first_track_range_m": .atLeast,
        "false_alarms_per_sensor_hour": .atMost, "vertical_p95_m": .atMost, "position_p95_3d_m": .atMost,
    ]

    /// The ILAC-G8:09/2019 decision rule the plan chooses (ISO/IEC 17025 §7.1.3, §7.8.6).
    public enum DecisionRuleKind: String, Sendable, Hashable, CaseIterable {
        /// §4.2.2, guard band w = the statistical uncertainty: PASS when the one-sided bound at the
        /// plan's confidence conforms, FAIL when the opposite bound does not, otherwise INCONCLUSIVE.
        /// The risk of a false PASS (or a false FAIL) is at most 1 − confidence.
        case guardBand = "guard_band"
        /// §4.2.1, simple acceptance (w = 0): PASS or FAIL on the estimate alone, provided the risk
        /// of a false decision (the one-sided p-value of the estimate against the limit) is at most
        /// ``TestPlan/maximumRisk``; otherwise INCONCLUSIVE. The report states the specific risk.
        case simpleAcceptance = "simple_acceptance"
    }

    /// The laboratory's profile (name, address, accreditation, contact), from the file a plan names.
    public struct LabProfile: Sendable, Hashable {
        public var file: String
        public var text: String
        public var name: String
        public var fields: [Entry]
        /// The folder of the officers' public keys that `haechi verify --lab` trusts (`trust_store`,
        /// relative to the profile); not a field the report prints.
        public var trustStore: String?

        /// Reads a profile: `name`, the printed fields, and `trust_store`.
        public static func load(path: String) throws(RuntimeError) -> LabProfile {
            try parse(ConfigNode.text(ofFile: path, noun: "laboratory profile"), path: path)
        }

        /// Parses a profile's text; `path` is where it is (or was) and names it in errors.
        static func parse(_ text: String, path: String) throws(RuntimeError) -> LabProfile {
            let profile = try ConfigNode.root(yaml: text, file: path).mapping(allowing: [
                "name", "address", "accreditation", "contact", "phone", "email", "site", "trust_store"])
            var fields: [Entry] = []
            for key in ["address", "accreditation", "contact", "phone", "email", "site"] {
                if let value = try profile.optional(key)?.string() { fields.append(Entry(key: key, value: value)) }
            }
            let folder = (path as NSString).deletingLastPathComponent
            var store: String?
            if let named = try profile.optional("trust_store")?.string() {
                store = named.hasPrefix("/") ? named : (folder as NSString).appendingPathComponent(named)
            }
            return LabProfile(file: path, text: text, name: try profile.required("name").string(), fields: fields, trustStore: store)
        }
    }

    /// A named value of a plan or profile (`address`, `temperature_c`).
    public struct Entry: Sendable, Hashable {
        public var key: String
        public var value: String
    }

    public var file: String
    public var text: String
    public var name: String
    public var method: String
    public var client: String
    public var laboratory: String
    public var systemName: String
    public var systemVersion: String
    public var systemFirmware: String
    public var authorisedBy: String
    public var authorisedRole: String
    public var conditions: [String]
    public var deviations: [String]
    public var confidence: Double
    /// Scoring settings: OSPA/GOSPA cut-off c (m) and order p, the truth-to-track association
    /// distance (m), and the range bins of Pd (m).
    public var ospaCutoff: Double
    public var ospaOrder: Double
    public var associationMetres: Double
    public var rangeBins: [Double]
    public var criteria: [AcceptanceCriterion]
    /// The decision rule, and for simple acceptance the largest risk of a false decision accepted.
    public var decisionRule: DecisionRuleKind = .guardBand
    public var maximumRisk: Double = 0.05
    /// The laboratory profile, when the plan names one.
    public var labProfile: LabProfile?
    /// The customer's address and contact; the item's serial number and condition on receipt.
    public var clientAddress = "", clientContact = "", itemSerial = "", itemCondition = ""
    /// The sampling plan (what runs, sorties or passes make the sample), as the plan words it.
    public var sampling = ""
    /// Measured environmental conditions (name, value with unit), from the plan or its conditions file.
    public var environment: [Entry] = []
    /// Evaluation settings beyond c, p and the association distance: the track hold (s), the largest
    /// truth gap interpolated across (s), the detection gate's half-widths (m, °, °), and the
    /// bootstrap's replicates and seed.
    public var holdSeconds = 2.0
    public var truthGapSeconds = 5.0
    public var gateRangeMetres = 50.0, gateAzimuthDegrees = 2.0, gateElevationDegrees = 2.0
    public var bootstrapReplicates = 2000
    public var bootstrapSeed: UInt64 = 20_261_207
    /// The reference's uncertainty components beyond the truth's own accuracy: time synchronisation
    /// (s, standard uncertainty), sensor survey (m), and the GNSS user range error (m) that turns a
    /// dilution of precision into metres when a fix gives no accuracy; `nil` where the plan says nothing.
    public var timeSyncSeconds: Double?
    public var surveyMetres: Double?
    public var gnssUEREMetres: Double?

    /// The SHA-256 of the plan's text.
    public var textSHA256: String { RunLog.sha256Hex(Data(text.utf8)) }
    /// The files the plan names (`laboratory_profile`, `conditions_file`), by the path as written in
    /// the plan, with their text: what the plan means is the plan and these (the archive keeps all).
    public var includedFiles: [String: String] = [:]
    /// A plan with every evaluation setting at its default, the given OSPA c and p and track hold, and
    /// no criteria: what `haechi evaluate` scores with when it is given no plan.
    package static func evaluationDefaults(cutoff: Double, order: Double, holdSeconds: Double) -> TestPlan {
        var plan = TestPlan(file: "", text: "", name: "haechi evaluate", method: "haechi evaluate (docs/evaluation.md)", client: "—",
                            laboratory: "—", systemName: "—", systemVersion: "—", systemFirmware: "—", authorisedBy: "—",
                            authorisedRole: "—", conditions: [], deviations: [], confidence: 0.95, ospaCutoff: cutoff, ospaOrder: order,
                            associationMetres: 50, rangeBins: DetectionLevelSettings.defaultRangeBinEdges, criteria: [])
        plan.holdSeconds = holdSeconds
        return plan
    }

    /// Reads and checks a plan file.
    public static func load(path: String) throws(RuntimeError) -> TestPlan {
        try parse(ConfigNode.text(ofFile: path, noun: "test plan"), file: path)
    }

    /// Parses and checks plan text; errors name `file`, the line and the field.
    ///
    /// `includedFiles`: the files the plan names, by the path as written, with their text (as the
    /// archive keeps a plan); when given, they are used instead of reading the files.
    public static func parse(_ text: String, file: String, includedFiles: [String: String]? = nil) throws(RuntimeError) -> TestPlan {
        let root = try ConfigNode.root(yaml: text, file: file).mapping(allowing: [
            "plan", "method", "client", "laboratory", "system_under_test", "authorised_by", "conditions", "deviations",
            "confidence", "evaluation", "criteria", "decision_rule", "laboratory_profile", "customer", "sampling", "environment",
            "conditions_file", "reference",
        ])
        let system = try root.required("system_under_test").mapping(allowing: ["name", "version", "firmware", "serial", "condition"])
        let authorised = try root.optional("authorised_by")?.mapping(allowing: ["name", "role"])
        let confidence = try root.optional("confidence")?.double(in: 0.5...0.999999) ?? 0.95
        var plan = TestPlan(
            file: file, text: text, name: try root.required("plan").string(), method: try root.required("method").string(),
            client: try root.optional("client")?.string() ?? "—", laboratory: try root.optional("laboratory")?.string() ?? "—",
            systemName: try system.required("name").string(), systemVersion: try system.required("version").string(),
            systemFirmware: try system.optional("firmware")?.string() ?? "—",
            authorisedBy: try authorised?.optional("name")?.string() ?? "—",
            authorisedRole: try authorised?.optional("role")?.string() ?? "—",
            conditions: try root.optional("conditions")?.sequence().map { (n) throws(RuntimeError) in try n.string() } ?? [],
            deviations: try root.optional("deviations")?.sequence().map { (n) throws(RuntimeError) in try n.string() } ?? [],
            confidence: confidence, ospaCutoff: 100, ospaOrder: 1, associationMetres: 50,
            rangeBins: DetectionLevelSettings.defaultRangeBinEdges, criteria: [])
        plan.itemSerial = try system.optional("serial")?.string() ?? ""
        plan.itemCondition = try system.optional("condition")?.string() ?? ""
        if let customer = try root.optional("customer")?.mapping(allowing: ["name", "address", "contact"]) {
            if plan.client == "—" { plan.client = try customer.optional("name")?.string() ?? "—" }
            plan.clientAddress = try customer.optional("address")?.string() ?? ""
            plan.clientContact = try customer.optional("contact")?.string() ?? ""
        }
        plan.sampling = try root.optional("sampling")?.string() ?? ""
        if let rule = try root.optional("decision_rule")?.mapping(allowing: ["rule", "max_risk"]) {
            plan.decisionRule = try rule.required("rule").choice(DecisionRuleKind.self, noun: "decision rule")
            plan.maximumRisk = try rule.optional("max_risk")?.double(in: 0.0001...0.5) ?? plan.maximumRisk
        }
        if let reference = try root.optional("reference")?.mapping(allowing: ["time_sync_s", "sensor_survey_m", "gnss_uere_m"]) {
            plan.timeSyncSeconds = try reference.optional("time_sync_s")?.double(in: 0...10)
            plan.surveyMetres = try reference.optional("sensor_survey_m")?.double(in: 0...1000)
            plan.gnssUEREMetres = try reference.optional("gnss_uere_m")?.double(in: 0.001...1000)
        }
        let folder = (file as NSString).deletingLastPathComponent
        func resolve(_ path: String) -> String { path.hasPrefix("/") ? path : (folder as NSString).appendingPathComponent(path) }
        if let node = root.optional("laboratory_profile") {
            let path = resolve(try node.string())
            if let includedFiles {
                guard let text = includedFiles[try node.string()] else { throw node.error("the laboratory profile \(path) was not kept with the plan") }
                plan.labProfile = try LabProfile.parse(text, path: path)
            } else {
                guard FileManager.default.fileExists(atPath: path) else {
                    throw node.error("the laboratory profile \(path) does not exist")
                }
                plan.labProfile = try LabProfile.load(path: path)
            }
            plan.includedFiles[try node.string()] = plan.labProfile?.text
            if plan.laboratory == "—", let name = plan.labProfile?.name { plan.laboratory = name }
        }
        var environmentNode = root.optional("environment")
        var environmentRoot: ConfigNode?
        if let node = root.optional("conditions_file") {
            let path = resolve(try node.string())
            let conditions: String
            if let includedFiles {
                guard let text = includedFiles[try node.string()] else { throw node.error("the conditions file \(path) was not kept with the plan") }
                conditions = text
            } else {
                conditions = try ConfigNode.text(ofFile: path, noun: "conditions file")
            }
            plan.includedFiles[try node.string()] = conditions
            environmentRoot = try ConfigNode.root(yaml: conditions, file: path)
            environmentNode = try environmentRoot?.mapping(allowing: ["environment"]).required("environment")
        }
        if let environment = try environmentNode?.mapping(allowing: ["temperature_c", "humidity_pct", "wind_mps", "wind_from_deg",
                                                                     "visibility_km", "pressure_hpa", "precipitation", "measured_at"]) {
            let units = ["temperature_c": "°C", "humidity_pct": "%", "wind_mps": "m/s", "wind_from_deg": "°", "visibility_km": "km",
                         "pressure_hpa": "hPa"]
            for key in ["temperature_c", "humidity_pct", "wind_mps", "wind_from_deg", "visibility_km", "pressure_hpa"] {
                if let value = try environment.optional(key)?.double() {
                    plan.environment.append(Entry(key: key, value: "\(AcceptanceCriterion.number(value)) \(units[key]!)"))
                }
            }
            for key in ["precipitation", "measured_at"] {
                if let value = try environment.optional(key)?.string() { plan.environment.append(Entry(key: key, value: value)) }
            }
        }
        if let evaluation = try root.optional("evaluation")?.mapping(allowing: ["ospa_c_m", "ospa_p", "association_m", "range_bins_m",
                                                                               "hold_s", "truth_gap_s", "gate", "bootstrap"]) {
            plan.holdSeconds = try evaluation.optional("hold_s")?.double(in: 0...60) ?? plan.holdSeconds
            plan.truthGapSeconds = try evaluation.optional("truth_gap_s")?.double(in: 0.001...600) ?? plan.truthGapSeconds
            if let gate = try evaluation.optional("gate")?.mapping(allowing: ["range_m", "azimuth_deg", "elevation_deg"]) {
                plan.gateRangeMetres = try gate.optional("range_m")?.double(in: 0.01...100_000) ?? plan.gateRangeMetres
                plan.gateAzimuthDegrees = try gate.optional("azimuth_deg")?.double(in: 0.001...180) ?? plan.gateAzimuthDegrees
                plan.gateElevationDegrees = try gate.optional("elevation_deg")?.double(in: 0.001...90) ?? plan.gateElevationDegrees
            }
            if let bootstrap = try evaluation.optional("bootstrap")?.mapping(allowing: ["replicates", "seed"]) {
                plan.bootstrapReplicates = try bootstrap.optional("replicates")?.integer(atLeast: 100) ?? plan.bootstrapReplicates
                plan.bootstrapSeed = UInt64(try bootstrap.optional("seed")?.integer(atLeast: 0) ?? Int(plan.bootstrapSeed))
            }
            plan.ospaCutoff = try evaluation.optional("ospa_c_m")?.double(in: 1...100_000) ?? plan.ospaCutoff
            plan.ospaOrder = try evaluation.optional("ospa_p")?.double(in: 1...10) ?? plan.ospaOrder
            plan.associationMetres = try evaluation.optional("association_m")?.double(in: 0.1...10_000) ?? plan.associationMetres
            if let node = evaluation.optional("range_bins_m") {
                let bins = try node.sequence().map { (n) throws(RuntimeError) in try n.double(in: 0...1_000_000) }
                guard bins.count >= 2, zip(bins, bins.dropFirst()).allSatisfy({ $0 < $1 }) else {
                    throw node.error("give at least two increasing range bin edges, metres")
                }
                plan.rangeBins = bins
            }
        }
        let criteriaNode = try root.required("criteria")
        let entries = try criteriaNode.sequence()
        if entries.isEmpty { throw criteriaNode.error("list at least one acceptance criterion") }
        for entry in entries {
            let node = try entry.mapping(allowing: ["metric", "min", "max", "confidence", "within_m"])
            let metricNode = try node.required("metric")
            let metric = try metricNode.string()
            guard TestPlan.metrics[metric] != nil else {
                throw metricNode.error("unknown metric '\(metric)'; expected one of \(TestPlan.metrics.keys.sorted().joined(separator: ", "))")
            }
            let minimum = try node.optional("min")?.double()
            let maximum = try node.optional("max")?.double()
            guard (minimum == nil) != (maximum == nil) else { throw entry.error("give exactly one of min or max") }
            let within = try node.optional("within_m")?.double(in: 1...1_000_000)
            if within != nil && metric != "pd" { throw try node.required("within_m").error("within_m applies to pd only") }
            plan.criteria.append(AcceptanceCriterion(
                metric: metric, sense: minimum != nil ? .atLeast : .atMost, requirement: minimum ?? maximum!,
                confidence: try node.optional("confidence")?.double(in: 0.5...0.999999) ?? confidence, withinMetres: within))
        }
        return plan
    }
}
