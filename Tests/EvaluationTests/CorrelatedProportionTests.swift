// Korn–Graubard bounds on a proportion from correlated scans, Student's t quantiles, and agreement with scipy and statsmodels.
import Testing
import Foundation
@testable import Evaluation

// MARK: - Helpers

/// |got − want| ≤ tolerance · |want|, or both exactly equal (the edges 0 and 1 are exact).
private func relativelyClose(_ got: Double, _ want: Double, _ tolerance: Double) -> Bool {
    got == want || abs(got - want) <= tolerance * abs(want)
}

/// Sequences written as strings of '1' (detected) and '0' (missed), one per cluster.
private func scans(_ sequences: [String]) -> [[Bool]] {
    sequences.map { $0.map { $0 == "1" } }
}

private func correlated(_ sequences: [String], adjusting: Bool = true) -> CorrelatedProportion {
    CorrelatedProportion(sequences: scans(sequences), adjustsDegreesOfFreedom: adjusting)!
}

// MARK: - Student's t and the normal quantile

@Suite("Student's t and normal quantiles")
struct StudentTQuantileTests {
    @Test("Closed forms: ν = 1 (Cauchy) and ν = 2, and the symmetry t(1 − q) = −t(q)")
    func closedForms() {
        for q in [0.4, 0.25, 0.1, 0.05, 0.025, 0.005, 1e-4, 1e-8] {
            // cot(π q), which keeps its digits for small q (tan(π (½ − q)) would not).
            let cauchy = 1 / tan(Double.pi * q)
            #expect(relativelyClose(SpecialFunctions.studentTUpperQuantile(q: q, degreesOfFreedom: 1), cauchy, 1e-12), "q = \(q)")
            let two = (1 - 2 * q) / (2 * q * (1 - q)).squareRoot()
            #expect(relativelyClose(SpecialFunctions.studentTUpperQuantile(q: q, degreesOfFreedom: 2), two, 1e-12), "q = \(q)")
            let p = 1 - q   // 1 − p is exact, q itself may not be
            for nu in [1.0, 3.5, 40, 2e5] {
                #expect(SpecialFunctions.studentTUpperQuantile(q: p, degreesOfFreedom: nu)
                        == -SpecialFunctions.studentTUpperQuantile(q: 1 - p, degreesOfFreedom: nu))
            }
        }
        #expect(SpecialFunctions.studentTUpperQuantile(q: 0.5, degreesOfFreedom: 7) == 0)
        #expect(SpecialFunctions.studentTUpperQuantile(q: 0, degreesOfFreedom: 7) == .infinity)
        #expect(SpecialFunctions.normalUpperQuantile(q: 0.5) == 0)
        #expect(relativelyClose(SpecialFunctions.normalUpperQuantile(q: 0.025), 1.959_963_984_540_054, 1e-14))
    }

    @Test("Decreasing in ν toward the normal quantile, continuous across the expansion's threshold")
    func towardNormal() {
        for q in [0.25, 0.05, 0.025, 1e-6] {
            var previous = Double.infinity
            for nu in [1.0, 2, 5, 30, 1000, 99_999, 100_000, 100_001, 1e6, 1e9] {
                let t = SpecialFunctions.studentTUpperQuantile(q: q, degreesOfFreedom: nu)
                #expect(t < previous, "q = \(q), ν = \(nu)")
                previous = t
            }
            #expect(previous > SpecialFunctions.normalUpperQuantile(q: q))
            let below = SpecialFunctions.studentTUpperQuantile(q: q, degreesOfFreedom: SpecialFunctions.studentTExpansionThreshold)
            let above = SpecialFunctions.studentTUpperQuantile(q: q, degreesOfFreedom: SpecialFunctions.studentTExpansionThreshold.nextUp)
            #expect(relativelyClose(above, below, 1e-13), "q = \(q): \(below) then \(above)")
        }
    }
}

// MARK: - Korn–Graubard

