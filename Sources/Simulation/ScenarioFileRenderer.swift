// Turns simulation steps into a cuas-scenario/1 file, the Stone Soup peer's input format.
import TelemetryModel
import Geodesy
import Foundation

/// Renders a simulation as `cuas-scenario/1` lines: the `meta` line, a `sensor` line per sensor,
/// then `truth`, `scan` and `detection` lines in time order (truth first at equal times), exactly
/// the layout of the Stone Soup peer's `scenario.py`.
public struct ScenarioFileRenderer: Sendable {
    /// The scenario being written.
    public let spec: ScenarioSpec
    public private(set) var lines: UInt64 = 0

    /// A renderer for `spec`.
    public init(spec: ScenarioSpec) { self.spec = spec }

    /// The meta and sensor lines.
    public mutating func header() -> [String] {
        let out = [Self.metaJSON(spec)] + spec.sensors.map { Self.sensorJSON($0, spec: spec, seq: nil) }
        lines += UInt64(out.count)
        return out
    }

    /// Appends the lines of one step (heartbeats are not part of a scenario file).
    public mutating func render(_ step: SimulationStep, paths: [FlightPath], into out: inout [String]) {
        let before = out.count
        switch step {
        case .status:
            break
        case .scan(_, let scan, let detections):
            out.append(TelemetryJSONWriter.json(scan, epoch: spec.epoch))
            for d in detections { out.append(TelemetryJSONWriter.json(d.detection, epoch: spec.epoch)) }
        case .truth(let time, let fixes):
            for fix in fixes {
                out.append(TelemetryJSONWriter.json(TruthFix(
                    time: time, droneID: spec.drones[fix.droneIndex].id, position: fix.position,
                    enu: fix.state.position, velocityENU: fix.state.velocity, clock: .message, heightReference: .ellipsoid),
                    epoch: spec.epoch))
            }
        }
        lines += UInt64(out.count - before)
    }

    static func metaJSON(_ spec: ScenarioSpec) -> String {
        var w = JSONObjectWriter()
        w.field("type", "meta")
        w.field("format", "cuas-scenario/1")
        w.field("generator", "haechi simulate")
        w.field("scenario", spec.name)
        w.field("seed", spec.seed)
        w.field("frame", "ENU")
        var origin = JSONObjectWriter()
        origin.field("lat", spec.origin.latitude)
        origin.field("lon", spec.origin.longitude)
        origin.field("alt", spec.origin.ellipsoidalHeight)
        w.raw("origin", json: origin.json)
        w.field("geoid_separation_m", spec.geoidSeparation)
        w.field("epoch_ns", spec.epoch.nanosecondsSinceEpoch)
        w.field("epoch_utc", Self.utc(spec.epoch))
        w.field("duration_s", spec.duration)
        w.field("targets", spec.drones.count)
        w.field("sensors", spec.sensors.count)
        w.field("truth_dt_s", 1 / spec.truthRateHz, decimals: 9)
        w.field("azimuth_convention", "degrees clockwise from North (compass), sensor-centred")
        w.field("elevation_convention", "degrees above the local ENU horizontal plane at the sensor")
        return w.json
    }

    static func sensorJSON(_ s: SensorSpec, spec: ScenarioSpec, seq: UInt64?) -> String {
        var w = JSONObjectWriter()
        w.field("type", "sensor")
        w.field("sensor_id", s.id)
        w.field("kind", s.kind.rawValue)
        w.field("measures", s.kind.measures.rawValue)
        w.field("enu", [s.position.x, s.position.y, s.position.z], decimals: 3)
        let geodetic = LocalTangentPlane(origin: spec.origin).geodetic(s.position)
        w.field("lat", geodetic.latitude, decimals: 9)
        w.field("lon", geodetic.longitude, decimals: 9)
        w.field("alt", geodetic.ellipsoidalHeight, decimals: 3)
        w.field("scan_rate_hz", s.scanRateHz)
        w.field("scan_offset_s", s.scanOffset, decimals: 9)
        if s.kind == .radar { w.field("sigma_range_m", s.sigmaRange) }
        if s.kind.measuresElevation { w.field("sigma_elevation_deg", s.sigmaElevation) }
        w.field("sigma_azimuth_deg", s.sigmaAzimuth)
        switch s.detectionProbability {
        case .constant(let pd):
            w.field("pd", pd)
        case .logistic(let pdMax, let range50, let width):
            w.field("pd", pdMax)
            var curve = JSONObjectWriter()
            curve.field("model", "logistic")
            curve.field("pd_max", pdMax)
            curve.field("range50_m", range50)
            curve.field("width_m", width)
            w.raw("pd_curve", json: curve.json)
        }
        w.field("clutter_per_scan", s.clutterPerScan)
        w.field("max_range_m", s.maximumRange)
        if s.kind.measuresElevation {
            w.field("min_elevation_deg", s.minimumElevation)
            if s.maximumElevation < 90 { w.field("max_elevation_deg", s.maximumElevation) }
        }
        if s.fieldOfViewWidth < 360 {
            w.field("fov_azimuth_deg", s.fieldOfViewAzimuth)
            w.field("fov_width_deg", s.fieldOfViewWidth)
        }
        if let seq { w.field("seq", seq) }
        return w.json
    }

    static func utc(_ t: Timestamp) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: Date(timeIntervalSince1970: Double(t.nanosecondsSinceEpoch / 1_000_000_000)))
    }
}
