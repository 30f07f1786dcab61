// Simulated sensors: kind, noise, coverage, clutter and the detection-probability curve.
public import Asterix
public import TelemetryModel
import Foundation

/// What kind of sensor a simulated sensor is.
public enum SimulatedSensorKind: String, Hashable, Sendable, CaseIterable {
    /// A 3-D radar: range, azimuth, elevation.
    case radar
    /// An RF direction finder: azimuth only.
    case rf
    /// An EO/IR camera: azimuth and elevation, no range, within its field of view.
    case eoir = "eo_ir"

    /// What its detections measure.
    public var measures: MeasurementKind {
        switch self {
        case .radar: .rangeAzimuthElevation
        case .rf: .azimuth
        case .eoir: .azimuthElevation
        }
    }

    /// Whether its detections carry an elevation.
    public var measuresElevation: Bool { self != .rf }
}

/// How the probability of detection falls with range.
public enum DetectionProbabilityCurve: Hashable, Sendable {
    /// The same at every range (inside the maximum range).
    case constant(Double)
    /// Pd(r) = pdMax / (1 + exp((r − range50) / width)): about pdMax close in, pdMax/2 at `range50`.
    case logistic(pdMax: Double, range50: Double, width: Double)

    /// The probability of detection at slant range `range`, metres.
    public func probability(atRange range: Double) -> Double {
        switch self {
        case .constant(let pd): pd
        case .logistic(let pdMax, let range50, let width): pdMax / (1 + Foundation.exp((range - range50) / width))
        }
    }
}

/// One simulated sensor.
public struct SensorSpec: Hashable, Sendable {
    /// The sensor id: its topic is `json/<id>`.
    public var id: String
    /// Radar or RF direction finder.
    public var kind: SimulatedSensorKind
    /// Its position in the site frame, metres.
    public var position: SIMD3<Double>
    /// Scans per second.
    public var scanRateHz: Double
    /// Seconds after the start of the first scan; by default sensors are staggered evenly.
    public var scanOffset: Double
    /// One-sigma range noise, metres (radar).
    public var sigmaRange: Double
    /// One-sigma azimuth noise, degrees.
    public var sigmaAzimuth: Double
    /// One-sigma elevation noise, degrees (radar, camera).
    public var sigmaElevation: Double
    /// Instrumented range: nothing farther is seen, metres.
    public var maximumRange: Double
    /// Targets below this elevation are not seen (radar horizon, ground clutter fence), degrees.
    /// Radars and cameras only.
    public var minimumElevation: Double
    /// Targets above this elevation are not seen, degrees. Radars and cameras only.
    public var maximumElevation: Double = 90
    /// The compass azimuth at the middle of the field of view, degrees.
    public var fieldOfViewAzimuth: Double = 0
    /// The field of view's width in azimuth, degrees: 360 sees all round; a camera sees a sector.
    public var fieldOfViewWidth: Double = 360
    /// Mean false detections per scan (Poisson).
    public var clutterPerScan: Double
    /// Clutter falls uniformly in a cylinder of this radius and height around the sensor, metres.
    public var clutterRadius: Double
    /// Top of the clutter cylinder, metres (ENU up).
    public var clutterCeiling: Double
    /// Probability of detecting a visible drone, by range.
    public var detectionProbability: DetectionProbabilityCurve
    /// A radar that speaks ASTERIX (CAT034 and CAT048) as this SAC/SIC, on `asterix/<SAC>-<SIC>`,
    /// instead of JSON telemetry on `json/<id>`.
    public var asterix: AsterixSource?
    /// A sensor that speaks SAPIENT (BSI Flex 335 v2.0) as this node (a UUID v4), on `sapient/<node-id>`.
    public var sapientNode: String?

    /// Creates a sensor.
    public init(id: String, kind: SimulatedSensorKind, position: SIMD3<Double>, scanRateHz: Double, scanOffset: Double,
                sigmaRange: Double, sigmaAzimuth: Double, sigmaElevation: Double, maximumRange: Double,
                minimumElevation: Double, clutterPerScan: Double, clutterRadius: Double, clutterCeiling: Double,
                detectionProbability: DetectionProbabilityCurve, asterix: AsterixSource? = nil, sapientNode: String? = nil) {
        self.asterix = asterix
        self.sapientNode = sapientNode
        self.id = id
        self.kind = kind
        self.position = position
        self.scanRateHz = scanRateHz
        self.scanOffset = scanOffset
        self.sigmaRange = sigmaRange
        self.sigmaAzimuth = sigmaAzimuth
        self.sigmaElevation = sigmaElevation
        self.maximumRange = maximumRange
        self.minimumElevation = minimumElevation
        self.clutterPerScan = clutterPerScan
        self.clutterRadius = clutterRadius
        self.clutterCeiling = clutterCeiling
        self.detectionProbability = detectionProbability
    }
}

extension SensorSpec {
    /// Whether a target at compass azimuth `azimuth` and elevation `elevation` (degrees) is in the
    /// sensor's field of view. A direction finder has no elevation limits.
    public func sees(azimuth: Double, elevation: Double) -> Bool {
        if fieldOfViewWidth < 360 {
            var offset = (azimuth - fieldOfViewAzimuth).truncatingRemainder(dividingBy: 360)
            if offset < -180 { offset += 360 } else if offset >= 180 { offset -= 360 }
            guard abs(offset) <= fieldOfViewWidth / 2 else { return false }
        }
        return !kind.measuresElevation || (minimumElevation...maximumElevation).contains(elevation)
    }
}
