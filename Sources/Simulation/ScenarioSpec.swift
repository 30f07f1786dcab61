// What a scenario file describes: the site, the drones with their flight profiles, the sensors.
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
    /// Every sensor.
    public var sensors: [SensorSpec]
    /// A Remote ID receiver's source id: when set, it relays every airborne drone's Remote ID
    /// (MAVLink `OPEN_DRONE_ID_BASIC_ID` and `_LOCATION`) on `mavlink/<id>` at each truth tick.
    public var remoteIDReceiver: String?

    /// Creates a scenario.
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

