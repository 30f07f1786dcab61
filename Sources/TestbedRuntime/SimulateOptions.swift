// What `haechi simulate` is asked to do.
public import Simulation

/// What `haechi simulate` does.
public struct SimulateOptions: Sendable {
    /// Overrides the scenario's seed.
    public var seed: UInt64?
    /// How fast to publish.
    public var speed: SimulationSpeed
    /// Stops after this many seconds of scenario time.
    public var duration: Double?
    /// ZeroMQ endpoints to publish to.
    public var publish: [String]
    /// Bind the endpoints instead of connecting.
    public var bind: Bool
    /// PUB or PUSH.
    public var socket: SimulationSocket
    /// PUB only: wait up to this long for a subscriber before sending.
    public var waitSubscribers: Double?
    /// Also write the scenario as a cuas-scenario/1 file here.
    public var writePath: String?
    /// Keep only sensors of these kinds (nil: all).
    public var sensorKinds: Set<SimulatedSensorKind>?
    /// Overrides the scenario's start time (UTC, ISO 8601).
    public var epoch: String?
    /// Write the JSON summary here.
    public var summaryPath: String?

    /// Options; the defaults publish at full speed over PUB.
    public init(seed: UInt64? = nil, speed: SimulationSpeed = .max, duration: Double? = nil, publish: [String] = [], bind: Bool = false,
                socket: SimulationSocket = .pub, waitSubscribers: Double? = nil, writePath: String? = nil,
                sensorKinds: Set<SimulatedSensorKind>? = nil, epoch: String? = nil, summaryPath: String? = nil) {
        self.seed = seed
        self.speed = speed
        self.duration = duration
        self.publish = publish
        self.bind = bind
        self.socket = socket
        self.waitSubscribers = waitSubscribers
        self.writePath = writePath
        self.sensorKinds = sensorKinds
        self.epoch = epoch
        self.summaryPath = summaryPath
    }
}
