// A seeded moving-block bootstrap over several drones' time series, with percentile bounds on any figure.
import Foundation

/// Percentile confidence bounds on a continuous figure (an RMSE, a mean OSPA, a 95th percentile of
/// error) computed from per-time samples of several drones, by a seeded two-stage moving-block
/// bootstrap (Künsch 1989, "The jackknife and the bootstrap for general stationary observations",
/// Annals of Statistics 17(3):1217–1241; Lahiri 2003, "Resampling Methods for Dependent Data",
/// Springer), with whole drones resampled first (Davison & Hinkley 1997, "Bootstrap Methods and
/// their Application", §3.8, hierarchical data).
///
/// The input is one time-ordered series per cluster (a drone, or a drone × sensor): per-sample
/// squared errors, OSPA per time step, 0/1 outcomes. Successive samples of one drone are correlated
/// (a bias that lasts seconds), so resampling single samples would understate the spread; resampling
/// blocks of consecutive samples keeps the dependence within each block.
///
/// **One replicate.** With C non-empty series (empty ones are left out before anything else):
///
/// 1. Drones: when C ≥ 2, C series are drawn uniformly with replacement (C draws of an index in
///    0..<C); with C = 1 the one series is used. This stage carries the drone-to-drone variation.
/// 2. Blocks: each drawn series x₁…x_n, with block length l, is rebuilt to length n from moving blocks
///    (x_s, …, x_{s+l−1}), each start s drawn uniformly among the n − l + 1 positions, concatenated in
///    the order drawn, the last block truncated at n.
/// 3. The statistic is evaluated on the C rebuilt series.
///
/// The random stream (`BootstrapRandom`, xoshiro256** from the seed, unbiased indices) is consumed
/// in that order, replicate after replicate, so a seed fixes every replicate on every platform.
///
/// **Block length.** By default each series of length n gets l = max(1, round(n^(1/3))) (10 for
/// n = 1000): Hall, Horowitz & Jing (1995, "On blocking rules for the bootstrap with dependent data",
/// Biometrika 82(3):561–574) show that the block length minimising the mean squared error of the
/// block bootstrap's variance (and bias) estimate grows as n^(1/3); for the distribution function the
/// optimal orders are n^(1/4) (one-sided) and n^(1/5) (two-sided). The constant depends on the
/// unknown autocorrelation and is taken as 1 here; `blockLength` overrides it (clamped to 1…n). With
/// l = 1 and one series this is Efron's i.i.d. bootstrap.
///
/// **Bounds.** Percentile bounds (Efron & Tibshirani 1993, "An Introduction to the Bootstrap", ch. 13)
/// from the sorted replicate values θ*₍₁₎ ≤ … ≤ θ*₍B′₎, with the linear quantile Q(p) at rank
/// r = p (B′ − 1): Q(p) = θ*₍⌊r⌋₎ + (r − ⌊r⌋)(θ*₍⌊r⌋₊₁₎ − θ*₍⌊r⌋₎) (Hyndman & Fan 1996 type 7, numpy's
/// default `linear`, as scipy's `bootstrap(method='percentile')` uses). The one-sided lower bound at
/// γ is Q(1 − γ), the upper Q(γ); the two-sided interval is [Q(α/2), Q(1 − α/2)], α = 1 − γ.
/// Replicates whose statistic is NaN (a resample with nothing to measure) are dropped and counted in
/// ``discardedReplicates``; when fewer than half of the B replicates are left, there are no bounds
/// (`nil`), and a decision falls back to INCONCLUSIVE.
///
/// - Complexity: O(B · (N + cost of the statistic)) for N samples in all; one buffer per series slot
///   is allocated once and reused by every replicate.
public struct MovingBlockBootstrap: Hashable, Sendable {
    /// The default number of replicates B: 2000.
    public static let defaultReplicates = 2000

    /// The statistic on the original series.
    public let estimate: Double
    /// The number of replicates drawn, B (valid or not).
    public let replicateCount: Int
    /// The valid (non-NaN) replicate values, ascending.
    public let replicates: [Double]
    /// The number of replicates whose statistic was NaN, left out of ``replicates``.
    public let discardedReplicates: Int
    /// The block length of each non-empty series, in input order.
    public let blockLengths: [Int]
    /// The seed of the random stream.
    public let seed: UInt64

