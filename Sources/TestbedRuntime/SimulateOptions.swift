// What `haechi simulate` is asked to do.
public import Simulation

/// How fast a simulation is published.
public enum SimulationSpeed: Hashable, Sendable, CustomStringConvertible {
    /// As fast as the machine allows.
    case max
    /// `factor` times scenario time (1: real time).
    case factor(Double)

    /// Parses `max`, `1`, `10`, `2.5`.
    public init?(_ text: String) {
        if text == "max" { self = .max; return }
        guard let value = Double(text), value.isFinite, value > 0 else { return nil }
        self = .factor(value)
    }

    public var description: String {
        switch self {
        case .max: "max"
        case .factor(let f): f == f.rounded() ? String(Int(f)) : String(f)
        }
    }
}

/// The socket pattern a simulation publishes with.
public enum SimulationSocket: String, Hashable, Sendable, CaseIterable {
    /// PUB: fan-out to every subscriber; drops at the high-water mark (the loss shows as sequence gaps).
    case pub
    /// PUSH: lossless; waits for the receiver. Several endpoints share the messages round-robin.
    case push
}

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
