// The seeded moving-block bootstrap: determinism, block lengths, a Python replica, scipy's percentile bootstrap, normal theory and AR(1) data.
import Testing
import Foundation
@testable import Evaluation

// MARK: - Helpers

/// |got − want| ≤ tolerance · |want|, or both exactly equal.
private func relativelyClose(_ got: Double, _ want: Double, _ tolerance: Double) -> Bool {
    got == want || abs(got - want) <= tolerance * abs(want)
}

/// Standard normal draws by the Box–Muller transform, from the bootstrap's own seeded generator.
private func gaussians(_ count: Int, seed: UInt64) -> [Double] {
    var random = BootstrapRandom(seed: seed)
    return (0..<count).map { _ in
        let u1 = 1 - random.unit(), u2 = random.unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }
}

/// A stationary AR(1) series x_t = φ x_{t−1} + e_t with unit innovations, started from its stationary law.
private func autoregressive(_ count: Int, phi: Double, seed: UInt64) -> [Double] {
    let e = gaussians(count, seed: seed)
    var x = e[0] / (1 - phi * phi).squareRoot()
    return e.indices.map { i in
        if i > 0 { x = phi * x + e[i] }
        return x
    }
}

private func width(_ range: ClosedRange<Double>?) -> Double {
    range.map { $0.upperBound - $0.lowerBound } ?? .nan
}

// MARK: - Behaviour

