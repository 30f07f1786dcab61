// What a scenario file describes: the site, the drones with their flight profiles, the sensors.
import Foundation
public import TelemetryModel

/// A complete, checked scenario: everything the simulator needs.
public struct ScenarioSpec: Hashable, Sendable {
    /// The scenario's name.
    public var name: String
    /// The seed of every random stream.
    public var seed: UInt64
    /// The site origin (the ENU frame's origin).
    public var origin: GeodeticPosition
    /// Geoid separation N at the site (ellipsoid minus MSL), metres: MAVLink altitudes are MSL.
    public var geoidSeparation: Double
    /// Scenario start, UTC.
    public var epoch: Timestamp
    /// Length, seconds.
    public var duration: Double
    /// Truth samples per second per drone.
    public var truthRateHz: Double
    /// Sensor heartbeats per second.
    public var statusRateHz: Double
    /// Every drone, swarms already expanded.
    public var drones: [DroneSpec]
    public var sensors: [SensorSpec]

    public init(name: String, seed: UInt64, origin: GeodeticPosition, geoidSeparation: Double, epoch: Timestamp,
                duration: Double, truthRateHz: Double, statusRateHz: Double, drones: [DroneSpec], sensors: [SensorSpec]) {
        self.name = name
        self.seed = seed
        self.origin = origin
        self.geoidSeparation = geoidSeparation
        self.epoch = epoch
        self.duration = duration
        self.truthRateHz = truthRateHz
        self.statusRateHz = statusRateHz
        self.drones = drones
        self.sensors = sensors
    }
}

/// One drone: its id, when it flies, how fast and how high, and how it moves.
public struct DroneSpec: Hashable, Sendable {
    public var id: String
    /// Take-off and landing, seconds from the scenario start: the drone is airborne in between.
    public var takeoff: Double
    public var landing: Double
    /// The drone's speed is drawn uniformly from this range once, m/s.
    public var speed: ClosedRange<Double>
    /// Its cruise altitude (ENU up, metres above the site origin's plane) is drawn from this range once.
    public var altitude: ClosedRange<Double>
    public var profile: FlightProfile
    /// For a swarm member: its offset in the formation (metres right of and behind the leader, and up).
    public var formationOffset: SIMD3<Double>?
    /// For a swarm member: the leader's stream name, so every member flies the leader's draws.
    public var formationStream: String?

    public init(id: String, takeoff: Double, landing: Double, speed: ClosedRange<Double>, altitude: ClosedRange<Double>,
                profile: FlightProfile, formationOffset: SIMD3<Double>? = nil, formationStream: String? = nil) {
        self.id = id
        self.takeoff = takeoff
        self.landing = landing
        self.speed = speed
        self.altitude = altitude
        self.profile = profile
        self.formationOffset = formationOffset
        self.formationStream = formationStream
    }
}

/// A point on the ground: compass bearing (degrees) and distance (metres) from the site origin.
public struct SitePoint: Hashable, Sendable {
    public var bearing: Double
    public var distance: Double
    public init(bearing: Double, distance: Double) {
        self.bearing = bearing
        self.distance = distance
    }
}

/// How a drone moves. The equations are in `docs/scenarios.md`.
public enum FlightProfile: Hashable, Sendable {
    /// Straight and level from `start` towards `target`, overflying it.
    case approach(start: SitePoint, target: SitePoint)
    /// A circle of `radius` around `center`.
    case orbit(center: SitePoint, radius: Double, clockwise: Bool)
    /// Station-keeping at `at`, with a slow sway of `sway` metres.
    case hover(at: SitePoint, sway: Double)
    /// Low (`lowAltitude`) towards `target`; within `popupDistance` of it, a climb at `climbRate` to cruise altitude.
    case popup(start: SitePoint, target: SitePoint, lowAltitude: Double, popupDistance: Double, climbRate: Double)
    /// Towards `target`, weaving ±`weaveAngle` degrees off the line, changing side every `legSeconds`.
    case zigzag(start: SitePoint, target: SitePoint, weaveAngle: Double, legSeconds: Double)

    /// The profile's name in scenario files.
    public var name: String {
        switch self {
        case .approach: "approach"
        case .orbit: "orbit"
        case .hover: "hover"
        case .popup: "popup"
        case .zigzag: "zigzag"
        }
    }
}

/// What kind of sensor a simulated sensor is.
public enum SimulatedSensorKind: String, Hashable, Sendable, CaseIterable {
    /// A 3-D radar: range, azimuth, elevation.
    case radar
    /// An RF direction finder: azimuth only.
    case rf
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
    public var id: String
    public var kind: SimulatedSensorKind
    /// Its position in the site frame, metres.
    public var position: SIMD3<Double>
    public var scanRateHz: Double
    /// Seconds after the start of the first scan; by default sensors are staggered evenly.
    public var scanOffset: Double
    public var sigmaRange: Double
    public var sigmaAzimuth: Double
    public var sigmaElevation: Double
    public var maximumRange: Double
    /// Targets below this elevation are not seen (radar horizon, ground clutter fence), degrees.
    public var minimumElevation: Double
    /// Mean false detections per scan (Poisson).
    public var clutterPerScan: Double
    /// Clutter falls uniformly in a cylinder of this radius and height around the sensor, metres.
    public var clutterRadius: Double
    public var clutterCeiling: Double
    public var detectionProbability: DetectionProbabilityCurve

    public init(id: String, kind: SimulatedSensorKind, position: SIMD3<Double>, scanRateHz: Double, scanOffset: Double,
                sigmaRange: Double, sigmaAzimuth: Double, sigmaElevation: Double, maximumRange: Double,
                minimumElevation: Double, clutterPerScan: Double, clutterRadius: Double, clutterCeiling: Double,
                detectionProbability: DetectionProbabilityCurve) {
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
