// Drones and how they move: the flight profiles of counter-UAS test methods.

/// One drone: its id, when it flies, how fast and how high, and how it moves.
public struct DroneSpec: Hashable, Sendable {
    /// The drone id: its topic is `mavlink/<id>`.
    public var id: String
    /// Take-off and landing, seconds from the scenario start: the drone is airborne in between.
    public var takeoff: Double
    /// Landing, seconds from the scenario start.
    public var landing: Double
    /// The drone's speed is drawn uniformly from this range once, m/s.
    public var speed: ClosedRange<Double>
    /// Its cruise altitude (ENU up, metres above the site origin's plane) is drawn from this range once.
    public var altitude: ClosedRange<Double>
    /// How it flies (for a swarm member: the leader's profile).
    public var profile: FlightProfile
    /// For a swarm member: its offset in the formation (metres right of and behind the leader, and up).
    public var formationOffset: SIMD3<Double>?
    /// For a swarm member: the leader's stream name, so every member flies the leader's draws.
    public var formationStream: String?

    /// Creates a drone.
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
    /// Compass bearing from the site origin, degrees clockwise from north.
    public var bearing: Double
    /// Horizontal distance from the site origin, metres.
    public var distance: Double
    /// Creates a point.
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
    /// An FPV-like drone within `radius` of `center`: a seeded sequence of hard turns at `turnRate`
    /// (degrees per second), sprints to `sprintSpeed`, stops to hover, and diving turns, between short
    /// straight legs at its cruise speed.
    case agile(center: SitePoint, radius: Double, sprintSpeed: Double, turnRate: ClosedRange<Double>)

    /// The profile's name in scenario files.
    public var name: String {
        switch self {
        case .approach: "approach"
        case .orbit: "orbit"
        case .hover: "hover"
        case .popup: "popup"
        case .zigzag: "zigzag"
        case .agile: "agile"
        }
    }
}