@Suite("Moving-block bootstrap")
struct MovingBlockBootstrapTests {
    @Test("No samples or no replicates: no bootstrap; empty series are left out")
    func edges() throws {
        #expect(MovingBlockBootstrap(clusters: [], seed: 1, statistic: MovingBlockBootstrap.mean) == nil)
        #expect(MovingBlockBootstrap(clusters: [[], []], seed: 1, statistic: MovingBlockBootstrap.mean) == nil)
        #expect(MovingBlockBootstrap(clusters: [[1, 2]], replicates: 0, seed: 1, statistic: MovingBlockBootstrap.mean) == nil)
        let b = try #require(MovingBlockBootstrap(clusters: [[], [1, 2, 3, 4], []], replicates: 50, seed: 1,
                                                  statistic: MovingBlockBootstrap.mean))
        #expect(b.blockLengths == [2] && b.estimate == 2.5 && b.replicateCount == 50 && b.replicates.count == 50)
        // One sample: every replicate is that sample.
        let one = try #require(MovingBlockBootstrap(clusters: [[7]], replicates: 10, seed: 3, statistic: MovingBlockBootstrap.mean))
        #expect(one.replicates == Array(repeating: 7, count: 10) && one.interval(confidence: 0.9) == 7...7)
    }

    @Test("The block length rule max(1, round(n^(1/3))), and overrides clamped to 1…n")
    func blockLengths() throws {
        let expected: [(n: Int, l: Int)] = [(0, 1), (1, 1), (2, 1), (3, 1), (4, 2), (15, 2), (16, 3), (27, 3), (91, 4), (92, 5),
                                            (1000, 10), (3375, 15), (10_000, 22), (1_000_000, 100)]
        for e in expected {
            #expect(MovingBlockBootstrap.blockLength(forLength: e.n) == e.l, "n = \(e.n)")
        }
        let clusters = [Array(repeating: 1.0, count: 1000), Array(repeating: 2.0, count: 8), [3.0]]
        let rule = try #require(MovingBlockBootstrap(clusters: clusters, replicates: 5, seed: 1, statistic: MovingBlockBootstrap.mean))
        #expect(rule.blockLengths == [10, 2, 1])
        let fixed = try #require(MovingBlockBootstrap(clusters: clusters, replicates: 5, seed: 1, blockLength: 20,
                                                      statistic: MovingBlockBootstrap.mean))
        #expect(fixed.blockLengths == [20, 8, 1])
        let zero = try #require(MovingBlockBootstrap(clusters: clusters, replicates: 5, seed: 1, blockLength: 0,
                                                     statistic: MovingBlockBootstrap.mean))
        #expect(zero.blockLengths == [1, 1, 1])
    }

    @Test("The same seed gives the same replicates; another seed, others (B = 2000 over 10⁴ samples)")
    func determinism() throws {
        let clusters = (0..<10).map { autoregressive(1000, phi: 0.5, seed: 100 + UInt64($0)).map { $0 * $0 } }
        let a = try #require(MovingBlockBootstrap(clusters: clusters, seed: 42, statistic: MovingBlockBootstrap.rmse))
        let b = try #require(MovingBlockBootstrap(clusters: clusters, seed: 42, statistic: MovingBlockBootstrap.rmse))
        let c = try #require(MovingBlockBootstrap(clusters: clusters, seed: 43, statistic: MovingBlockBootstrap.rmse))
        #expect(a.replicateCount == MovingBlockBootstrap.defaultReplicates && a.replicates.count == 2000)
        #expect(a == b && a.replicates == b.replicates)
        #expect(a.interval(confidence: 0.95) == b.interval(confidence: 0.95))
        #expect(a.lowerBound(confidence: 0.9) == b.lowerBound(confidence: 0.9) && a.upperBound(confidence: 0.9) == b.upperBound(confidence: 0.9))
        #expect(a.replicates != c.replicates && a.interval(confidence: 0.95) != c.interval(confidence: 0.95))
        #expect(a.estimate == c.estimate && a.blockLengths == Array(repeating: 10, count: 10))
        // Both seeds describe the same distribution: the intervals agree to Monte-Carlo error.
        let i = try #require(a.interval(confidence: 0.95)), j = try #require(c.interval(confidence: 0.95))
        #expect(abs(i.lowerBound - j.lowerBound) < 0.2 * width(i) && abs(i.upperBound - j.upperBound) < 0.2 * width(i))
        #expect(i.contains(a.estimate))
    }

    @Test("Replicates are the replicate values, ascending; bounds are their linear quantiles")
    func percentileBounds() throws {
        let b = try #require(MovingBlockBootstrap(clusters: [gaussians(100, seed: 9)], replicates: 999, seed: 5,
                                                  statistic: MovingBlockBootstrap.mean))
        #expect(b.replicates == b.replicates.sorted())
        // B′ = 999: rank p (B′ − 1) is whole at p = 0.05 (49.9 is not), so check one of each.
        #expect(b.lowerBound(confidence: 0.5) == b.replicates[499])
        let r = 0.05 * 998, low = Int(r.rounded(.down))
        #expect(relativelyClose(b.lowerBound(confidence: 0.95)!, b.replicates[low] + (r - Double(low)) * (b.replicates[low + 1] - b.replicates[low]), 1e-15))
        let interval = try #require(b.interval(confidence: 0.9))
        #expect(relativelyClose(interval.lowerBound, b.lowerBound(confidence: 0.95)!, 1e-12))
        #expect(relativelyClose(interval.upperBound, b.upperBound(confidence: 0.95)!, 1e-12))
    }

    @Test("NaN replicates are dropped and counted; with fewer than half valid there are no bounds")
    func nanReplicates() throws {
        // The statistic is NaN when the resample's first value is below the threshold.
        let values = (0..<20).map(Double.init)
        func thresholded(_ t: Double) -> ([[Double]]) -> Double {
            { clusters in clusters[0][0] < t ? .nan : MovingBlockBootstrap.mean(clusters) }
        }
        let most = try #require(MovingBlockBootstrap(clusters: [values], replicates: 400, seed: 11, blockLength: 1, statistic: thresholded(4)))
        #expect(most.discardedReplicates > 40 && most.discardedReplicates < 120)
        #expect(most.replicates.count + most.discardedReplicates == 400 && most.replicates.allSatisfy { !$0.isNaN })
        #expect(most.hasBounds && most.interval(confidence: 0.9) != nil)
        let few = try #require(MovingBlockBootstrap(clusters: [values], replicates: 400, seed: 11, blockLength: 1, statistic: thresholded(15)))
        #expect(few.discardedReplicates > 200 && !few.hasBounds)
        #expect(few.lowerBound(confidence: 0.9) == nil && few.upperBound(confidence: 0.9) == nil && few.interval(confidence: 0.9) == nil)
        let decision = few.decision(for: .atMost(100), confidence: 0.9)
        #expect(decision.verdict == .inconclusive && decision.basis == .confidenceBounds && decision.upperBound == nil)
        // A NaN estimate is inconclusive whatever the bounds.
        let nanEstimate = try #require(MovingBlockBootstrap(clusters: [values], replicates: 10, seed: 1,
                                                            statistic: { $0[0].count == 20 && $0[0][0] == 0 ? .nan : 1 }))
        #expect(nanEstimate.estimate.isNaN && nanEstimate.decision(for: .atLeast(0), confidence: 0.9).verdict == .inconclusive)
    }

    @Test("Decisions on one-sided percentile bounds: pass, fail, inconclusive")
    func decisions() throws {
        let errors = gaussians(400, seed: 21).map { 100 + 9 * $0 * $0 }   // squared errors around 109 m²
        let b = try #require(MovingBlockBootstrap(clusters: [errors], replicates: 1000, seed: 2, statistic: MovingBlockBootstrap.rmse))
        let upper = try #require(b.upperBound(confidence: 0.95)), lower = try #require(b.lowerBound(confidence: 0.95))
        #expect(lower < b.estimate && b.estimate < upper)
        let pass = b.decision(for: .atMost(upper + 0.01), confidence: 0.95)
        #expect(pass.verdict == .pass && pass.upperBound == upper && pass.lowerBound == lower && pass.confidence == 0.95)
        #expect(b.decision(for: .atMost(lower - 0.01), confidence: 0.95).verdict == .fail)
        #expect(b.decision(for: .atMost(b.estimate), confidence: 0.95).verdict == .inconclusive)
        #expect(b.decision(for: .atLeast(lower), confidence: 0.95).verdict == .pass)
    }

    @Test("Two stages: the spread between drones is carried by resampling whole drones")
    func clusterStage() throws {
        // Five drones whose errors differ by drone far more than within it.
        let clusters = (0..<5).map { d in gaussians(200, seed: 300 + UInt64(d)).map { 10 * Double(d) + 0.1 * $0 } }
        let b = try #require(MovingBlockBootstrap(clusters: clusters, replicates: 1000, seed: 8, statistic: MovingBlockBootstrap.mean))
        // The mean of five drone means 0, 10, …, 40 resampled: sd √(200/5) ≈ 6.3, so the 90 % interval is
        // about 21 wide (within-drone resampling alone would give about 0.02).
        let interval = try #require(b.interval(confidence: 0.9))
        #expect(width(interval) > 15 && width(interval) < 27, "\(interval)")
        // Drones constant within: every replicate is the mean of five drawn drone values 10 d, that is
        // 2 Σ dᵢ, a multiple of 2 in [0, 40], and the values spread over that grid.
        let constant = (0..<5).map { d in Array(repeating: 10 * Double(d), count: 200) }
        let exact = try #require(MovingBlockBootstrap(clusters: constant, replicates: 1000, seed: 8, statistic: MovingBlockBootstrap.mean))
        #expect(exact.replicates.allSatisfy { $0 >= 0 && $0 <= 40 && $0.truncatingRemainder(dividingBy: 2) == 0 })
        #expect(Set(exact.replicates).count >= 12)
    }

    @Test("Convenience statistics: pooled mean, RMSE, proportion and linear percentiles")
    func statistics() {
        let clusters: [[Double]] = [[1, 4], [9], [], [16, 25, 36]]
        #expect(MovingBlockBootstrap.mean(clusters) == 91.0 / 6)
        #expect(MovingBlockBootstrap.rmse(clusters) == (91.0 / 6).squareRoot())
        #expect(MovingBlockBootstrap.proportion([[1, 0, 1], [1]]) == 0.75)
        #expect(MovingBlockBootstrap.mean([[], []]).isNaN && MovingBlockBootstrap.rmse([]).isNaN)
        // numpy.percentile([1, 4, 9, 16, 25, 36], q): 50 → 12.5, 90 → 30.5, 0 → 1, 100 → 36.
        #expect(MovingBlockBootstrap.percentile(50)(clusters) == 12.5)
        #expect(relativelyClose(MovingBlockBootstrap.percentile(90)(clusters), 30.5, 1e-15))
        #expect(MovingBlockBootstrap.percentile(0)(clusters) == 1 && MovingBlockBootstrap.percentile(100)(clusters) == 36)
        #expect(MovingBlockBootstrap.percentile(150)(clusters) == 36 && MovingBlockBootstrap.percentile(.nan)(clusters).isNaN)
        #expect(MovingBlockBootstrap.percentile(50)([[]]).isNaN)
        #expect(MovingBlockBootstrap.quantile(sorted: [], 0.5).isNaN)
        #expect(MovingBlockBootstrap.quantile(sorted: [-.infinity, 0, 1, .infinity], 0.1) == -.infinity)
        #expect(MovingBlockBootstrap.quantile(sorted: [-.infinity, 0, 1, .infinity], 0.9) == .infinity)
    }

    @Test("Differential: the percentile by selection equals the sorted form, duplicates and infinities included")
    func selectionAgainstSorting() {
        var random = BootstrapRandom(seed: 99)
        for trial in 0..<300 {
            let count = 1 + random.index(below: 60)
            // Few distinct values in some trials (many ties), continuous ones in others.
            let distinct = trial % 3 == 0 ? 1 + random.index(below: 4) : 1_000_000
            var values = (0..<count).map { _ in Double(random.index(below: distinct)) }
            if trial % 7 == 0 { values[random.index(below: count)] = .infinity }
            let clusters = [Array(values.prefix(count / 2)), Array(values.dropFirst(count / 2))]
            let sorted = values.sorted()
            for q in [0.0, 5, 25, 50, 90, 95, 99.9, 100] {
                let got = MovingBlockBootstrap.percentile(q)(clusters)
                let want = MovingBlockBootstrap.quantile(sorted: sorted, q / 100)
                #expect(got == want, "trial \(trial), q = \(q): \(got) vs \(want) from \(sorted)")
            }
            for k in [0, count / 3, count - 1] {
                var copy = values
                let kth = MovingBlockBootstrap.select(&copy, k)
                #expect(kth == sorted[k] && copy.prefix(k).allSatisfy { $0 <= kth } && copy.dropFirst(k + 1).allSatisfy { $0 >= kth })
            }
        }
        #expect(MovingBlockBootstrap.percentile(50)([[1, .nan, 3]]).isNaN)
    }
}

