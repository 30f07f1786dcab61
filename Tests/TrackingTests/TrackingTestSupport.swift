// Shared fixtures for the tracker's tests: Gaussian noise and a small seeded radar scenario.
import Foundation
import TelemetryModel
import TestSupport
import Testing
@testable import Tracking
import TrackingMath

extension SeededGenerator {
    /// A standard normal draw (Box–Muller).
    mutating func gaussian() -> Double {
        let u1 = Double.random(in: Double.ulpOfOne..<1, using: &self), u2 = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }
}

/// A radar at the origin with the scenario peer's noise.
let testRadar = RadarPolarMeasurementModel(sensorPosition: ENUVector(0, 0, 10), sigmaRange: 5,
                                           sigmaAzimuthDegrees: 0.5, sigmaElevationDegrees: 0.5)

/// A small synthetic run: targets on closed-form paths seen by one or two radars at 1 Hz each, with
/// Pd, noise and uniform clutter from a seeded generator.
struct SyntheticRun {
    var sensors: [TrackerSensor]
    var scans: [SensorScan]
    /// Truth at each scan, per target.
    var truth: [[ENUVector]]

    /// - Parameter paths: each target's position at time t (seconds).
    init(seed: UInt64, duration: Int, radars: [ENUVector] = [ENUVector(0, 0, 10)], pd: Double = 0.9,
         clutter: Int = 3, paths: [(Double) -> ENUVector]) {
        var rng = SeededGenerator(state: seed)
        sensors = radars.enumerated().map { index, site in
            TrackerSensor(id: "r\(index)", model: RadarPolarMeasurementModel(sensorPosition: site, sigmaRange: 5,
                                                                          sigmaAzimuthDegrees: 0.5, sigmaElevationDegrees: 0.5))
        }
        scans = []
        truth = []
        var detectionID: UInt64 = 0
        for second in 0..<duration {
            for (s, site) in radars.enumerated() {
                let t = Double(second) + Double(s) / Double(radars.count)
                let time = Timestamp(nanosecondsSinceEpoch: 1_748_736_000_000_000_000 + Int64((t * 1e9).rounded()))
                var detections: [Detection] = []
                var positions: [ENUVector] = []
                for path in paths {
                    let p = path(t)
                    positions.append(p)
                    guard Double.random(in: 0..<1, using: &rng) < pd else { continue }
                    let polar = PolarMeasurementFromSite(p, site)
                    detectionID += 1
                    detections.append(Detection(time: time, sensorID: "r\(s)", scanID: UInt64(second), detectionID: detectionID,
                                                range: polar.range + 5 * rng.gaussian(),
                                                azimuth: (polar.azimuth + 0.5 * rng.gaussian() + 360).truncatingRemainder(dividingBy: 360),
                                                elevation: polar.elevation + 0.5 * rng.gaussian()))
                }
                for _ in 0..<clutter {
                    let p = ENUVector(Double.random(in: -3000...3000, using: &rng), Double.random(in: -3000...3000, using: &rng),
                                      Double.random(in: 0...400, using: &rng))
                    let polar = PolarMeasurementFromSite(p, site)
                    detectionID += 1
                    detections.append(Detection(time: time, sensorID: "r\(s)", scanID: UInt64(second), detectionID: detectionID,
                                                range: polar.range, azimuth: polar.azimuth, elevation: polar.elevation))
                }
                detections.shuffle(using: &rng)
                scans.append(SensorScan(time: time, sensorID: "r\(s)", scanID: UInt64(second), detections: detections))
                truth.append(positions)
            }
        }
    }

    /// Every step's output of a tracker with `settings`, rendered as track lines.
    func trackLines(_ settings: TrackerSettings = TrackerSettings()) -> (lines: [String], tracker: MultiTargetTracker, steps: [TrackerStep]) {
        var tracker = MultiTargetTracker(settings: settings, sensors: sensors)
        var lines: [String] = []
        var steps: [TrackerStep] = []
        for scan in scans {
            guard let step = tracker.process(scan) else { continue }
            steps.append(step)
            lines.append(contentsOf: step.tracks.map { $0.json(epoch: nil) })
        }
        return (lines, tracker, steps)
    }
}

/// Range, compass azimuth (degrees) and elevation (degrees) of `p` from `site`.
func PolarMeasurementFromSite(_ p: ENUVector, _ site: ENUVector) -> (range: Double, azimuth: Double, elevation: Double) {
    let d = p - site
    let rho = (d.x * d.x + d.y * d.y).squareRoot()
    var az = atan2(d.x, d.y) * 180 / .pi
    if az < 0 { az += 360 }
    return ((rho * rho + d.z * d.z).squareRoot(), az, atan2(d.z, rho) * 180 / .pi)
}

/// A straight, level path.
func straight(from start: ENUVector, velocity: ENUVector) -> (Double) -> ENUVector {
    { t in start + velocity * t }
}

/// A level circle of `radius` about `center` at `speed`, starting at angle `phase`.
func circle(center: ENUVector, radius: Double, speed: Double, phase: Double = 0) -> (Double) -> ENUVector {
    { t in
        let a = phase + speed * t / radius
        return center + ENUVector(radius * cos(a), radius * sin(a), 0)
    }
}

/// The Euclidean distance between two ENU points.
func distance(_ a: ENUVector, _ b: ENUVector) -> Double {
    let d = a - b
    return (d * d).sum().squareRoot()
}

/// Checks that `model`'s analytic Jacobian matches central finite differences of its measurement (through
/// its wrapped residual) in the first `rows` rows, at points about the site, and is zero elsewhere:
/// in the velocity columns and in the padded rows.
func expectJacobianMatchesFiniteDifferences(_ model: some MeasurementModel, rows: Int,
                                            sourceLocation: SourceLocation = #_sourceLocation) {
    for (e, n, u) in [(1000.0, 2000.0, 150.0), (-2500.0, 10.0, 80.0), (5.0, -3000.0, 300.0), (-700.0, -700.0, 20.0)] {
        let x = StateVector([e, n, u, 5, -3, 1])
        let h = model.jacobian(at: x)
        for k in 0..<3 {
            var plus = x, minus = x
            plus[k] += 1e-3
            minus[k] -= 1e-3
            let d = model.residual(model.measure(plus), model.measure(minus))
            for row in 0..<rows { #expect(abs(d[row] / 2e-3 - h[row, k]) < 1e-7, sourceLocation: sourceLocation) }
            for row in rows..<3 { #expect(h[row, k] == 0 && d[row] == 0, sourceLocation: sourceLocation) }
        }
        for k in 3..<6 { for row in 0..<3 { #expect(h[row, k] == 0, sourceLocation: sourceLocation) } }
    }
}
