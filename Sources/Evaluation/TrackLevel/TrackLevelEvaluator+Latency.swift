// The latency search: the lag of the truth that best explains the track positions.
import TelemetryModel

extension TrackLevelEvaluator {
    /// The lags searched, nanoseconds, ascending: τ_min + k Δ for k = 0 … ⌊(τ_max − τ_min) / Δ⌋.
    var latencyLagsNanoseconds: [Int64] {
        let low = Int64((settings.latencyMinimumSeconds * 1e9).rounded(.toNearestOrEven))
        let high = Int64((settings.latencyMaximumSeconds * 1e9).rounded(.toNearestOrEven))
        let step = max(1, Int64((settings.latencyStepSeconds * 1e9).rounded(.toNearestOrEven)))
        return Array(stride(from: low, through: high, by: Int(step)))
    }

    /// The ``LatencyEstimate`` of associated records `samples`; `nil` when none has truth at every lag.
    ///
    /// - Complexity: O(n · (L + log s)) for n samples, L lags and s states per truth path.
    func estimateLatency(samples: [(drone: Int, time: Timestamp, position: ENUVector)], drones: [TruthPath],
                         maximumGap: Int64) -> LatencyEstimate? {
        let lags = latencyLagsNanoseconds
        guard !lags.isEmpty else { return nil }
        var sums = [Double](repeating: 0, count: lags.count)
        var used = 0
        var squared = [Double](repeating: 0, count: lags.count)
        sampleLoop: for sample in samples {
            let states = drones[sample.drone].states
            // t − τ ascends as τ descends: walk the lags from the largest down, and the states forward.
            // A sample too near either end of Int64 for every lag is skipped, never trapped on.
            let (earliestNs, pastStart) = sample.time.nanosecondsSinceEpoch.subtractingReportingOverflow(lags[lags.count - 1])
            let (_, pastEnd) = sample.time.nanosecondsSinceEpoch.subtractingReportingOverflow(lags[0])
            guard !pastStart, !pastEnd else { continue }
            let earliest = Timestamp(nanosecondsSinceEpoch: earliestNs)
            guard var index = states.lastIndex(atOrBefore: earliest) else { continue }
            for k in stride(from: lags.count - 1, through: 0, by: -1) {
                let t = sample.time.nanosecondsSinceEpoch - lags[k]
                while index + 1 < states.count && states[index + 1].time.nanosecondsSinceEpoch <= t { index += 1 }
                let before = states[index]
                let truth: ENUVector
                if before.time.nanosecondsSinceEpoch == t {
                    truth = before.position
                } else {
                    guard index + 1 < states.count else { continue sampleLoop }
                    let after = states[index + 1]
                    let span = after.time.nanoseconds(since: before.time)
                    guard span <= maximumGap else { continue sampleLoop }
                    truth = before.position + (after.position - before.position) * (Double(Timestamp(nanosecondsSinceEpoch: t).nanoseconds(since: before.time)) / Double(span))
                }
                let d = sample.position - truth
                squared[k] = (d * d).sum()
            }
            for k in lags.indices { sums[k] += squared[k] }
            used += 1
        }
        guard used > 0 else { return nil }
        var best = 0
        for k in lags.indices {
            let better = sums[k] < sums[best]
                || (sums[k] == sums[best] && (abs(lags[k]), lags[k]) < (abs(lags[best]), lags[best]))
            if better { best = k }
        }
        let n = Double(used)
        let zero = lags.firstIndex(of: 0).map { (sums[$0] / n).squareRoot() }
        return LatencyEstimate(lagSeconds: Double(lags[best]) / 1e9, rmsAtLag: (sums[best] / n).squareRoot(),
                               rmsAtZeroLag: zero, sampleCount: used)
    }
}
