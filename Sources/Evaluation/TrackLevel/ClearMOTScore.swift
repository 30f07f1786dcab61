// CLEAR-MOT: multiple object tracking accuracy and precision.

/// CLEAR-MOT (Bernardin and Stiefelhagen, "Evaluating multiple object tracking performance: the
/// CLEAR MOT metrics", EURASIP J. Image and Video Processing 2008, 246309), on the evaluation grid's
/// frames with a distance threshold T:
///
///     MOTA = 1 − Σₜ (mₜ + fpₜ + mmeₜ) / Σₜ gₜ        MOTP = Σₜ,ᵢ dᵢₜ / Σₜ cₜ
///
/// gₜ the drones present in frame t, cₜ the matches, mₜ = gₜ − cₜ the misses, fpₜ the track states
/// left unmatched, mmeₜ the mismatches (ID switches), and dᵢₜ the distance of match i, metres. MOTA
/// can be negative; MOTP is a distance (lower is better). See ``TrackLevelEvaluator`` for the
/// matching.
public struct ClearMOTScore: Hashable, Sendable, Codable {
    /// Σ gₜ: drone presences over all frames.
    public var groundTruthCount: Int
    /// Σ cₜ: matches.
    public var matches: Int
    /// Σ mₜ: drones present but unmatched.
    public var misses: Int
    /// Σ fpₜ: track states unmatched.
    public var falsePositives: Int
    /// Σ mmeₜ: ID switches.
    public var idSwitches: Int
    /// Σ dᵢₜ, metres.
    public var totalMatchDistance: Double

    /// Creates a score.
    public init(groundTruthCount: Int = 0, matches: Int = 0, misses: Int = 0, falsePositives: Int = 0,
                idSwitches: Int = 0, totalMatchDistance: Double = 0) {
        self.groundTruthCount = groundTruthCount
        self.matches = matches
        self.misses = misses
        self.falsePositives = falsePositives
        self.idSwitches = idSwitches
        self.totalMatchDistance = totalMatchDistance
    }

    /// MOTA; `nil` when no drone was present in any frame.
    public var mota: Double? {
        groundTruthCount > 0 ? 1 - Double(misses + falsePositives + idSwitches) / Double(groundTruthCount) : nil
    }

    /// MOTP, metres; `nil` without matches.
    public var motp: Double? { matches > 0 ? totalMatchDistance / Double(matches) : nil }
}
