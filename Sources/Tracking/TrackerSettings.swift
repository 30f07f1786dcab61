// Every setting of the tracker: one Codable value, written out in full by `Config/tracker.yaml`.

/// The tracker's settings. The defaults are the Stone Soup peer baseline's
/// (`../shared/peers/stonesoup/README.md`), except where a field says otherwise.
public struct TrackerSettings: Codable, Hashable, Sendable {
    /// The motion model.
    public var motion = Motion()
    /// The filter and its covariance update.
    public var filter = Filter()
    /// Gating and association.
    public var association = Association()
    /// Tentative tracks and their confirmation.
    public var initiation = Initiation()
    /// When a confirmed track ends.
    public var deletion = Deletion()
    /// Measurement noise for sensors whose description gives none, and input validity.
    public var sensors = SensorDefaults()
    /// What is reported.
    public var output = Output()

    /// The defaults.
    public init() {}

    /// Motion models.
    public struct Motion: Codable, Hashable, Sendable {
        /// `cv`: one constant-velocity model. `imm`: constant velocity and two coordinated turns (±ω).
        public var model: MotionModelKind = .imm
        /// Horizontal acceleration noise PSD q, m²/s³ (baseline: 5).
        public var qHorizontal: Double = 5
        /// Vertical acceleration noise PSD q, m²/s³ (baseline: 1).
        public var qVertical: Double = 1
        /// IMM: the coordinated-turn modes' rate ω, degrees per second (one mode each way).
        public var turnRateDegreesPerSecond: Double = 45
        /// IMM: the turn modes' horizontal acceleration noise PSD, m²/s³.
        public var turnQHorizontal: Double = 60
        /// IMM: the turn modes' vertical acceleration noise PSD, m²/s³. An agile drone climbs and dives
        /// as it turns, while a cruising one holds its height: the manoeuvre modes take the vertical
        /// noise, and the constant-velocity mode keeps its small one.
        public var turnQVertical: Double = 4
        /// IMM: the probability of staying in a mode from one step to the next (πᵢᵢ); the rest is
        /// split evenly over the other modes.
        public var modeStayProbability: Double = 0.95
        /// IMM: the mode probabilities of a new track (constant velocity first, then the turns).
        public var initialModeProbabilities: [Double] = [0.8, 0.1, 0.1]

        enum CodingKeys: String, CodingKey {
            case model, qHorizontal = "q_horizontal", qVertical = "q_vertical"
            case turnRateDegreesPerSecond = "turn_rate_deg_s", turnQHorizontal = "turn_q_horizontal", turnQVertical = "turn_q_vertical"
            case modeStayProbability = "mode_stay_probability", initialModeProbabilities = "initial_mode_probabilities"
        }
    }

    /// The motion model kinds.
    public enum MotionModelKind: String, Codable, Hashable, Sendable, CaseIterable {
        /// Constant velocity.
        case cv
        /// Interacting multiple model: constant velocity and coordinated turns.
        case imm
    }

    /// The Kalman filter variant.
    public struct Filter: Codable, Hashable, Sendable {
        /// `ekf` (extended) or `ukf` (unscented) for nonlinear measurements.
        public var kind: FilterKind = .ekf
        /// `symmetric` (baseline) or `joseph`.
        public var covarianceUpdate: CovarianceUpdateForm = .symmetric

        enum CodingKeys: String, CodingKey { case kind, covarianceUpdate = "covariance_update" }
    }

    /// The filter kinds.
    public enum FilterKind: String, Codable, Hashable, Sendable, CaseIterable {
        /// Extended Kalman filter.
        case ekf
        /// Unscented Kalman filter.
        case ukf
    }

    /// Gating and association.
    public struct Association: Codable, Hashable, Sendable {
        /// Mahalanobis gate for confirmed tracks, and the cost of a miss (baseline: 4).
        public var gate: Double = 4
        /// The same for tentative tracks (baseline: 4).
        public var tentativeGate: Double = 4
        /// Whether the bounding-box pre-gate is used (it never changes the result; off only for checks).
        public var preGate: Bool = true

        enum CodingKeys: String, CodingKey { case gate, tentativeGate = "tentative_gate", preGate = "pre_gate" }
    }

    /// M-of-N initiation.
    public struct Initiation: Codable, Hashable, Sendable {
        /// M: updates, counting the first detection, that confirm a tentative track (baseline: 3).
        public var confirmHits: Int = 3
        /// N: the steps, counting the first, within which those M updates must come. With the default
        /// M = 3 and 2 misses this equals the baseline's rule exactly: a tentative track that never
        /// misses twice in a row has 3 updates by its 5th step.
        public var confirmWindow: Int = 5
        /// A tentative track is dropped after this many consecutive missed steps (baseline: 2).
        public var tentativeMaxMisses: Int = 2
        /// A new track's velocity standard deviation, horizontal, m/s (baseline: 20).
        public var velocitySigmaHorizontal: Double = 20
        /// The same, vertical, m/s (baseline: 3).
        public var velocitySigmaVertical: Double = 3
        /// Tracks started from the lines of sight of angle-only sensors (not in the baseline).
        public var passive = PassiveInitiation()