@Suite("Correlated proportion (Korn–Graubard)")
struct CorrelatedProportionTests {
    @Test("No scans, no estimate; empty sequences are ignored; nothing traps")
    func edges() {
        #expect(CorrelatedProportion(sequences: []) == nil)
        #expect(CorrelatedProportion(sequences: [[], [], []]) == nil)
        let single = correlated(["1"])
        #expect(single.trials == 1 && single.successes == 1 && single.clusters == 1 && single.observedAutocorrelation == 0)
        #expect(single.interval(confidence: 0.95) == ClopperPearson(successes: 1, trials: 1)!.interval(confidence: 0.95))
        let sparse = correlated(["", "1", "", "0", ""])
        #expect(sparse.clusters == 2 && sparse.trials == 2 && sparse.degreesOfFreedom == 1)
        // One scan per cluster: n − 1 = df, so no shrinking.
        #expect(sparse.adjustedEffectiveTrials(confidence: 0.95) == 2)
        // Absurd confidences still give bounds in [0, 1].
        let few = correlated(["1110", "11", "0111"])
        for confidence in [0.5, 0.8, 1 - 1e-15] {
            let interval = few.interval(confidence: confidence)
            #expect(interval.lowerBound >= 0 && interval.upperBound <= 1)
            #expect(few.lowerBound(confidence: confidence) <= few.upperBound(confidence: confidence))
        }
        // At γ = ½ both t quantiles are 0: the factor is the limit of their ratio (its maximum, since the
        // ratio is symmetric about ½), continuous with its neighbours.
        let half = few.adjustedEffectiveTrials(confidence: 0.5)
        for neighbour in [0.5 + 1e-6, 0.5 - 1e-6] {
            let n = few.adjustedEffectiveTrials(confidence: neighbour)
            #expect(half >= n && relativelyClose(n, half, 1e-9), "γ = \(neighbour): \(n) vs \(half) at ½")
        }
        #expect(few.lowerBound(confidence: 0.5) > 0 && few.upperBound(confidence: 0.5) < 1)
    }

    @Test("The autocorrelation: alternating is −1 (used as 0), runs are high and capped, constant is 0")
    func autocorrelation() {
        let alternating = correlated([String(repeating: "10", count: 25)])
        #expect(alternating.observedAutocorrelation == -1 && alternating.autocorrelation == 0 && alternating.designEffect == 1)
        let halves = correlated([String(repeating: "1", count: 500) + String(repeating: "0", count: 500)])
        #expect(halves.observedAutocorrelation > 0.99 && halves.autocorrelation == CorrelatedProportion.maximumAutocorrelation)
        #expect(relativelyClose(halves.designEffect, 199, 1e-13))
        #expect(relativelyClose(halves.effectiveTrials, 1000.0 / 199, 1e-13))
        for constant in ["1111111", "000000"] {
            let c = correlated([constant, constant])
            #expect(c.observedAutocorrelation == 0 && c.designEffect == 1 && !c.designEffect.isNaN)
        }
        // Outcomes by hand: "1100" has pairs 11, 10, 00 around p̂ = ½: (¼ − ¼ + ¼)/3 / ¼ = 1/3.
        #expect(relativelyClose(correlated(["1100"]).observedAutocorrelation, 1.0 / 3, 1e-15))
        // Pooled across clusters: pairs never cross from one sequence into the next.
        #expect(correlated(["11", "00"]).observedAutocorrelation == 1)
        #expect(correlated(["1", "1", "0", "0"]).observedAutocorrelation == 0)
        #expect(CorrelatedProportion.method == "korn-graubard-ar1")
    }

