// The SIAP figures of a run, and their values at each time.
public import TelemetryModel

/// The SIAP counts and figures at one time t.
public struct SIAPAtTime: Hashable, Sendable {
    /// t.
    public var time: Timestamp
    /// J(t): true objects with a state at t.
    public var truths: Int
    /// JT(t): true objects associated with at least one track at t.
    public var associatedTruths: Int
    /// N(t): tracks with a state at t.
    public var tracks: Int
    /// NA(t): tracks associated with a true object at t.
    public var associatedTracks: Int
    /// Σ ‖track − truth‖ of position over the associations holding at t, metres.
    public var positionErrorSum: Double
    /// Σ ‖track − truth‖ of velocity over the associations holding at t, m/s; `nil` without velocities.
    public var velocityErrorSum: Double?

    /// C(t) = JT/J (0 when J = 0).
    public var completeness: Double { truths == 0 ? 0 : Double(associatedTruths) / Double(truths) }
    /// A(t) = NA/JT (1 when JT = 0).
    public var ambiguity: Double { associatedTruths == 0 ? 1 : Double(associatedTracks) / Double(associatedTruths) }
    /// S(t) = (N − NA)/N (0 when N = 0).
    public var spuriousness: Double { tracks == 0 ? 0 : Double(tracks - associatedTracks) / Double(tracks) }
    /// PA(t) = Σ position error / NA (0 when NA = 0), metres.
    public var positionAccuracy: Double { associatedTracks == 0 ? 0 : positionErrorSum / Double(associatedTracks) }
    /// VA(t) = Σ velocity error / NA (0 when NA = 0), m/s; `nil` without velocities.
    public var velocityAccuracy: Double? {
        velocityErrorSum.map { associatedTracks == 0 ? 0 : $0 / Double(associatedTracks) }
    }

    /// Creates the values at one time.
    public init(time: Timestamp, truths: Int, associatedTruths: Int, tracks: Int, associatedTracks: Int,
                positionErrorSum: Double, velocityErrorSum: Double?) {
        self.time = time
        self.truths = truths
        self.associatedTruths = associatedTruths
        self.tracks = tracks
        self.associatedTracks = associatedTracks
        self.positionErrorSum = positionErrorSum
        self.velocityErrorSum = velocityErrorSum
    }
}

/// The SIAP figures over a run (formulas in ``SIAPMetrics``).
public struct SIAPScores: Hashable, Sendable {
    /// C = Σ JT / Σ J: the fraction of truth-time covered by a track (0 when Σ J = 0).
    public var completeness: Double
    /// A = Σ NA / Σ JT: tracks per tracked true object (1 when Σ JT = 0).
    public var ambiguity: Double
    /// S = Σ (N − NA) / Σ N: the fraction of track-time not on any true object (0 when Σ N = 0).
    public var spuriousness: Double
    /// PA = Σ position error / Σ NA, metres (0 when Σ NA = 0).
    public var positionAccuracy: Double
    /// VA = Σ velocity error / Σ NA, m/s (0 when Σ NA = 0); `nil` when a track or truth state lacks a velocity.
    public var velocityAccuracy: Double?
    /// R = Σⱼ (NUⱼ − 1) / Σⱼ TTⱼ, track-number changes per second of tracked time (0 when Σ TT = 0).
    public var rateOfTrackNumberChange: Double
    /// LS = Σⱼ TLⱼ / Σⱼ Tⱼ: the longest single-track share of each true object's life (0 when Σ T = 0).
    public var longestTrackSegment: Double
    /// The values at each time of the run.
    public var atTimes: [SIAPAtTime]

    /// Creates the figures.
    public init(completeness: Double, ambiguity: Double, spuriousness: Double, positionAccuracy: Double,
                velocityAccuracy: Double?, rateOfTrackNumberChange: Double, longestTrackSegment: Double, atTimes: [SIAPAtTime]) {
        self.completeness = completeness
        self.ambiguity = ambiguity
        self.spuriousness = spuriousness
        self.positionAccuracy = positionAccuracy
        self.velocityAccuracy = velocityAccuracy
        self.rateOfTrackNumberChange = rateOfTrackNumberChange
        self.longestTrackSegment = longestTrackSegment
        self.atTimes = atTimes
    }
}