// MARK: - Against theory

@Suite("Moving-block bootstrap against theory")
struct MovingBlockBootstrapTheoryTests {
    @Test("i.i.d. normal data, block length 1, one series: the percentile bounds of the mean are normal theory's")
    func normalTheory() throws {
        let n = 400
        let data = gaussians(n, seed: 77).map { 50 + 4 * $0 }
        let mean = data.reduce(0, +) / Double(n)
        // The bootstrap's spread is the plug-in standard error s_n / √n (s_n with divisor n).
        let sd = (data.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n)).squareRoot()
        let standardError = sd / Double(n).squareRoot()
        let b = try #require(MovingBlockBootstrap(clusters: [data], replicates: 8000, seed: 1, blockLength: 1,
                                                  statistic: MovingBlockBootstrap.mean))
        for confidence in [0.9, 0.95] {
            let z = SpecialFunctions.normalUpperQuantile(q: 1 - confidence)
            let zTwo = SpecialFunctions.normalUpperQuantile(q: (1 - confidence) / 2)
            // Monte-Carlo tolerance: 5 % of the two-sided width, about 5 standard errors of a tail quantile
            // of 8000 replicates (sd ≈ √(α(1 − α)/B) / φ(z) · se, 0.02–0.03 se against 0.16–0.2 se).
            let tolerance = 0.05 * 2 * zTwo * standardError
            #expect(abs(b.lowerBound(confidence: confidence)! - (mean - z * standardError)) < tolerance, "γ = \(confidence)")
            #expect(abs(b.upperBound(confidence: confidence)! - (mean + z * standardError)) < tolerance, "γ = \(confidence)")
            let interval = try #require(b.interval(confidence: confidence))
            #expect(abs(interval.lowerBound - (mean - zTwo * standardError)) < tolerance)
            #expect(abs(interval.upperBound - (mean + zTwo * standardError)) < tolerance)
        }
    }

    @Test("AR(1) data with φ = 0.8: blocks widen the interval, and their coverage is closer to the nominal")
    func autoregressiveCoverage() throws {
        // One long series: the variance of the mean is (1 + φ)/(1 − φ) = 9 times the i.i.d. one; blocks of
        // 10 recover about 5.4 of it, single samples 1.
        let series = autoregressive(1000, phi: 0.8, seed: 5)
        let blocks = try #require(MovingBlockBootstrap(clusters: [series], replicates: 2000, seed: 1, statistic: MovingBlockBootstrap.mean))
        let single = try #require(MovingBlockBootstrap(clusters: [series], replicates: 2000, seed: 1, blockLength: 1,
                                                       statistic: MovingBlockBootstrap.mean))
        #expect(blocks.blockLengths == [10])
        let ratio = width(blocks.interval(confidence: 0.9)) / width(single.interval(confidence: 0.9))
        #expect(ratio > 1.6 && ratio < 3.2, "width ratio \(ratio), about √5.4 = 2.3 expected")

        // Coverage of the true mean 0 by the 90 % interval over 120 series of 200: about 0.75 with blocks
        // of 6 and 0.42 with single samples (z · √(recovered/9)); the standard error of each is ≈ 0.045.
        var coveredByBlocks = 0, coveredBySingles = 0
        let trials = 120
        for trial in 0..<trials {
            let x = autoregressive(200, phi: 0.8, seed: 1000 + UInt64(trial))
            let b = try #require(MovingBlockBootstrap(clusters: [x], replicates: 300, seed: UInt64(trial), statistic: MovingBlockBootstrap.mean))
            let s = try #require(MovingBlockBootstrap(clusters: [x], replicates: 300, seed: UInt64(trial), blockLength: 1,
                                                      statistic: MovingBlockBootstrap.mean))
            if b.interval(confidence: 0.9)!.contains(0) { coveredByBlocks += 1 }
            if s.interval(confidence: 0.9)!.contains(0) { coveredBySingles += 1 }
        }
        let blockCoverage = Double(coveredByBlocks) / Double(trials), singleCoverage = Double(coveredBySingles) / Double(trials)
        print("AR(1), φ = 0.8: 90 % coverage \(blockCoverage) with blocks of 6, \(singleCoverage) with single samples")
        #expect(blockCoverage > singleCoverage + 0.15 && singleCoverage < 0.6 && blockCoverage < 0.95)
    }
}

