// Scenario files (Config/scenarios/*.yaml): read and checked into a ScenarioSpec (reference: docs/scenarios.md).
public import Simulation
package import TelemetryModel
import Geodesy
import Asterix
import Sapient
import Foundation
import Yams

/// Reads scenario files.
public enum ScenarioConfiguration {
    /// The default scenario start, as in the Stone Soup peer's generator.
    static let defaultEpoch = "2025-06-01T00:00:00Z"

    /// Reads and checks a scenario file.
    public static func load(path: String) throws(RuntimeError) -> ScenarioSpec {
        try parse(ConfigNode.text(ofFile: path, noun: "scenario file"), file: path)
    }

    /// Parses and checks scenario text; `file` names it in errors.
    public static func parse(_ text: String, file: String) throws(RuntimeError) -> ScenarioSpec {
        let root = try ConfigNode.root(yaml: text, file: file)
            .mapping(allowing: ["name", "seed", "duration_s", "epoch_utc", "site", "truth_rate_hz", "status_rate_hz", "drones", "sensors", "remote_id"])
        let site = try root.required("site").mapping(allowing: ["origin", "geoid_separation_m"])
        let origin = try site.required("origin").geodeticPosition()
        let duration = try root.required("duration_s").double(in: 1...86_400)
        let epochNode = root.optional("epoch_utc")
        let epochText = try epochNode?.string() ?? defaultEpoch
        guard let epoch = parseUTC(epochText) else {
            throw (epochNode ?? root).error("'\(epochText)' is not a UTC time such as \(defaultEpoch)")
        }
        let frame = LocalTangentPlane(origin: origin)

        var drones: [DroneSpec] = []
        for entry in try root.required("drones").sequence() {
            drones += try droneEntry(entry, duration: duration)
        }
        if drones.isEmpty { throw try root.required("drones").error("list at least one drone") }
        if drones.count > 255 { throw try root.required("drones").error("\(drones.count) drones; MAVLink system ids allow 255") }
        try checkUnique(drones.map(\.id), in: root.required("drones"), noun: "drone")

        let sensorNodes = try root.required("sensors").sequence()
        if sensorNodes.isEmpty { throw try root.required("sensors").error("list at least one sensor") }
        var sensors: [SensorSpec] = []
        for (index, entry) in sensorNodes.enumerated() {
            sensors.append(try sensorEntry(entry, index: index, count: sensorNodes.count, frame: frame))
        }
        try checkUnique(sensors.map(\.id), in: root.required("sensors"), noun: "sensor")
        try checkUnique(sensors.compactMap { $0.asterix.map { "SAC \($0.sac) SIC \($0.sic)" } }, in: root.required("sensors"), noun: "ASTERIX radar")
        try checkUnique(sensors.compactMap(\.sapientNode), in: root.required("sensors"), noun: "SAPIENT node")

        var receiver: String?
        if let node = root.optional("remote_id") {
            let entry = try node.mapping(allowing: ["receiver"])
            let id = try identifier(entry.required("receiver"))
            if sensors.contains(where: { $0.id == id }) || drones.contains(where: { $0.id == id }) {
                throw try entry.required("receiver").error("'\(id)' is already a sensor's or a drone's id")
            }
            receiver = id
        }

        var spec = ScenarioSpec(
            name: try root.optional("name")?.string() ?? URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent,
            seed: UInt64(try root.optional("seed")?.integer(atLeast: 0) ?? 1),
            origin: origin,
            geoidSeparation: try site.required("geoid_separation_m").double(in: -120...120),
            epoch: epoch, duration: duration,
            truthRateHz: try root.optional("truth_rate_hz")?.double(in: 0.01...100) ?? 2,
            statusRateHz: try root.optional("status_rate_hz")?.double(in: 0.01...100) ?? 1,
            drones: drones, sensors: sensors)
        spec.remoteIDReceiver = receiver
        return spec
    }

