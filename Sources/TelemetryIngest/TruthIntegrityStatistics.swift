// What the truth checks found, per drone: the bound sender, and every fix kept out of the truth and why.
public import TelemetryModel

/// The checks each drone's truth passes (docs/wire-formats.md, "Truth integrity").
public struct TruthIntegritySettings: Hashable, Sendable {
    /// Multiplies each fix's own stated horizontal accuracy (one standard uncertainty) in the jump allowance.
    public static let accuracyFactor = 3.0
    /// A run of this many fixes from the bound sender that agree with one another but not with the
    /// drone's last accepted fix moves the truth on to them (the earlier fix was the odd one out).
    public static let reanchorFixes = 5

    /// The fastest any target may fly, m/s: a fix implying more since the last accepted fix is a jump.
    public var maximumSpeed: Double
    /// Metres always allowed on top of speed × time (GNSS noise, latency, a fix's rounding).
    public var positionSlack: Double
    /// A plaintext sender's truth may pass to a new connection from the same address on the same
    /// endpoint once the bound connection has been silent this long, seconds (a reconnect).
    public var handoverSeconds: Double
    /// Drones whose truth is checked apart; fixes of further drones are kept out of the truth and counted.
    public var maximumDrones: Int

    /// Settings; the defaults are 150 m/s, 50 m, 2 s and 1024 drones.
    public init(maximumSpeed: Double = 150, positionSlack: Double = 50, handoverSeconds: Double = 2, maximumDrones: Int = 1024) {
        precondition(maximumSpeed > 0 && positionSlack >= 0 && handoverSeconds >= 0 && maximumDrones > 0, "truth limits must be positive")
        self.maximumSpeed = maximumSpeed
        self.positionSlack = positionSlack
        self.handoverSeconds = handoverSeconds
        self.maximumDrones = maximumDrones
    }
}

/// What happened to one drone's truth.
public struct DroneTruthStatistics: Hashable, Sendable {
    /// The sender the truth is bound to (the latest, after a handover), for people.
    public var boundSender: String = ""
    /// Fixes taken into the truth.
    public var fixesAccepted: UInt64 = 0
    /// Fixes kept out because a sender other than the bound one sent them.
    public var otherSenderFixes: UInt64 = 0
    /// Other senders seen for this drone (distinct, counted up to ``DroneTruthStatistics/namedSenderLimit``; more are
    /// counted but not named).
    public var otherSenders: UInt64 = 0
    /// The first few of them, for people.
    public var otherSenderNames: [String] = []
    /// Fixes kept out because reaching them from the last accepted fix needs more than the maximum speed.
    public var jumps: UInt64 = 0
    /// The largest such jump: its distance (m) and the speed it implies (m/s; infinite for no time between).
    public var largestJumpMetres: Double?
    public var largestJumpSpeed: Double?
    /// Times the truth moved on to a run of mutually consistent fixes after a jump (see ``TruthIntegritySettings/reanchorFixes``).
    public var reanchors: UInt64 = 0
    /// Times the sender's sequence restarted mid-stream (JSON `seq` back to 0 or far back; MAVLink
    /// `time_boot_ms` more than a second back). Flagged, not excluded.
    public var restarts: UInt64 = 0
    /// Times the binding passed to a reconnection from the same address after the bound connection fell silent.
    public var handovers: UInt64 = 0
    /// Receive time of the first flagged fix, ns since the Unix epoch.
    public var firstFlagReceiveTime: Timestamp?

    /// How many other senders are named.
    public static let namedSenderLimit = 4

    /// Zero counters.
    public init() {}

    /// Whether anything about this drone's truth needs a reader's attention.
    public var isFlagged: Bool { otherSenderFixes > 0 || jumps > 0 || restarts > 0 || handovers > 0 || reanchors > 0 }
}

/// The truth checks' findings over a run.
public struct TruthIntegrityStatistics: Hashable, Sendable {
    /// The settings the checks used.
    public var settings: TruthIntegritySettings
    /// Per drone id.
    public var drones: [String: DroneTruthStatistics] = [:]
    /// Fixes kept out of the truth because ``TruthIntegritySettings/maximumDrones`` drones were already tracked.
    public var fixesBeyondDroneLimit: UInt64 = 0
    /// Fixes kept out because their sender could not be numbered (too many connections in the run).
    public var unattributedFixes: UInt64 = 0

    /// No findings yet.
    public init(settings: TruthIntegritySettings = TruthIntegritySettings()) { self.settings = settings }

    /// The drones with something flagged, sorted.
    public var flaggedDrones: [String] { drones.filter { $0.value.isFlagged }.map(\.key).sorted() }
}
