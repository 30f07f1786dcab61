// The tracker config file (Config/tracker.yaml): TrackerSettings, with errors that name file, line and field.
public import Tracking
import Yams
import Foundation

/// Reads tracker settings from YAML. Every field is optional; a missing one keeps its default (the
/// Stone Soup baseline's value, see `TrackerSettings`). Unknown fields are errors, so a typo cannot
/// silently leave a default in force.
public enum TrackerConfiguration {
    /// The settings in the file at `path`.
    public static func load(path: String) throws(RuntimeError) -> TrackerSettings {
        try parse(yaml: ConfigNode.text(ofFile: path, noun: "tracker config"), file: path)
    }

    /// `settings` as JSON with sorted keys: what ``parse(yaml:file:)`` reads back to the same settings
    /// (the keys are the file's, and JSON is YAML). A recording keeps it when the config names no file.
    public static func json(_ settings: TrackerSettings) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding plain numbers, strings and arrays cannot fail.
        return (try? encoder.encode(settings)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }

    /// The settings in `text`, read as the file `file`.
    public static func parse(yaml text: String, file: String) throws(RuntimeError) -> TrackerSettings {
        let root = try ConfigNode.root(yaml: text, file: file)
            .mapping(allowing: ["motion", "filter", "association", "initiation", "deletion", "sensors", "output"])
        var s = TrackerSettings()
        if let node = try root.optional("motion")?.mapping(allowing: ["model", "q_horizontal", "q_vertical", "turn_rate_deg_s",
                                                                      "turn_q_horizontal", "turn_q_vertical", "mode_stay_probability",
                                                                      "initial_mode_probabilities"]) {
            if let v = node.optional("model") { s.motion.model = try v.choice(TrackerSettings.MotionModelKind.self, noun: "motion model") }
            try read(node, "q_horizontal", into: &s.motion.qHorizontal)
            try read(node, "q_vertical", into: &s.motion.qVertical)
            try read(node, "turn_rate_deg_s", into: &s.motion.turnRateDegreesPerSecond)
            try read(node, "turn_q_horizontal", into: &s.motion.turnQHorizontal)
            try read(node, "turn_q_vertical", into: &s.motion.turnQVertical)
            try read(node, "mode_stay_probability", into: &s.motion.modeStayProbability)
            if let v = node.optional("initial_mode_probabilities") {
                s.motion.initialModeProbabilities = try v.sequence().map { (item) throws(RuntimeError) in try item.double() }
            }
        }
        if let node = try root.optional("filter")?.mapping(allowing: ["kind", "covariance_update"]) {
            if let v = node.optional("kind") { s.filter.kind = try v.choice(TrackerSettings.FilterKind.self, noun: "filter") }
            if let v = node.optional("covariance_update") { s.filter.covarianceUpdate = try v.choice(CovarianceUpdateForm.self, noun: "covariance update") }
        }
        if let node = try root.optional("association")?.mapping(allowing: ["gate", "tentative_gate", "pre_gate"]) {
            try read(node, "gate", into: &s.association.gate)
            try read(node, "tentative_gate", into: &s.association.tentativeGate)
            if let v = node.optional("pre_gate") { s.association.preGate = try v.boolean() }
        }
        if let node = try root.optional("initiation")?.mapping(allowing: ["confirm_hits", "confirm_window", "tentative_max_misses",
                                                                          "velocity_sigma_horizontal", "velocity_sigma_vertical", "passive"]) {
            if let v = node.optional("confirm_hits") { s.initiation.confirmHits = try v.integer(atLeast: 1) }
            if let v = node.optional("confirm_window") { s.initiation.confirmWindow = try v.integer(atLeast: 1) }
            if let v = node.optional("tentative_max_misses") { s.initiation.tentativeMaxMisses = try v.integer(atLeast: 1) }
            try read(node, "velocity_sigma_horizontal", into: &s.initiation.velocitySigmaHorizontal)
            try read(node, "velocity_sigma_vertical", into: &s.initiation.velocitySigmaVertical)
            if let passive = try node.optional("passive")?.mapping(allowing: ["enabled", "window_s", "min_crossing_angle_deg", "height_m",
                                                                              "sigma_height_m"]) {
                if let v = passive.optional("enabled") { s.initiation.passive.enabled = try v.boolean() }
                try read(passive, "window_s", into: &s.initiation.passive.windowSeconds)
                try read(passive, "min_crossing_angle_deg", into: &s.initiation.passive.minimumCrossingAngleDegrees)
                try read(passive, "height_m", into: &s.initiation.passive.heightMetres)
                try read(passive, "sigma_height_m", into: &s.initiation.passive.sigmaHeightMetres)
            }
        }
        if let node = try root.optional("deletion")?.mapping(allowing: ["missed_scans_per_sensor", "max_position_covariance_trace"]) {
            if let v = node.optional("missed_scans_per_sensor") { s.deletion.missedScansPerSensor = try v.integer(atLeast: 1) }
            try read(node, "max_position_covariance_trace", into: &s.deletion.maximumPositionCovarianceTrace)
        }
        if let node = try root.optional("sensors")?.mapping(allowing: ["sigma_range_m", "sigma_azimuth_deg", "sigma_elevation_deg",
                                                                       "sigma_bearing_deg", "max_range_m"]) {
            try read(node, "sigma_range_m", into: &s.sensors.sigmaRange)
            try read(node, "sigma_azimuth_deg", into: &s.sensors.sigmaAzimuthDegrees)
            try read(node, "sigma_elevation_deg", into: &s.sensors.sigmaElevationDegrees)
            try read(node, "sigma_bearing_deg", into: &s.sensors.sigmaBearingDegrees)
            try read(node, "max_range_m", into: &s.sensors.maximumRange)
        }
        if let node = try root.optional("output")?.mapping(allowing: ["report_coasted", "coasted_window_s"]) {
            if let v = node.optional("report_coasted") { s.output.reportCoasted = try v.boolean() }
            try read(node, "coasted_window_s", into: &s.output.coastedWindowSeconds)
        }
        // Cross-field checks, reported at the field they concern.
        if let problem = s.problems.first {
            let parts = problem.field.split(separator: ".").map(String.init)
            var node = root
            for part in parts { if let child = node.optional(part) { node = child } }
            throw RuntimeError(code: .config, file: file, line: node.node.mark?.line, column: node.node.mark?.column,
                               field: problem.field, message: problem.message)
        }
        return s
    }

    private static func read(_ node: ConfigNode, _ key: String, into value: inout Double) throws(RuntimeError) {
        if let v = node.optional(key) { value = try v.double() }
    }
}