    package static func parseUTC(_ text: String) -> Timestamp? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        guard let date = formatter.date(from: text) else { return nil }
        return Timestamp(nanosecondsSinceEpoch: Int64(date.timeIntervalSince1970.rounded()) * 1_000_000_000)
    }

    private static func checkUnique(_ ids: [String], in node: ConfigNode, noun: String) throws(RuntimeError) {
        var seen: Set<String> = []
        for id in ids where !seen.insert(id).inserted {
            throw node.error("two \(noun)s have the id '\(id)'")
        }
    }

    private static func identifier(_ node: ConfigNode) throws(RuntimeError) -> String {
        let id = try node.string()
        guard SourceTopic(formatName: "json", sourceID: id) != nil, id.count <= 60 else {
            throw node.error("'\(id)' is not a valid id (1-60 of A-Z a-z 0-9 . _ : -): it becomes the topic's source id")
        }
        return id
    }

    static let profileKeys: [String: Set<String>] = [
        "approach": ["start", "target"],
        "orbit": ["center", "radius_m", "clockwise"],
        "hover": ["at", "sway_m"],
        "popup": ["start", "target", "low_altitude_m", "popup_distance_m", "climb_rate_mps"],
        "zigzag": ["start", "target", "weave_angle_deg", "leg_s"],
        "agile": ["center", "radius_m", "sprint_mps", "turn_rate_deg_s"],
    ]
    static let droneKeys: Set<String> = ["id", "profile", "takeoff_s", "landing_s", "speed_mps", "altitude_m"]
    static let swarmKeys: Set<String> = ["count", "formation", "spacing_m", "leader"]

    private static func droneEntry(_ node: ConfigNode, duration: Double) throws(RuntimeError) -> [DroneSpec] {
        let profileNode = try node.required("profile")
        let profileName = try profileNode.string()
        let isSwarm = profileName == "swarm"
        guard isSwarm || profileKeys[profileName] != nil else {
            throw profileNode.error("unknown profile '\(profileName)'; expected \((profileKeys.keys.sorted() + ["swarm"]).joined(separator: ", "))")
        }
        let entry = try node.mapping(allowing: droneKeys.union(isSwarm ? swarmKeys : profileKeys[profileName]!))
        let id = try identifier(entry.required("id"))
        let takeoff = try entry.optional("takeoff_s")?.double(in: 0...duration) ?? 0
        let landingNode = entry.optional("landing_s")
        let landing = try landingNode?.double(in: 0...duration) ?? duration
        if landing <= takeoff { throw (landingNode ?? entry).error("landing (\(landing) s) must come after take-off (\(takeoff) s)") }
        let speed = try entry.required("speed_mps").range(in: 0.1...200)
        let altitude = try entry.required("altitude_m").range(in: 1...10_000)
        guard isSwarm else {
            let profile = try flightProfile(entry, name: profileName, altitude: altitude)
            return [DroneSpec(id: id, takeoff: takeoff, landing: landing, speed: speed, altitude: altitude, profile: profile)]
        }
        let count = try entry.required("count").integer(atLeast: 1)
        let formationNode = try entry.required("formation")
        let formation = try formationNode.string()
        guard ["grid", "line", "vee"].contains(formation) else {
            throw formationNode.error("unknown formation '\(formation)'; expected grid, line or vee")
        }
        let spacing = try entry.required("spacing_m").double(in: 1...1000)
        let leaderNode = try entry.required("leader")
        let leaderName = try leaderNode.required("profile").string()
        guard let keys = profileKeys[leaderName] else {
            throw try leaderNode.required("profile").error("unknown leader profile '\(leaderName)'; expected \(profileKeys.keys.sorted().joined(separator: ", "))")
        }
        let leader = try flightProfile(leaderNode.mapping(allowing: keys.union(["profile"])), name: leaderName, altitude: altitude)
        let width = String(count).count
        return (0..<count).map { i in
            let number = String(i + 1)
            return DroneSpec(id: "\(id)-\(String(repeating: "0", count: width - number.count))\(number)", takeoff: takeoff, landing: landing,
                             speed: speed, altitude: altitude, profile: leader,
                             formationOffset: formationOffset(i, count: count, formation: formation, spacing: spacing),
                             formationStream: id)
        }
    }

    /// Member `i`'s place: metres right of the formation's reference point, metres behind it, metres up.
    static func formationOffset(_ i: Int, count: Int, formation: String, spacing: Double) -> SIMD3<Double> {
        switch formation {
        case "line":
            return SIMD3((Double(i) - Double(count - 1) / 2) * spacing, 0, 0)
        case "vee":
            let k = Double((i + 1) / 2), side = i % 2 == 1 ? 1.0 : -1.0
            return SIMD3(i == 0 ? 0 : side * k * spacing, k * spacing, 0)
        default:
            let columns = Int(Double(count).squareRoot().rounded(.up))
            let row = i / columns, column = i % columns
            return SIMD3((Double(column) - Double(columns - 1) / 2) * spacing, Double(row) * spacing, 0)
        }
    }

    private static func flightProfile(_ e: ConfigNode, name: String, altitude: ClosedRange<Double>) throws(RuntimeError) -> FlightProfile {
        let origin = SitePoint(bearing: 0, distance: 0)
        switch name {
        case "approach":
            return .approach(start: try e.required("start").sitePoint(), target: try e.optional("target")?.sitePoint() ?? origin)
        case "orbit":
            return .orbit(center: try e.optional("center")?.sitePoint() ?? origin, radius: try e.required("radius_m").double(in: 1...50_000),
                          clockwise: try e.optional("clockwise")?.bool() ?? true)
        case "hover":
            return .hover(at: try e.required("at").sitePoint(), sway: try e.optional("sway_m")?.double(in: 0...100) ?? 1.5)
        case "popup":
            let lowNode = try e.required("low_altitude_m")
            let low = try lowNode.double(in: 1...10_000)
            if low >= altitude.lowerBound { throw lowNode.error("the low approach (\(low) m) must be below the cruise altitude (\(altitude.lowerBound) m)") }
            return .popup(start: try e.required("start").sitePoint(), target: try e.optional("target")?.sitePoint() ?? origin,
                          lowAltitude: low, popupDistance: try e.required("popup_distance_m").double(in: 1...50_000),
                          climbRate: try e.optional("climb_rate_mps")?.double(in: 0.1...100) ?? 5)
        case "agile":
            return .agile(center: try e.optional("center")?.sitePoint() ?? origin,
                          radius: try e.optional("radius_m")?.double(in: 100...50_000) ?? 1500,
                          sprintSpeed: try e.optional("sprint_mps")?.double(in: 1...200) ?? 45,
                          turnRate: try e.optional("turn_rate_deg_s")?.range(in: 1...360) ?? 30...90)
        default:
            return .zigzag(start: try e.required("start").sitePoint(), target: try e.optional("target")?.sitePoint() ?? origin,
                           weaveAngle: try e.optional("weave_angle_deg")?.double(in: 1...80) ?? 30,
                           legSeconds: try e.optional("leg_s")?.double(in: 0.5...600) ?? 8)
        }
    }

    static let sensorKeys: Set<String> = ["id", "kind", "position", "scan_rate_hz", "scan_offset_s", "sigma_range_m", "sigma_azimuth_deg",
                                          "sigma_elevation_deg", "max_range_m", "min_elevation_deg", "clutter_per_scan",
                                          "clutter_radius_m", "clutter_ceiling_m", "pd", "asterix", "sapient", "max_elevation_deg",
                                          "fov_azimuth_deg", "fov_width_deg"]

    private static func sensorEntry(_ node: ConfigNode, index: Int, count: Int, frame: LocalTangentPlane) throws(RuntimeError) -> SensorSpec {
        let e = try node.mapping(allowing: sensorKeys)
        let kind = try e.required("kind").choice(SimulatedSensorKind.self, noun: "sensor kind")
        let positionNode = try e.required("position")
        let position: SIMD3<Double>
        if positionNode.optional("lat") != nil {
            position = frame.enu(try positionNode.geodeticPosition())
        } else {
            let p = try positionNode.mapping(allowing: ["east_m", "north_m", "up_m"])
            position = SIMD3(try p.required("east_m").double(in: -100_000...100_000), try p.required("north_m").double(in: -100_000...100_000),
                             try p.required("up_m").double(in: -1000...10_000))
        }
        let rate = try e.optional("scan_rate_hz")?.double(in: 0.01...100) ?? 1
        let maxRange = try e.required("max_range_m").double(in: 1...500_000)
        let isRadar = kind == .radar
        var asterix: AsterixSource?
        if let node = e.optional("asterix") {
            guard isRadar else { throw node.error("only a radar speaks ASTERIX (CAT034 and CAT048)") }
            let identity = try node.mapping(allowing: ["sac", "sic"])
            asterix = AsterixSource(sac: UInt8(try identity.required("sac").integer(atLeast: 0, atMost: 255)),
                                    sic: UInt8(try identity.required("sic").integer(atLeast: 0, atMost: 255)))
        }
        var sapientNode: String?
        if let node = e.optional("sapient") {
            if asterix != nil { throw node.error("a sensor speaks ASTERIX or SAPIENT, not both") }
            let idNode = try node.mapping(allowing: ["node_id"]).required("node_id")
            let id = try idNode.string()
            guard SapientIdentifier.isUUIDv4(id) else { throw idNode.error("'\(id)' is not a SAPIENT node id (a lower-case UUID v4)") }
            sapientNode = id
        }
        let measuresElevation = kind.measuresElevation
        var spec = SensorSpec(
            id: try identifier(e.required("id")), kind: kind, position: position, scanRateHz: rate,
            // By default sensors scan staggered evenly through one period, as the Stone Soup peer's generator does.
            scanOffset: try e.optional("scan_offset_s")?.double(in: 0...3600) ?? Double(index) / (Double(count) * rate),
            sigmaRange: isRadar ? try e.required("sigma_range_m").double(in: 0...10_000) : 0,
            sigmaAzimuth: try e.required("sigma_azimuth_deg").double(in: 0...180),
            sigmaElevation: measuresElevation ? try e.required("sigma_elevation_deg").double(in: 0...90) : 0,
            maximumRange: maxRange,
            minimumElevation: try e.optional("min_elevation_deg")?.double(in: -90...90) ?? -90,
            clutterPerScan: try e.optional("clutter_per_scan")?.double(in: 0...100_000) ?? 0,
            clutterRadius: try e.optional("clutter_radius_m")?.double(in: 1...500_000) ?? min(maxRange, 3500),
            clutterCeiling: try e.optional("clutter_ceiling_m")?.double(in: 1...20_000) ?? 400,
            detectionProbability: try e.required("pd").detectionCurve(), asterix: asterix, sapientNode: sapientNode)
        if let node = e.optional("max_elevation_deg") {
            spec.maximumElevation = try node.double(in: -90...90)
            guard spec.maximumElevation > spec.minimumElevation else { throw node.error("must be above min_elevation_deg") }
        }
        spec.fieldOfViewAzimuth = try e.optional("fov_azimuth_deg")?.double(in: 0...360) ?? 0
        spec.fieldOfViewWidth = try e.optional("fov_width_deg")?.double(in: 1...360) ?? 360
        return spec
    }
}