// MARK: - Agreement with scipy and a Python replica

/// `Fixtures/bootstrap-scipy.json`, written by `Fixtures/gen_bootstrap_fixtures.py`.
struct BootstrapFixture: Decodable, Sendable {
    struct ScipyRow: Decodable, Sendable {
        let name: String, statistic: String, data: [Double], confidence: Double, nResamples: Int
        let estimate: Double, twoSided: [Double], lower: Double, upper: Double
    }
    struct Bounds: Decodable, Sendable { let confidence: Double, lower: Double, upper: Double, twoSided: [Double] }
    struct Replica: Decodable, Sendable {
        let name: String, clusters: [[Double]], blockLength: Int?, statistic: String, seed: UInt64
        let replicateCount: Int, estimate: Double, blockLengths: [Int], replicates: [Double], bounds: [Bounds]
    }

    let generator: String
    let scipy: String
    let numpy: String
    let scipyPercentile: [ScipyRow]
    let replication: [Replica]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/bootstrap-scipy.json")

    static func load() throws -> BootstrapFixture {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(BootstrapFixture.self, from: Data(contentsOf: url))
    }

    static func statistic(named name: String) -> ([[Double]]) -> Double {
        switch name {
        case "mean": MovingBlockBootstrap.mean
        case "rmse": MovingBlockBootstrap.rmse
        case "proportion": MovingBlockBootstrap.proportion
        case "percentile90": MovingBlockBootstrap.percentile(90)
        default: { _ in .nan }
        }
    }
}