    @Test("Independent scans in one cluster: exactly Clopper–Pearson, decision and projection included")
    func clopperPearsonCase() {
        // Alternating outcomes have ρ̂ < 0, used as 0; one cluster has no df adjustment.
        let cases = [String(repeating: "10", count: 25), "1101111011110111011111101111", "1", "0", "10",
                     String(repeating: "1011", count: 12)]
        for sequence in cases {
            let c = correlated([sequence])
            let cp = ClopperPearson(successes: c.successes, trials: c.trials)!
            #expect(c.autocorrelation == 0 && c.degreesOfFreedom == nil)
            for confidence in [0.8, 0.9, 0.95, 0.99] {
                let a = c.interval(confidence: confidence), b = cp.interval(confidence: confidence)
                #expect(a == b, "\(sequence) at \(confidence): \(a) vs \(b)")
                #expect(c.lowerBound(confidence: confidence) == cp.lowerBound(confidence: confidence))
                #expect(c.upperBound(confidence: confidence) == cp.upperBound(confidence: confidence))
                for requirement in [ThresholdRequirement.atLeast(0.9), .atLeast(0.5), .atMost(0.1), .atMost(0.6)] {
                    #expect(c.decision(for: requirement, confidence: confidence) == cp.decision(for: requirement, confidence: confidence),
                            "\(sequence), \(requirement) at \(confidence)")
                    #expect(c.furtherScans(for: requirement, confidence: confidence)
                            == cp.furtherTrials(for: requirement, confidence: confidence))
                }
            }
        }
    }

    @Test("Correlation and few clusters widen the interval; turning the adjustment off narrows it")
    func widening() {
        let runs = ["1111111111000001111111111111", "1111111100000011111111111111", "1111111111111111110000011111"]
        let c = correlated(runs), unadjusted = correlated(runs, adjusting: false)
        let cp = ClopperPearson(successes: c.successes, trials: c.trials)!
        #expect(c.autocorrelation > 0.5 && c.degreesOfFreedom == 2 && unadjusted.degreesOfFreedom == nil)
        let wide = c.interval(confidence: 0.95), middle = unadjusted.interval(confidence: 0.95), narrow = cp.interval(confidence: 0.95)
        #expect(wide.lowerBound < middle.lowerBound && middle.lowerBound < narrow.lowerBound)
        #expect(wide.upperBound > middle.upperBound && middle.upperBound > narrow.upperBound)
        #expect(unadjusted.adjustedEffectiveTrials(confidence: 0.95) == unadjusted.effectiveTrials)
        #expect(c.adjustedEffectiveTrials(confidence: 0.95, twoSided: true) < c.adjustedEffectiveTrials(confidence: 0.95))
        // Every interval holds p̂, and the one-sided bounds sit inside the two-sided interval.
        for confidence in [0.8, 0.95, 0.999] {
            let interval = c.interval(confidence: confidence)
            #expect(interval.contains(c.proportion))
            #expect(c.lowerBound(confidence: confidence) > interval.lowerBound)
            #expect(c.upperBound(confidence: confidence) < interval.upperBound || interval.upperBound == 1)
        }
    }

    @Test("Further scans: the count is the exact boundary of the bound crossing the threshold")
    func projectionBoundary() throws {
        let cases: [(sequences: [String], requirement: ThresholdRequirement)] = [
            (["1111111111011111111111111111111", "11111101111111111111", "1111111111111"], .atLeast(0.9)),
            (["111111111100111111111111111111111", "1111111111111111111"], .atLeast(0.9)),
            (["0000000000010000000000000", "000000000000000000000", "00000000000000"], .atMost(0.05)),
            (["111011101110111", "111111111111110111"], .atLeast(0.85)),
            (["1100110011", "0011001100111", "1010101"], .atLeast(0.8)),
        ]
        for c in cases {
            let sample = correlated(c.sequences)
            let confidence = 0.95, alpha = 0.05
            let decision = sample.decision(for: c.requirement, confidence: confidence)
            #expect(decision.verdict == .inconclusive, "\(c.sequences)")
            let further = try #require(decision.furtherTrials)
            #expect(further == sample.furtherScans(for: c.requirement, confidence: confidence))
            let t = c.requirement.threshold
            let k = Double(sample.successes), n = Double(sample.trials)
            // The one-sided bound after m further scans, by the inverse beta function at the effective
            // counts n* = (n + m)/deff · (t_{n+m−1}/t_df)², x* = n* k′/(n + m).
            func bound(further m: Int, hits: Double, lower: Bool) -> Double {
                let scans = n + Double(m)
                let factor = pow(SpecialFunctions.studentTUpperQuantile(q: alpha, degreesOfFreedom: scans - 1)
                                 / SpecialFunctions.studentTUpperQuantile(q: alpha, degreesOfFreedom: Double(sample.clusters - 1)), 2)
                let nStar = scans / sample.designEffect * factor
                let x = nStar * hits / scans, f = nStar * (scans - hits) / scans
                return lower ? SpecialFunctions.inverseRegularizedIncompleteBeta(p: alpha, a: x, b: f + 1)
                             : SpecialFunctions.inverseRegularizedIncompleteBetaComplement(q: alpha, a: x + 1, b: f)
            }
            let fewest = try #require(further.fewestToPass)
            #expect(fewest > 0)
            switch c.requirement.direction {
            case .atLeast:
                #expect(bound(further: fewest - 1, hits: k + Double(fewest - 1), lower: true) < t)
                #expect(bound(further: fewest, hits: k + Double(fewest), lower: true) >= t)
            case .atMost:
                #expect(bound(further: fewest - 1, hits: k, lower: false) > t)
                #expect(bound(further: fewest, hits: k, lower: false) <= t)
            }
            if let m = further.atObservedRate {
                #expect(m > 0)
                let lowerSide = (c.requirement.direction == .atLeast) == (further.verdictAtObservedRate == .pass)
                let before = bound(further: m - 1, hits: k * (n + Double(m - 1)) / n, lower: lowerSide)
                let after = bound(further: m, hits: k * (n + Double(m)) / n, lower: lowerSide)
                switch (c.requirement.direction, further.verdictAtObservedRate) {
                case (.atLeast, .pass): #expect(before < t && after >= t)
                case (.atLeast, .fail): #expect(before >= t && after < t)
                case (.atMost, .pass): #expect(before > t && after <= t)
                case (.atMost, .fail): #expect(before <= t && after > t)
                default: Issue.record("unexpected projection \(further)")
                }
            }
            // A correlated sample needs more scans than independent scans would.
            let independent = ClopperPearson(successes: sample.successes, trials: sample.trials)!
                .furtherTrials(for: c.requirement, confidence: confidence)
            #expect(fewest >= independent.fewestToPass ?? 0)
        }
    }
}

