// SIAP: the Single Integrated Air Picture measures of track quality, as Stone Soup computes them.
import TelemetryModel

/// The SIAP attribute measures (Votruba et al., "Single Integrated Air Picture (SIAP) Metrics
/// Implementation", SIAP SE Task Force, 29 Oct 2001), in the form of Stone Soup 1.9.1's
/// `SIAPMetrics` (stonesoup.metricgenerator.tracktotruthmetrics), which assesses the fused picture
/// and ignores the per-sensor index m of the report.
///
/// The times t are every time at which any truth or track has a state. An association (from a
/// ``TruthAssociator``) *holds* at t when t lies in one of its closed intervals. At each t:
///
/// - J(t): true objects with a state at t; N(t): tracks with a state at t;
/// - JT(t): true objects with at least one association holding at t; NA(t): tracks with one;
/// - PA(t), VA(t): Σ over the associations holding at t of ‖track − truth‖ in position, and in
///   velocity (Euclidean, ENU; each association once, a track in two associations twice).
///
/// Over the run, with sums over t:
///
///     C  = Σ JT / Σ J            A  = Σ NA / Σ JT          S = Σ (N − NA) / Σ N
///     PA = Σ PA(t) / Σ NA        VA = Σ VA(t) / Σ NA
///     R  = Σⱼ (NUⱼ − 1) / Σⱼ TTⱼ  (over true objects j with NUⱼ > 0 in the numerator)
///     LS = Σⱼ TLⱼ / Σⱼ Tⱼ
///
/// with the empty-denominator values 0, except A = 1. For true object j with states at times
/// τ₀ < … < τₖ:
///
/// - Tⱼ = τₖ − τ₀, its lifetime; TTⱼ, the length of [τ₀, τₖ] covered by the union of its associations;
/// - TLⱼ, the longest total length of one track's association with j (all of that pair's intervals);
/// - NUⱼ, the number of tracks needed to cover j, counted as Stone Soup counts it: associations
///   are ranked by the end of their last interval, latest first; from τ₀, at each τᵢ the first
///   ranked association holding there (if none, go to τᵢ₊₁) adds one and the walk jumps to the
///   τ just after the end of the interval that holds at τᵢ; if that end is τᵢ itself, the walk stops
///   there. Of associations whose last intervals end together, the one whose interval at τᵢ ends
///   latest is taken (then the first in track order). Stone Soup takes the first of them in the
///   order of a Python set, which changes from run to run: on such input two runs of the scorer
///   can give different R, and Haechi's (deterministic) R may match only some of them.
///
/// One rule goes beyond Stone Soup: an association counts in JT, NA, PA and VA at t only when its
/// track and its truth both have a state at t. Stone Soup's intervals can span a gap in a track
/// (a resampled track has no state where its reports are more than the hold apart) and it then
/// stops with an error (`IndexError: timestamp not found in states`); wherever it does not stop,
/// the two agree.
public struct SIAPMetrics: Codable, Hashable, Sendable {
    /// Creates the metric generator.
    public init() {}