        enum CodingKeys: String, CodingKey {
            case confirmHits = "confirm_hits", confirmWindow = "confirm_window", tentativeMaxMisses = "tentative_max_misses"
            case velocitySigmaHorizontal = "velocity_sigma_horizontal", velocitySigmaVertical = "velocity_sigma_vertical"
            case passive
        }
    }

    /// Starting tracks where the lines of sight of angle-only sensors (direction finders, cameras)
    /// cross (`PassiveInitiator`).
    public struct PassiveInitiation: Codable, Hashable, Sendable {
        /// Whether angle-only sensors start tracks at all.
        public var enabled: Bool = true
        /// How long an unused line of sight waits for others to cross it, seconds: a little over the
        /// slowest angle-only sensor's scan period.
        public var windowSeconds: Double = 1.5
        /// Lines that cross at a smaller angle, degrees, fix no usable point and are not crossed.
        public var minimumCrossingAngleDegrees: Double = 10
        /// The height, metres up in the site frame, given to a track started from azimuths alone
        /// (which carry no height), and its standard deviation.
        public var heightMetres: Double = 100
        /// The standard deviation of that height, metres.
        public var sigmaHeightMetres: Double = 100

        enum CodingKeys: String, CodingKey {
            case enabled, windowSeconds = "window_s", minimumCrossingAngleDegrees = "min_crossing_angle_deg"
            case heightMetres = "height_m", sigmaHeightMetres = "sigma_height_m"
        }
    }

    /// Track deletion.
    public struct Deletion: Codable, Hashable, Sendable {
        /// A confirmed track is deleted after this many consecutive missed steps per sensor: with S
        /// sensors, after `missedScansPerSensor` × S steps (baseline: 3).
        public var missedScansPerSensor: Int = 3
        /// …or when the trace of its position covariance exceeds this, m² (baseline: 3 · 150²).
        public var maximumPositionCovarianceTrace: Double = 3 * 150 * 150

        enum CodingKeys: String, CodingKey {
            case missedScansPerSensor = "missed_scans_per_sensor"
            case maximumPositionCovarianceTrace = "max_position_covariance_trace"
        }
    }

    /// Measurement noise defaults and validity limits.
    public struct SensorDefaults: Codable, Hashable, Sendable {
        /// Radar range σ, metres, when the sensor's description gives none.
        public var sigmaRange: Double = 5
        /// Radar or direction-finder azimuth σ, degrees, when the description gives none.
        public var sigmaAzimuthDegrees: Double = 0.5
        /// Radar elevation σ, degrees, when the description gives none.
        public var sigmaElevationDegrees: Double = 0.5
        /// Direction-finder (bearing-only) azimuth σ, degrees, when the description gives none.
        public var sigmaBearingDegrees: Double = 2
        /// Measurements beyond this slant range, metres, are out of range and skipped.
        public var maximumRange: Double = 100_000

        enum CodingKeys: String, CodingKey {
            case sigmaRange = "sigma_range_m", sigmaAzimuthDegrees = "sigma_azimuth_deg"
            case sigmaElevationDegrees = "sigma_elevation_deg", sigmaBearingDegrees = "sigma_bearing_deg"
            case maximumRange = "max_range_m"
        }
    }

    /// Output.
    public struct Output: Codable, Hashable, Sendable {
        /// Whether a confirmed track is also reported on every step where it coasted (missed), as the
        /// Stone Soup peer does. Off by default: one line per confirmed track per update, plus the
        /// coasted steps within `coastedWindowSeconds` of its last update.
        public var reportCoasted: Bool = false
        /// With `reportCoasted` off, coasted steps up to this long after a track's last update are
        /// still reported, seconds (0: none). A little over the scorer's 0.5 s truth grid bridges
        /// the last truth point after a target's final detection, without the long coasted tail
        /// after it lands (docs/tracking.md).
        public var coastedWindowSeconds: Double = 0.7

        enum CodingKeys: String, CodingKey { case reportCoasted = "report_coasted", coastedWindowSeconds = "coasted_window_s" }
    }
}