// MARK: - Agreement with scipy and statsmodels

/// `Fixtures/korn-graubard-scipy.json`, written by `Fixtures/gen_korn_graubard_fixtures.py` with numpy,
/// scipy.stats and statsmodels.
struct KornGraubardFixture: Decodable, Sendable {
    struct Case: Decodable, Sendable { let name: String, sequences: [String], adjust: Bool }
    struct Bounds: Decodable, Sendable { let twoSided: [Double], lower: Double, upper: Double }
    struct Further: Decodable, Sendable {
        let threshold: Double, direction: String
        let fewestToPass: Int, verdictAtObservedRate: String, atObservedRate: Int?
    }
    struct Row: Decodable, Sendable {
        let name: String, confidence: Double
        let k: Int, n: Int, clusters: Int, p: Double
        let rhoObserved: Double, rho: Double, deff: Double, nEff: Double, df: Int?
        let nStarOne: Double, nStarTwo: Double
        let lower: Double, upper: Double, twoSided: [Double]
        let further: [Further]
        /// statsmodels' `proportion_confint(method='beta')`, where the bounds are Clopper–Pearson's.
        let statsmodels: Bounds?
    }
    struct TQuantile: Decodable, Sendable { let nu: Double, q: Double, t: Double }
    struct ZQuantile: Decodable, Sendable { let q: Double, z: Double }

    let generator: String
    let scipy: String
    let statsmodels: String
    let cases: [Case]
    let kornGraubard: [Row]
    let studentT: [TQuantile]
    let normal: [ZQuantile]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/korn-graubard-scipy.json")

    static func load() throws -> KornGraubardFixture {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(KornGraubardFixture.self, from: Data(contentsOf: url))
    }
}

/// The brief's bar: agreement with scipy to 1e-9 (relative; exact ends must match exactly).
private let kornGraubardTolerance = 1e-9

@Suite("Korn–Graubard against scipy and statsmodels")
struct KornGraubardFixtureTests {
    let fixture: KornGraubardFixture
    let samples: [String: CorrelatedProportion]

    init() throws {
        fixture = try KornGraubardFixture.load()
        var samples: [String: CorrelatedProportion] = [:]
        for c in fixture.cases {
            samples[c.name] = CorrelatedProportion(sequences: scans(c.sequences), adjustsDegreesOfFreedom: c.adjust)
        }
        self.samples = samples
    }

    @Test("The fixture names its generator and covers the edge cases")
    func header() {
        #expect(fixture.generator == "Tests/EvaluationTests/Fixtures/gen_korn_graubard_fixtures.py")
        #expect(!fixture.scipy.isEmpty && !fixture.statsmodels.isEmpty)
        #expect(fixture.cases.count >= 15 && fixture.kornGraubard.count == 4 * fixture.cases.count)
        let rows = fixture.kornGraubard
        #expect(rows.contains { $0.k == $0.n } && rows.contains { $0.k == 0 })
        #expect(rows.contains { $0.clusters == 1 && $0.rhoObserved < 0 && $0.rho == 0 })
        #expect(rows.contains { $0.rho == 0.99 } && rows.contains { $0.rho > 0.9 && $0.rho < 0.99 })
        #expect(rows.contains { $0.df == 1 } && rows.contains { $0.df == nil && $0.clusters > 1 })
        #expect(rows.count { $0.statsmodels != nil } >= 12)
        #expect(rows.reduce(0) { $0 + $1.further.count } >= 100)
        #expect(fixture.studentT.contains { $0.nu > SpecialFunctions.studentTExpansionThreshold })
    }

