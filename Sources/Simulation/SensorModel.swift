// What a sensor sees in one scan: noisy detections of the drones it can see, plus clutter.
public import TelemetryModel
import Geodesy
import Foundation

/// A detection with the facts only the simulator knows.
public struct SimulatedDetection: Hashable, Sendable {
    /// The measurement (ground-truth label included).
    public var detection: Detection
    /// Whether it is clutter rather than a drone.
    public var isClutter: Bool { detection.groundTruthLabel == nil }
}

/// Turns drone states into one sensor's detections.
///
/// Radar: a drone at slant range r and elevation e is visible when r ≤ maximum range and
/// e ≥ minimum elevation; it is detected with probability Pd(r); range, azimuth and elevation get
/// independent Gaussian noise. Clutter: Poisson(λ) points uniform in a cylinder around the sensor.
/// An RF direction finder sees every drone within range (no elevation fence) and reports azimuth
/// alone; its clutter is Poisson(λ) bearings uniform in [0, 360). An EO/IR camera sees a drone within
/// range, inside its field of view (an azimuth sector and an elevation band), and reports azimuth and
/// elevation; its clutter is uniform over the field of view, up to 30° above its floor. A sensor whose
/// field of view is narrower than 360° sees only that sector, whatever its kind. The detections of a scan are
/// shuffled, so their order says nothing about which is which. The simulator numbers them.
public struct SensorModel: Sendable {
    /// The sensor being modelled.
    public let spec: SensorSpec
    private var random: SimulationRandom

    /// The sensor's model, drawing from its own stream of `seed`.
    public init(spec: SensorSpec, seed: UInt64) {
        self.spec = spec
        random = SimulationRandom(seed: seed, stream: "sensor:" + spec.id)
    }

    /// One scan at `time` of the airborne drones `targets` (id and state).
    public mutating func scan(time: Timestamp, scanID: UInt64, targets: [(id: String, state: DroneState)]) -> [SimulatedDetection] {
        var found: [SimulatedDetection] = []
        for target in targets {
            let truth = PolarMeasurement(of: target.state.position, from: spec.position)
            guard truth.range <= spec.maximumRange, spec.sees(azimuth: truth.azimuth, elevation: truth.elevation) else { continue }
            // Draw in a fixed order whatever happens, so one target's fate never shifts another's draws.
            let detected = random.unit() < spec.detectionProbability.probability(atRange: truth.range)
            let noise = SIMD3(random.gaussian(), random.gaussian(), random.gaussian())
            guard detected else { continue }
            found.append(measure(truth, noise: noise, time: time, scanID: scanID, label: target.id))
        }
        for _ in 0..<random.poisson(spec.clutterPerScan) {
            switch spec.kind {
            case .radar:
                let r = spec.clutterRadius * random.unit().squareRoot(), a = random.uniform(0...(2 * .pi))
                let point = spec.position + SIMD3(r * sin(a), r * cos(a), 0) + SIMD3(0, 0, random.uniform(0...spec.clutterCeiling) - spec.position.z)
                found.append(measure(PolarMeasurement(of: point, from: spec.position), noise: .zero, time: time, scanID: scanID, label: nil))
            case .rf:
                found.append(measure(PolarMeasurement(range: 0, azimuth: random.uniform(0...360), elevation: 0), noise: .zero,
                                     time: time, scanID: scanID, label: nil))
            case .eoir:
                // Uniform over the field of view, up to 30° above its floor (birds, glints, insects).
                let half = min(spec.fieldOfViewWidth, 360) / 2
                var azimuth = (spec.fieldOfViewAzimuth + random.uniform(-half...half)).truncatingRemainder(dividingBy: 360)
                if azimuth < 0 { azimuth += 360 }
                let floor = max(spec.minimumElevation, -90), ceiling = max(floor, min(spec.maximumElevation, floor + 30))
                found.append(measure(PolarMeasurement(range: 0, azimuth: azimuth, elevation: random.uniform(floor...ceiling)),
                                     noise: .zero, time: time, scanID: scanID, label: nil))
            }
        }
        random.shuffle(&found)
        return found
    }

    private func measure(_ truth: PolarMeasurement, noise: SIMD3<Double>, time: Timestamp, scanID: UInt64, label: String?) -> SimulatedDetection {
        var azimuth = (truth.azimuth + noise.y * spec.sigmaAzimuth).truncatingRemainder(dividingBy: 360)
        if azimuth < 0 { azimuth += 360 }
        return SimulatedDetection(detection: Detection(
            time: time, sensorID: spec.id, scanID: scanID,
            range: spec.kind == .radar ? max(0, truth.range + noise.x * spec.sigmaRange) : nil,
            azimuth: azimuth,
            elevation: spec.kind.measuresElevation ? min(90, max(-90, truth.elevation + noise.z * spec.sigmaElevation)) : nil,
            groundTruthLabel: label))
    }
}