extension TrackerSettings {
    /// The predictor these settings describe.
    public func makePredictor() -> any Predictor {
        let cv = ConstantVelocityTransitionModel(horizontalNoise: motion.qHorizontal, verticalNoise: motion.qVertical)
        switch motion.model {
        case .cv:
            return KalmanPredictor(model: cv)
        case .imm:
            let w = motion.turnRateDegreesPerSecond * .pi / 180
            let vertical = motion.turnQVertical
            let left = CoordinatedTurnTransitionModel(turnRate: w, horizontalNoise: motion.turnQHorizontal, verticalNoise: vertical)
            let right = CoordinatedTurnTransitionModel(turnRate: -w, horizontalNoise: motion.turnQHorizontal, verticalNoise: vertical)
            let stay = motion.modeStayProbability, move = (1 - stay) / 2
            return IMMPredictor(models: [cv, left, right], switching: [[stay, move, move], [move, stay, move], [move, move, stay]])
        }
    }

    /// The predictor of tentative tracks: constant velocity, whatever `motion.model`.
    public func makeTentativePredictor() -> any Predictor {
        KalmanPredictor(model: ConstantVelocityTransitionModel(horizontalNoise: motion.qHorizontal, verticalNoise: motion.qVertical))
    }

    /// The updater these settings describe.
    public func makeUpdater() -> any Updater {
        switch filter.kind {
        case .ekf: ExtendedKalmanUpdater()
        case .ukf: UnscentedKalmanUpdater()
        }
    }

    /// Problems with the values, each as (field path, message); empty when the settings are usable.
    public var problems: [(field: String, message: String)] {
        var out: [(String, String)] = []
        func positive(_ value: Double, _ field: String) { if !(value > 0) || !value.isFinite { out.append((field, "must be a positive number")) } }
        positive(motion.qHorizontal, "motion.q_horizontal")
        positive(motion.qVertical, "motion.q_vertical")
        positive(motion.turnQHorizontal, "motion.turn_q_horizontal")
        positive(motion.turnQVertical, "motion.turn_q_vertical")
        if !(motion.turnRateDegreesPerSecond > 0 && motion.turnRateDegreesPerSecond <= 90) {
            out.append(("motion.turn_rate_deg_s", "must be in (0, 90] degrees per second"))
        }
        if !(motion.modeStayProbability > 0 && motion.modeStayProbability < 1) {
            out.append(("motion.mode_stay_probability", "must be strictly between 0 and 1"))
        }
        let p = motion.initialModeProbabilities
        if p.count != 3 || p.contains(where: { !($0 >= 0) }) || abs(p.reduce(0, +) - 1) > 1e-9 {
            out.append(("motion.initial_mode_probabilities", "must be three probabilities (cv, left turn, right turn) summing to 1"))
        }
        positive(association.gate, "association.gate")
        positive(association.tentativeGate, "association.tentative_gate")
        if initiation.confirmHits < 1 { out.append(("initiation.confirm_hits", "must be at least 1")) }
        if initiation.confirmWindow < initiation.confirmHits || initiation.confirmWindow > 64 {
            out.append(("initiation.confirm_window", "must be between confirm_hits and 64"))
        }
        if initiation.tentativeMaxMisses < 1 { out.append(("initiation.tentative_max_misses", "must be at least 1")) }
        positive(initiation.velocitySigmaHorizontal, "initiation.velocity_sigma_horizontal")
        positive(initiation.velocitySigmaVertical, "initiation.velocity_sigma_vertical")
        if !(initiation.passive.windowSeconds > 0 && initiation.passive.windowSeconds <= 60) {
            out.append(("initiation.passive.window_s", "must be in (0, 60] seconds"))
        }
        if !(initiation.passive.minimumCrossingAngleDegrees > 0 && initiation.passive.minimumCrossingAngleDegrees < 90) {
            out.append(("initiation.passive.min_crossing_angle_deg", "must be in (0, 90) degrees"))
        }
        if !initiation.passive.heightMetres.isFinite { out.append(("initiation.passive.height_m", "must be a number of metres")) }
        positive(initiation.passive.sigmaHeightMetres, "initiation.passive.sigma_height_m")
        if deletion.missedScansPerSensor < 1 { out.append(("deletion.missed_scans_per_sensor", "must be at least 1")) }
        positive(deletion.maximumPositionCovarianceTrace, "deletion.max_position_covariance_trace")
        positive(sensors.sigmaRange, "sensors.sigma_range_m")
        positive(sensors.sigmaAzimuthDegrees, "sensors.sigma_azimuth_deg")
        positive(sensors.sigmaElevationDegrees, "sensors.sigma_elevation_deg")
        positive(sensors.sigmaBearingDegrees, "sensors.sigma_bearing_deg")
        positive(sensors.maximumRange, "sensors.max_range_m")
        if !(output.coastedWindowSeconds >= 0 && output.coastedWindowSeconds.isFinite) {
            out.append(("output.coasted_window_s", "must be a number of seconds, 0 or more"))
        }
        return out
    }
}