    @Test("Counts, autocorrelation, design effect and effective sizes")
    func estimates() throws {
        for row in fixture.kornGraubard {
            let c = try #require(samples[row.name])
            #expect(c.successes == row.k && c.trials == row.n && c.clusters == row.clusters && c.degreesOfFreedom == row.df, "\(row.name)")
            #expect(c.proportion == row.p)
            // ρ̂ from pair counts against numpy's sum of products: absolute, since it may be 0.
            #expect(abs(c.observedAutocorrelation - row.rhoObserved) <= 1e-12, "\(row.name): \(c.observedAutocorrelation) vs \(row.rhoObserved)")
            #expect(abs(c.autocorrelation - row.rho) <= 1e-12)
            #expect(relativelyClose(c.designEffect, row.deff, 1e-11), "\(row.name): \(c.designEffect) vs \(row.deff)")
            #expect(relativelyClose(c.effectiveTrials, row.nEff, 1e-11))
            #expect(relativelyClose(c.adjustedEffectiveTrials(confidence: row.confidence), row.nStarOne, kornGraubardTolerance),
                    "\(row.name) at \(row.confidence): \(c.adjustedEffectiveTrials(confidence: row.confidence)) vs \(row.nStarOne)")
            #expect(relativelyClose(c.adjustedEffectiveTrials(confidence: row.confidence, twoSided: true), row.nStarTwo, kornGraubardTolerance))
        }
    }

    @Test("Bounds at non-integer effective counts against beta.ppf and beta.isf")
    func bounds() throws {
        var worst = 0.0
        for row in fixture.kornGraubard {
            let c = try #require(samples[row.name])
            let interval = c.interval(confidence: row.confidence)
            let got = [interval.lowerBound, interval.upperBound, c.lowerBound(confidence: row.confidence), c.upperBound(confidence: row.confidence)]
            let want = row.twoSided + [row.lower, row.upper]
            for (g, w) in zip(got, want) {
                worst = max(worst, g == w ? 0 : abs(g - w) / abs(w))
                #expect(relativelyClose(g, w, kornGraubardTolerance), "\(row.name) at \(row.confidence): \(got) vs scipy \(want)")
            }
        }
        print("Korn–Graubard: largest relative difference from scipy \(worst)")
    }

    @Test("Where the bounds are Clopper–Pearson's, they match statsmodels' proportion_confint(method='beta')")
    func statsmodels() throws {
        for row in fixture.kornGraubard {
            guard let reference = row.statsmodels else { continue }
            let c = try #require(samples[row.name])
            let cp = ClopperPearson(successes: row.k, trials: row.n)!
            let interval = c.interval(confidence: row.confidence)
            let got = [interval.lowerBound, interval.upperBound, c.lowerBound(confidence: row.confidence), c.upperBound(confidence: row.confidence)]
            let want = reference.twoSided + [reference.lower, reference.upper]
            let cpInterval = cp.interval(confidence: row.confidence)
            let exact = [cpInterval.lowerBound, cpInterval.upperBound, cp.lowerBound(confidence: row.confidence), cp.upperBound(confidence: row.confidence)]
            for ((g, w), e) in zip(zip(got, want), exact) {
                #expect(relativelyClose(g, w, kornGraubardTolerance), "\(row.name) at \(row.confidence): \(got) vs statsmodels \(want)")
                #expect(g == e, "\(row.name) at \(row.confidence): \(got) vs Clopper–Pearson \(exact)")
            }
        }
    }

    @Test("Further scans against a search over beta.cdf and beta.sf")
    func furtherScans() throws {
        for row in fixture.kornGraubard {
            let c = try #require(samples[row.name])
            for f in row.further {
                let requirement = ThresholdRequirement(try #require(ThresholdRequirement.Direction(rawValue: f.direction)), f.threshold)
                let got = c.furtherScans(for: requirement, confidence: row.confidence)
                let want = FurtherTrials(fewestToPass: f.fewestToPass,
                                         verdictAtObservedRate: try #require(ConformityVerdict(rawValue: f.verdictAtObservedRate)),
                                         atObservedRate: f.atObservedRate)
                #expect(got == want, "\(row.name), \(requirement) at \(row.confidence)")
            }
        }
    }

    @Test("Student's t and normal quantiles against t.isf and norm.isf")
    func quantiles() {
        var worst = 0.0
        for row in fixture.studentT {
            let t = SpecialFunctions.studentTUpperQuantile(q: row.q, degreesOfFreedom: row.nu)
            worst = max(worst, abs(t - row.t) / abs(row.t))
            #expect(relativelyClose(t, row.t, 1e-11), "ν = \(row.nu), q = \(row.q): \(t) vs scipy \(row.t)")
        }
        for row in fixture.normal {
            let z = SpecialFunctions.normalUpperQuantile(q: row.q)
            worst = max(worst, abs(z - row.z) / abs(row.z))
            #expect(relativelyClose(z, row.z, 1e-12), "q = \(row.q): \(z) vs scipy \(row.z)")
        }
        print("Student's t and normal quantiles: largest relative difference from scipy \(worst)")
    }
}
