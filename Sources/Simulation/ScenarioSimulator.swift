// The simulation clock: truth ticks, sensor heartbeats and scans, merged into one time-ordered stream.
public import TelemetryModel
public import Geodesy
import Foundation

/// One drone at one truth tick.
public struct DroneFix: Hashable, Sendable {
    /// The drone's index in the scenario (its MAVLink system id is index + 1).
    public var droneIndex: Int
    /// Position and velocity in the site frame.
    public var state: DroneState
    /// The same position in WGS84.
    public var position: GeodeticPosition
    /// A HEARTBEAT is due (the first tick of each second airborne).
    public var heartbeatDue: Bool
    /// A SYSTEM_TIME is due (the first tick airborne, then every 10 s).
    public var systemTimeDue: Bool
}

/// One step of a simulation, in time order.
public enum SimulationStep: Hashable, Sendable {
    /// Every airborne drone's state at a truth tick.
    case truth(time: Timestamp, fixes: [DroneFix])
    /// A sensor's heartbeat.
    case status(sensorIndex: Int, SensorStatus)
    /// A sensor's scan with its detections.
    case scan(sensorIndex: Int, ScanReport, [SimulatedDetection])
}

/// Runs a scenario: a deterministic, time-ordered sequence of ``SimulationStep``s.
///
/// Three kinds of clock tick, each on an integer-nanosecond grid: truth (all drones together, at
/// the truth rate), each sensor's heartbeat, and each sensor's scans (at `scanOffset + k / rate`).
/// At equal times truth comes first, then heartbeats, then scans, each in scenario order, as in a
/// `cuas-scenario/1` file. Nothing reads the wall clock.
public struct ScenarioSimulator: IteratorProtocol, Sendable {
    /// The scenario being run.
    public let spec: ScenarioSpec
    /// Every drone's resolved flight, in scenario order.
    public let paths: [FlightPath]
    /// The site's ENU frame.
    public let frame: LocalTangentPlane
    private var sensors: [SensorModel]
    /// `det_id`s are unique across the run, in step order, as in the Stone Soup peer's files.
    private var nextDetectionID: UInt64 = 0
    private let durationNanoseconds: Int64

    /// One clock: its period, offset and next tick number.
    private struct Clock: Sendable {
        enum Kind: Int, Sendable { case truth = 0, status = 1, scan = 2 }
        let kind: Kind
        let sensor: Int
        let offset: Int64
        let period: Int64
        var tick: Int64 = 0
        var next: Int64 { offset + tick * period }
    }
    private var clocks: [Clock]

    /// Prepares `spec`; `duration` (seconds), when given, cuts the scenario short.
    public init(spec: ScenarioSpec, duration: Double? = nil) {
        self.spec = spec
        paths = spec.drones.map { FlightPath(drone: $0, seed: spec.seed) }
        frame = LocalTangentPlane(origin: spec.origin)
        sensors = spec.sensors.map { SensorModel(spec: $0, seed: spec.seed) }
        durationNanoseconds = Int64((min(duration ?? spec.duration, spec.duration) * 1e9).rounded())
        // Array order is the tie-break: truth, then every heartbeat, then every scan.
        var clocks = [Clock(kind: .truth, sensor: 0, offset: 0, period: Self.period(spec.truthRateHz))]
        for i in spec.sensors.indices {
            clocks.append(Clock(kind: .status, sensor: i, offset: 0, period: Self.period(spec.statusRateHz)))
        }
        for (i, sensor) in spec.sensors.enumerated() {
            clocks.append(Clock(kind: .scan, sensor: i, offset: Int64((sensor.scanOffset * 1e9).rounded()),
                                period: Self.period(sensor.scanRateHz)))
        }
        self.clocks = clocks
    }

    private static func period(_ rateHz: Double) -> Int64 { max(1, Int64((1e9 / rateHz).rounded())) }

    /// The scenario's time of a step, ns since the Unix epoch.
    public func time(offsetNanoseconds: Int64) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: spec.epoch.nanosecondsSinceEpoch + offsetNanoseconds)
    }

    /// The next step, or `nil` at the end of the scenario.
    public mutating func next() -> SimulationStep? {
        while true {
            // The earliest clock; ties go to the lower kind, then the lower sensor (array order).
            var best = 0
            for i in 1..<clocks.count where clocks[i].next < clocks[best].next { best = i }
            let t = clocks[best].next
            guard t <= durationNanoseconds else { return nil }
            let clock = clocks[best]
            clocks[best].tick += 1
            let seconds = Double(t) / 1e9
            switch clock.kind {
            case .truth:
                let previous = Double(t - clock.period) / 1e9
                var fixes: [DroneFix] = []
                for (i, path) in paths.enumerated() {
                    guard let state = path.state(at: seconds) else { continue }
                    let first = !path.isAirborne(at: previous)
                    fixes.append(DroneFix(
                        droneIndex: i, state: state, position: frame.geodetic(state.position),
                        heartbeatDue: first || seconds.rounded(.down) > previous.rounded(.down),
                        systemTimeDue: first || (seconds / 10).rounded(.down) > (previous / 10).rounded(.down)))
                }
                if fixes.isEmpty { continue }
                return .truth(time: time(offsetNanoseconds: t), fixes: fixes)
            case .status:
                let sensor = spec.sensors[clock.sensor]
                return .status(sensorIndex: clock.sensor,
                               SensorStatus(time: time(offsetNanoseconds: t), sensorID: sensor.id, position: frame.geodetic(sensor.position)))
            case .scan:
                let targets = paths.compactMap { path in path.state(at: seconds).map { (id: path.drone.id, state: $0) } }
                let when = time(offsetNanoseconds: t)
                var detections = sensors[clock.sensor].scan(time: when, scanID: UInt64(clock.tick), targets: targets)
                for i in detections.indices {
                    detections[i].detection.detectionID = nextDetectionID
                    nextDetectionID += 1
                }
                let header = ScanReport(time: when, sensorID: spec.sensors[clock.sensor].id, scanID: UInt64(clock.tick),
                                        detectionCount: detections.count)
                return .scan(sensorIndex: clock.sensor, header, detections)
            }
        }
    }
}
