// Scores any system's tracks against the truth: resampling, OSPA, GOSPA, association and SIAP.
public import TrackingMath
import TelemetryModel

/// Wires the scoring components together, as `metrics_stonesoup.py` wires Stone Soup's.
///
/// 1. Each truth path is put on the grid (``TruthPath/onTimeline(_:maximumGapNanoseconds:)``: its
///    own samples, interpolated between them across gaps of at most ``maximumTruthGapSeconds``), and
///    each track is resampled onto it by ``resampler``; tracks left without a state are dropped.
/// 2. The time steps are every grid time at which a truth path or a resampled track has a state.
/// 3. At each step, OSPA and GOSPA between the resampled tracks' and the truth paths' positions.
/// 4. The resampled tracks are associated with the truth paths by ``associator``; SIAP is computed
///    on that association (``SIAPMetrics``).
///
/// Velocity accuracy is defined only when every given track state and truth state has a velocity
/// (the scorer reports `null` when any track record lacks `vel`).
public struct TrackScorer: Sendable {
    /// OSPA (c, p).
    public var ospa: OSPAMetric
    /// GOSPA (the same c and p, α = 2).
    public var gospa: GOSPAMetric
    /// Track-to-truth association for SIAP.
    public var associator: any TruthAssociator
    /// How tracks are put on the grid.
    public var resampler: any TrackResampler
    /// The SIAP measures.
    public var siap: SIAPMetrics
    /// The assignment solver for OSPA and GOSPA.
    public var solver: any AssignmentSolver
    /// Truth samples further apart than this are not interpolated across, seconds (default 5).
    public var maximumTruthGapSeconds: Double

    /// A scorer with the Stone Soup scorer's defaults: c = 100 m, p = 1, `TrackToTruth(50 m, 3, 2)`,
    /// a 2 s constant-velocity hold.
    ///
    /// - Precondition: `cutoff` is finite and > 0; `order` is finite and ≥ 1.
    public init(cutoff: Double = 100, order: Double = 1,
                associator: any TruthAssociator = TrackToTruthAssociator(),
                resampler: any TrackResampler = HeldTrackResampler(),
                solver: any AssignmentSolver = JonkerVolgenantAssignmentSolver(),
                maximumTruthGapSeconds: Double = 5) {
        self.maximumTruthGapSeconds = maximumTruthGapSeconds
        ospa = OSPAMetric(cutoff: cutoff, order: order)
        gospa = GOSPAMetric(cutoff: cutoff, order: order)
        self.associator = associator
        self.resampler = resampler
        siap = SIAPMetrics()
        self.solver = solver
    }

    /// Scores `tracks` against `truths` on `grid`.
    ///
    /// - Complexity: O(T · (n + m) · log s) plus one assignment per time step, for T time steps,
    ///   n truth paths and m tracks.
    public func score(truths given: [TruthPath], tracks: [TrackPath], grid: EvaluationGrid) -> TrackScores {
        let maximumGap = Int64((maximumTruthGapSeconds * 1e9).rounded(.toNearestOrEven))
        let truths = given.map { $0.onTimeline(grid, maximumGapNanoseconds: maximumGap) }
        let scored = tracks.map { resampler.resample($0, onto: grid) }.filter { !$0.states.isEmpty }
        let includesVelocity = tracks.allSatisfy { $0.states.allSatisfy { $0.velocity != nil } }
            && given.allSatisfy { $0.states.allSatisfy { $0.velocity != nil } }

        var timeSet = Set<Timestamp>()
        for truth in truths { for state in truth.states { timeSet.insert(state.time) } }
        for track in scored { for state in track.states { timeSet.insert(state.time) } }

        let steps = timeSet.sorted().map { t in
            let trackPositions = scored.compactMap { $0.state(at: t)?.position }
            let truthPositions = truths.compactMap { $0.state(at: t)?.position }
            return TrackScoreStep(time: t,
                                  ospa: ospa.distance(tracks: trackPositions, truths: truthPositions, solver: solver),
                                  gospa: gospa.score(tracks: trackPositions, truths: truthPositions, solver: solver))
        }
        let associations = associator.associate(tracks: scored, truths: truths)
        let siapScores = siap.score(tracks: scored, truths: truths, associations: associations, includesVelocity: includesVelocity)
        return TrackScores(truthPathCount: truths.count, scoredTracks: scored, associations: associations,
                           steps: steps, siap: siapScores, truthsOnGrid: truths)
    }
}