extension ConfigNode {
    /// A number, or `[low, high]`, as a closed range.
    func range(in bounds: ClosedRange<Double>) throws(RuntimeError) -> ClosedRange<Double> {
        if node.sequence != nil {
            let items = try sequence()
            guard items.count == 2 else { throw error("expected a number or [low, high]") }
            let low = try items[0].double(in: bounds), high = try items[1].double(in: bounds)
            guard low <= high else { throw error("[\(low), \(high)]: low is above high") }
            return low...high
        }
        let value = try double(in: bounds)
        return value...value
    }

    /// `{bearing_deg, distance_m}` from the site origin.
    func sitePoint() throws(RuntimeError) -> SitePoint {
        let p = try mapping(allowing: ["bearing_deg", "distance_m"])
        return SitePoint(bearing: try p.required("bearing_deg").double(in: 0...360), distance: try p.required("distance_m").double(in: 0...500_000))
    }

    /// `{lat, lon, alt}`.
    func geodeticPosition() throws(RuntimeError) -> GeodeticPosition {
        let p = try mapping(allowing: ["lat", "lon", "alt"])
        return GeodeticPosition(latitude: try p.required("lat").double(in: -90...90), longitude: try p.required("lon").double(in: -180...180),
                                ellipsoidalHeight: try p.required("alt").double(in: -1000...100_000))
    }

    /// `pd: 0.9` or `pd: {model: logistic, pd_max, range50_m, width_m}`.
    func detectionCurve() throws(RuntimeError) -> DetectionProbabilityCurve {
        if node.mapping == nil { return .constant(try double(in: 0...1)) }
        let c = try mapping(allowing: ["model", "pd", "pd_max", "range50_m", "width_m"])
        let modelNode = try c.required("model")
        switch try modelNode.string() {
        case "constant": return .constant(try c.required("pd").double(in: 0...1))
        case "logistic":
            return .logistic(pdMax: try c.required("pd_max").double(in: 0...1), range50: try c.required("range50_m").double(in: 1...500_000),
                             width: try c.required("width_m").double(in: 1...500_000))
        default: throw modelNode.error("unknown Pd model; expected constant or logistic")
        }
    }

    func bool() throws(RuntimeError) -> Bool {
        switch try string().lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: throw error("expected true or false")
        }
    }
}
