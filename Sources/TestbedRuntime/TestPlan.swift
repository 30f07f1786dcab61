// A test plan (Config/plans/*.yaml): the item under test, the method, and the acceptance criteria.
import Foundation

/// One acceptance criterion: a figure, a bound on it, and the confidence it must be shown at.
public struct AcceptanceCriterion: Sendable, Hashable {
    /// The figure (one of ``TestPlan/metrics``).
    public var metric: String
    /// `atLeast`: the figure must reach `requirement` (Pd); `atMost`: it must not exceed it (an error, a rate).
    public enum Sense: String, Sendable, Hashable { case atLeast = ">=", atMost = "<=" }
    public var sense: Sense
    public var requirement: Double
    /// The one-sided confidence of the claim (for figures that carry an interval).
    public var confidence: Double
    /// For range-limited figures (Pd): only opportunities within this range, metres.
    public var withinMetres: Double?

    /// The criterion as a person reads it: `pd (within 2000 m) >= 0.9 at 95 %`.
    public var text: String {
        "\(metric)\(withinMetres.map { " (within \(Self.number($0)) m)" } ?? "") \(sense.rawValue) \(Self.number(requirement))"
            + " at \(Self.number(confidence * 100)) %"
    }

    /// A number as written in a plan: whole numbers without a decimal point.
    static func number(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    /// The report's key of the figure it reads.
    public var figureKey: String { withinMetres.map { "\(metric)_within_\(Int($0))m" } ?? metric }
}

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
    ]

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

    /// Reads and checks a plan file.
    public static func load(path: String) throws(RuntimeError) -> TestPlan {
        try parse(ConfigNode.text(ofFile: path, noun: "test plan"), file: path)
    }

    /// Parses and checks plan text; errors name `file`, the line and the field.
    public static func parse(_ text: String, file: String) throws(RuntimeError) -> TestPlan {
        let root = try ConfigNode.root(yaml: text, file: file).mapping(allowing: [
            "plan", "method", "client", "laboratory", "system_under_test", "authorised_by", "conditions", "deviations",
            "confidence", "evaluation", "criteria",
        ])
        let system = try root.required("system_under_test").mapping(allowing: ["name", "version", "firmware"])
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
            rangeBins: [0, 500, 1000, 2000, 3000, 5000, 8000], criteria: [])
        if let evaluation = try root.optional("evaluation")?.mapping(allowing: ["ospa_c_m", "ospa_p", "association_m", "range_bins_m"]) {
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