    /// Bootstraps `statistic` over `clusters`; `nil` when there is no sample at all or `replicates` < 1.
    ///
    /// - Parameters:
    ///   - clusters: one time-ordered series per cluster (drone); empty series are left out.
    ///   - replicates: the number of bootstrap replicates B (2000 by default).
    ///   - seed: the seed of the random stream; the same seed gives the same replicates.
    ///   - blockLength: a block length for every series (clamped to 1…n); `nil` for the rule
    ///     max(1, round(n^(1/3))) per series (``blockLength(forLength:)``).
    ///   - statistic: the figure, evaluated on the original series and on each replicate's rebuilt
    ///     series (as many as there are non-empty clusters). The arrays it is given are reused by the
    ///     next replicate: a statistic that keeps them only makes that replicate copy them. NaN marks a
    ///     replicate as invalid.
    /// - Complexity: B + 1 evaluations of `statistic`, plus O(B · N) copying.
    public init?(clusters: [[Double]], replicates: Int = MovingBlockBootstrap.defaultReplicates, seed: UInt64,
                 blockLength: Int? = nil, statistic: ([[Double]]) -> Double) {
        let series = clusters.filter { !$0.isEmpty }
        guard !series.isEmpty, replicates >= 1 else { return nil }
        let lengths = series.map { s in
            blockLength.map { min(max($0, 1), s.count) } ?? Self.blockLength(forLength: s.count)
        }
        self.estimate = statistic(series)
        self.replicateCount = replicates
        self.blockLengths = lengths
        self.seed = seed

        var random = BootstrapRandom(seed: seed)
        let clusterCount = series.count
        let longest = series.map(\.count).max() ?? 0
        var buffer: [[Double]] = (0..<clusterCount).map { _ in
            var slot: [Double] = []
            slot.reserveCapacity(longest)
            return slot
        }
        var drawn = Array(0..<clusterCount)
        var values: [Double] = []
        values.reserveCapacity(replicates)
        var discarded = 0
        for _ in 0..<replicates {
            if clusterCount >= 2 {
                for slot in 0..<clusterCount { drawn[slot] = random.index(below: clusterCount) }
            }
            for slot in 0..<clusterCount {
                let source = series[drawn[slot]]
                let n = source.count, l = lengths[drawn[slot]]
                let starts = n - l + 1
                // The slot's array is moved out and back (no copy, capacity kept), so that the appends
                // below reach it directly rather than through the outer array.
                var rebuilt: [Double] = []
                swap(&rebuilt, &buffer[slot])
                rebuilt.removeAll(keepingCapacity: true)
                var filled = 0
                while filled < n {
                    let start = random.index(below: starts)
                    let take = min(l, n - filled)
                    if take >= 16 {
                        rebuilt.append(contentsOf: source[start..<(start + take)])
                    } else {
                        // Short blocks element by element: cheaper than a slice per block without optimisation.
                        var i = start
                        while i < start + take {
                            rebuilt.append(source[i])
                            i += 1
                        }
                    }
                    filled += take
                }
                swap(&rebuilt, &buffer[slot])
            }
            let value = statistic(buffer)
            if value.isNaN { discarded += 1 } else { values.append(value) }
        }
        values.sort()
        self.replicates = values
        self.discardedReplicates = discarded
    }

    /// The default block length for a series of `n` samples: max(1, round(n^(1/3))), the order
    /// n^(1/3) of Hall, Horowitz & Jing (1995) with constant 1 (1 for n ≤ 3, 2 for 4…15, 10 for 1000,
    /// 22 for 10⁴).
    public static func blockLength(forLength n: Int) -> Int {
        guard n > 1 else { return 1 }
        return max(1, Int(cbrt(Double(n)).rounded()))
    }

    /// Whether there are bounds: at least half of the B replicates are valid.
    public var hasBounds: Bool { !replicates.isEmpty && 2 * replicates.count >= replicateCount }