    /// The SIAP figures of `tracks` against `truths` with `associations` (whose indices refer to them).
    ///
    /// - Parameter includesVelocity: whether velocity accuracy is defined (every state has a velocity).
    /// - Complexity: O(T · (n + m + a) · log s) for T times, n truths, m tracks, a associations.
    public func score(tracks: [TrackPath], truths: [TruthPath], associations: [TrackTruthAssociation],
                      includesVelocity: Bool) -> SIAPScores {
        var timeSet = Set<Timestamp>()
        for truth in truths { for state in truth.states { timeSet.insert(state.time) } }
        for track in tracks { for state in track.states { timeSet.insert(state.time) } }
        let times = timeSet.sorted()

        var atTimes: [SIAPAtTime] = []
        atTimes.reserveCapacity(times.count)
        var sumJ = 0, sumJT = 0, sumN = 0, sumNA = 0
        var sumPA = 0.0, sumVA = 0.0
        for t in times {
            var associatedTruths = Set<Int>(), associatedTracks = Set<Int>()
            var positionError = 0.0, velocityError = 0.0
            for association in associations where association.contains(t) {
                guard let trackState = tracks[association.track].state(at: t),
                      let truthState = truths[association.truth].state(at: t) else { continue }
                associatedTruths.insert(association.truth)
                associatedTracks.insert(association.track)
                positionError += euclideanDistance(trackState.position, truthState.position)
                if includesVelocity {
                    velocityError += euclideanDistance(trackState.velocity ?? .zero, truthState.velocity ?? .zero)
                }
            }
            let value = SIAPAtTime(time: t, truths: truths.count(where: { $0.state(at: t) != nil }),
                                   associatedTruths: associatedTruths.count,
                                   tracks: tracks.count(where: { $0.state(at: t) != nil }),
                                   associatedTracks: associatedTracks.count,
                                   positionErrorSum: positionError, velocityErrorSum: includesVelocity ? velocityError : nil)
            sumJ += value.truths
            sumJT += value.associatedTruths
            sumN += value.tracks
            sumNA += value.associatedTracks
            sumPA += positionError
            sumVA += velocityError
            atTimes.append(value)
        }

        var changes = 0
        var trackedSeconds = 0.0, longestSeconds = 0.0, lifetimeSeconds = 0.0
        for (index, truth) in truths.enumerated() {
            guard let first = truth.states.first?.time, let last = truth.states.last?.time else { continue }
            lifetimeSeconds += seconds(last.nanoseconds(since: first))
            let own = associations.filter { $0.truth == index }
            guard !own.isEmpty else { continue }
            let needed = Self.tracksNeeded(truth, own)
            if needed > 0 { changes += needed - 1 }
            trackedSeconds += seconds(Self.coveredNanoseconds(own, from: first, to: last))
            longestSeconds += seconds(own.map(\.durationNanoseconds).max() ?? 0)
        }

        return SIAPScores(
            completeness: sumJ == 0 ? 0 : Double(sumJT) / Double(sumJ),
            ambiguity: sumJT == 0 ? 1 : Double(sumNA) / Double(sumJT),
            spuriousness: sumN == 0 ? 0 : Double(sumN - sumNA) / Double(sumN),
            positionAccuracy: sumNA == 0 ? 0 : sumPA / Double(sumNA),
            velocityAccuracy: includesVelocity ? (sumNA == 0 ? 0 : sumVA / Double(sumNA)) : nil,
            rateOfTrackNumberChange: trackedSeconds == 0 ? 0 : Double(changes) / trackedSeconds,
            longestTrackSegment: lifetimeSeconds == 0 ? 0 : longestSeconds / lifetimeSeconds,
            atTimes: atTimes)
    }

    private func seconds(_ nanoseconds: Int64) -> Double { Double(nanoseconds) / 1e9 }

    /// NUⱼ: Stone Soup's `min_num_tracks_needed_to_track`, with its ties resolved.
    static func tracksNeeded(_ truth: TruthPath, _ associations: [TrackTruthAssociation]) -> Int {
        let times = truth.states.map(\.time)
        var index = 0, needed = 0
        while index < times.count {
            let t = times[index]
            // The association whose last interval ends latest; of several, the one whose interval at t
            // reaches furthest, then the first.
            var best: (lastEnd: Timestamp, interval: ClosedRange<Timestamp>)?
            for association in associations {
                guard let interval = association.interval(containing: t), let lastEnd = association.lastEnd else { continue }
                if let current = best,
                   (lastEnd, interval.upperBound) <= (current.lastEnd, current.interval.upperBound) { continue }
                best = (lastEnd, interval)
            }
            guard let interval = best?.interval else {
                index += 1
                continue
            }
            needed += 1
            guard let endIndex = times[(index + 1)...].firstIndex(of: interval.upperBound) else { break }
            index = endIndex + 1
        }
        return needed
    }

    /// TTⱼ in nanoseconds: the length of [first, last] covered by the union of the intervals.
    static func coveredNanoseconds(_ associations: [TrackTruthAssociation], from first: Timestamp, to last: Timestamp) -> Int64 {
        let clipped = associations.flatMap(\.intervals).compactMap { interval -> (Int64, Int64)? in
            let low = max(interval.lowerBound, first).nanosecondsSinceEpoch, high = min(interval.upperBound, last).nanosecondsSinceEpoch
            return low < high ? (low, high) : nil
        }.sorted { $0.0 < $1.0 }
        var total: Int64 = 0
        var open: (Int64, Int64)?
        for (low, high) in clipped {
            if let (a, b) = open, low <= b {
                open = (a, max(b, high))
            } else {
                if let (a, b) = open { total += b - a }
                open = (low, high)
            }
        }
        if let (a, b) = open { total += b - a }
        return total
    }
}
