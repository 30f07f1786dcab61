// The lag by which a tracker's positions trail the truth.

/// The lag τ that minimises the RMS distance between track positions and truth delayed by τ:
///
///     RMS(τ) = √( (1/n) Σᵢ |p_track,i(tᵢ) − p_truth,d(i)(tᵢ − τ)|² )
///
/// over the n track records associated with a drone d(i), for τ on a grid
/// τ_min, τ_min + Δ, …, τ_max (defaults −2 s to +2 s by 10 ms). A positive τ means the track trails
/// the truth (it reports at t where the drone was at t − τ). The truth is interpolated linearly at
/// tᵢ − τ. The same records enter every RMS(τ): only those whose drone has truth at tᵢ − τ for every
/// τ searched, so the minimum is not an artefact of records dropping in and out. Of equal minima the
/// smallest |τ| is reported, then the smaller τ.
public struct LatencyEstimate: Hashable, Sendable, Codable {
    /// The lag τ, seconds.
    public var lagSeconds: Double
    /// RMS(τ), metres.
    public var rmsAtLag: Double
    /// RMS(0), metres, when 0 is on the searched grid.
    public var rmsAtZeroLag: Double?
    /// Track records in the sums, n.
    public var sampleCount: Int

    /// Creates an estimate.
    public init(lagSeconds: Double, rmsAtLag: Double, rmsAtZeroLag: Double?, sampleCount: Int) {
        self.lagSeconds = lagSeconds
        self.rmsAtLag = rmsAtLag
        self.rmsAtZeroLag = rmsAtZeroLag
        self.sampleCount = sampleCount
    }
}