    /// The one-sided lower percentile bound at confidence γ, Q(1 − γ); `nil` without bounds.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    public func lowerBound(confidence: Double) -> Double? {
        let alpha = ClopperPearson.tailProbability(confidence)
        return hasBounds ? Self.quantile(sorted: replicates, alpha) : nil
    }

    /// The one-sided upper percentile bound at confidence γ, Q(γ); `nil` without bounds.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    public func upperBound(confidence: Double) -> Double? {
        let alpha = ClopperPearson.tailProbability(confidence)
        return hasBounds ? Self.quantile(sorted: replicates, 1 - alpha) : nil
    }

    /// The two-sided percentile interval at confidence γ, [Q(α/2), Q(1 − α/2)] with α = 1 − γ; `nil`
    /// without bounds.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    public func interval(confidence: Double) -> ClosedRange<Double>? {
        let alpha = ClopperPearson.tailProbability(confidence)
        guard hasBounds else { return nil }
        let low = Self.quantile(sorted: replicates, alpha / 2), high = Self.quantile(sorted: replicates, 1 - alpha / 2)
        return min(low, high)...max(low, high)
    }

    /// The statement of conformity for `requirement` at confidence γ from the one-sided percentile
    /// bounds (see ``ConformityDecision`` for the rule): INCONCLUSIVE when there are no bounds or the
    /// estimate is NaN.
    ///
    /// - Precondition: 0 < `confidence` < 1.
    public func decision(for requirement: ThresholdRequirement, confidence: Double) -> ConformityDecision {
        ConformityDecision(requirement: requirement, estimate: estimate, lowerBound: lowerBound(confidence: confidence),
                           upperBound: upperBound(confidence: confidence), confidence: confidence)
    }

    // MARK: - Statistics

    /// The root mean square of pooled squared errors: √(Σ e² / N) over every sample of every series,
    /// each sample weighted equally; NaN for no samples.
    public static func rmse(_ clusters: [[Double]]) -> Double {
        mean(clusters).squareRoot()
    }

    /// The mean of every sample of every series, pooled, each sample weighted equally and summed in
    /// order; NaN for no samples.
    public static func mean(_ clusters: [[Double]]) -> Double {
        var sum = 0.0, count = 0
        for series in clusters {
            // An index loop: without optimisation it is several times faster than `for value in series`.
            let n = series.count
            var i = 0
            while i < n {
                sum += series[i]
                i += 1
            }
            count += n
        }
        return count == 0 ? .nan : sum / Double(count)
    }

    /// The proportion of 0/1 samples that are 1, pooled (the mean of the indicator); NaN for no samples.
    public static func proportion(_ clusters: [[Double]]) -> Double {
        mean(clusters)
    }

    /// The statistic "q-th percentile of every sample, pooled" (0 ≤ q ≤ 100), linear between order
    /// statistics as ``quantile(sorted:_:)`` (numpy's default); NaN for no samples, a NaN sample or a
    /// NaN q. A q outside 0…100 is clamped. The two order statistics are found by selection (Hoare's
    /// `FIND` with median-of-three pivots, O(N) expected), not by sorting each replicate.
    public static func percentile(_ q: Double) -> @Sendable ([[Double]]) -> Double {
        { clusters in
            guard !q.isNaN else { return .nan }
            var pooled: [Double] = []
            pooled.reserveCapacity(clusters.reduce(0) { $0 + $1.count })
            for series in clusters {
                let n = series.count
                var i = 0
                while i < n {
                    let value = series[i]
                    if value.isNaN { return .nan }
                    pooled.append(value)
                    i += 1
                }
            }
            guard !pooled.isEmpty else { return .nan }
            let rank = min(max(q, 0), 100) / 100 * Double(pooled.count - 1)
            let low = min(Int(rank.rounded(.down)), pooled.count - 1)
            let a = select(&pooled, low)
            let fraction = rank - Double(low)
            if fraction == 0 || low + 1 == pooled.count { return a }
            // After the selection everything past `low` is at least `a`: the next order statistic is their minimum.
            var b = pooled[low + 1]
            var i = low + 2
            while i < pooled.count {
                if pooled[i] < b { b = pooled[i] }
                i += 1
            }
            return interpolate(a, b, fraction)
        }
    }

    /// The k-th smallest (0-based) of `values`, which it reorders so that every value before index k is
    /// at most the result and every value after it at least: Hoare's selection (C. A. R. Hoare,
    /// "Algorithm 65: FIND", CACM 4(7), 1961) with median-of-three pivots. Values must not be NaN.
    ///
    /// - Complexity: O(n) expected.
    static func select(_ values: inout [Double], _ k: Int) -> Double {
        var low = 0, high = values.count - 1
        while low < high {
            let middle = low + (high - low) / 2
            if values[middle] < values[low] { values.swapAt(middle, low) }
            if values[high] < values[low] { values.swapAt(high, low) }
            if values[high] < values[middle] { values.swapAt(high, middle) }
            let pivot = values[middle]
            var i = low, j = high
            while i <= j {
                while values[i] < pivot { i += 1 }
                while values[j] > pivot { j -= 1 }
                if i <= j {
                    values.swapAt(i, j)
                    i += 1
                    j -= 1
                }
            }
            // Now values[low...j] ≤ pivot ≤ values[i...high], and any values between equal the pivot.
            if k <= j {
                high = j
            } else if k >= i {
                low = i
            } else {
                return values[k]
            }
        }
        return values[k]
    }

    /// a + t (b − a) for a ≤ b, 0 ≤ t ≤ 1; between an infinite value and another, the nearer one.
    static func interpolate(_ a: Double, _ b: Double, _ t: Double) -> Double {
        if t == 0 || a == b { return a }
        if !(a.isFinite && b.isFinite) { return t < 0.5 ? a : b }
        return a + t * (b - a)
    }

    /// The p-quantile (0 ≤ p ≤ 1) of ascending, non-empty `values`, linear between order statistics
    /// (Hyndman & Fan 1996 type 7, numpy's `linear`): at rank r = p (m − 1),
    /// x₍⌊r⌋₎ + (r − ⌊r⌋)(x₍⌊r⌋₊₁₎ − x₍⌊r⌋₎). Between an infinite value and another the nearer one is
    /// taken, so the result is never NaN for values that are not. NaN for no values or a NaN p; a p
    /// outside 0…1 is clamped.
    public static func quantile(sorted values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty, !p.isNaN else { return .nan }
        let rank = min(max(p, 0), 1) * Double(values.count - 1)
        let low = min(Int(rank.rounded(.down)), values.count - 1)
        let high = min(low + 1, values.count - 1)
        return interpolate(values[low], values[high], rank - Double(low))
    }
}