@Suite("Moving-block bootstrap against scipy and a Python replica")
struct BootstrapFixtureTests {
    let fixture: BootstrapFixture

    init() throws {
        fixture = try BootstrapFixture.load()
    }

    @Test("The fixture names its generator and covers both sections")
    func header() {
        #expect(fixture.generator == "Tests/EvaluationTests/Fixtures/gen_bootstrap_fixtures.py")
        #expect(fixture.scipyPercentile.count == 6 && fixture.replication.count == 5)
        #expect(Set(fixture.scipyPercentile.map(\.statistic)) == ["mean", "rmse", "proportion"])
    }

    @Test("The Python replica (same stream, same two stages) gives the same replicates and bounds")
    func replica() throws {
        for row in fixture.replication {
            let b = try #require(MovingBlockBootstrap(clusters: row.clusters, replicates: row.replicateCount, seed: row.seed,
                                                      blockLength: row.blockLength, statistic: BootstrapFixture.statistic(named: row.statistic)))
            #expect(b.blockLengths == row.blockLengths, "\(row.name)")
            #expect(relativelyClose(b.estimate, row.estimate, 1e-13), "\(row.name)")
            #expect(b.replicates.count == row.replicates.count)
            let mismatches = zip(b.replicates, row.replicates).count { !relativelyClose($0, $1, 1e-12) }
            #expect(mismatches == 0, "\(row.name): \(mismatches) replicates differ")
            for bounds in row.bounds {
                let interval = try #require(b.interval(confidence: bounds.confidence))
                #expect(relativelyClose(b.lowerBound(confidence: bounds.confidence)!, bounds.lower, 1e-12))
                #expect(relativelyClose(b.upperBound(confidence: bounds.confidence)!, bounds.upper, 1e-12))
                #expect(relativelyClose(interval.lowerBound, bounds.twoSided[0], 1e-12))
                #expect(relativelyClose(interval.upperBound, bounds.twoSided[1], 1e-12), "\(row.name) at \(bounds.confidence)")
            }
        }
    }

    @Test("Block length 1, one series: scipy.stats.bootstrap(method='percentile')'s bounds, to Monte-Carlo error")
    func scipyPercentile() throws {
        var worst: [String: Double] = [:]
        var bootstraps: [String: MovingBlockBootstrap] = [:]   // one per data set, for every confidence
        for row in fixture.scipyPercentile {
            let b = try bootstraps[row.name] ?? #require(MovingBlockBootstrap(
                clusters: [row.data], replicates: row.nResamples, seed: 2026, blockLength: 1,
                statistic: BootstrapFixture.statistic(named: row.statistic)))
            bootstraps[row.name] = b
            #expect(relativelyClose(b.estimate, row.estimate, 1e-13), "\(row.name)")
            // The tolerance: 5 % of scipy's two-sided width (about 5 Monte-Carlo standard errors of the
            // difference of two tail quantiles from 20 000 replicates each), plus, for a proportion, the
            // 1/n step between the values its replicates can take.
            let scipyWidth = row.twoSided[1] - row.twoSided[0]
            let step = row.statistic == "proportion" ? 1 / Double(row.data.count) : 0
            let tolerance = 0.05 * scipyWidth + step
            let interval = try #require(b.interval(confidence: row.confidence))
            let got = [interval.lowerBound, interval.upperBound, b.lowerBound(confidence: row.confidence)!, b.upperBound(confidence: row.confidence)!]
            let want = row.twoSided + [row.lower, row.upper]
            for (g, w) in zip(got, want) {
                worst[row.statistic] = max(worst[row.statistic] ?? 0, abs(g - w) / scipyWidth)
                #expect(abs(g - w) <= tolerance, "\(row.name) at \(row.confidence): \(got) vs scipy \(want)")
            }
        }
        print("Bootstrap against scipy: largest difference, as a share of the two-sided width: \(worst.sorted { $0.key < $1.key })")
    }
}
