// Special functions, Clopper–Pearson and Garwood intervals, the decision rule, and agreement with scipy.
import Testing
import Foundation
@testable import Evaluation

// MARK: - Helpers

/// |got − want| ≤ tolerance · |want|, or both exactly equal (the edges 0 and 1 are exact).
private func relativelyClose(_ got: Double, _ want: Double, _ tolerance: Double) -> Bool {
    got == want || abs(got - want) <= tolerance * abs(want)
}

/// The relative difference |got − want| / |want| (0 when equal).
private func relativeDifference(_ got: Double, _ want: Double) -> Double {
    got == want ? 0 : abs(got - want) / abs(want)
}

private func sample(_ k: Int, _ n: Int) -> ClopperPearson {
    ClopperPearson(successes: k, trials: n)!
}

private func count(_ k: Int, over exposure: Double) -> PoissonInterval {
    PoissonInterval(events: k, exposure: exposure)!
}

// MARK: - Special functions

@Suite("Special functions")
struct SpecialFunctionTests {
    @Test("ln Γ: exact values, the recurrence, and large arguments")
    func logGamma() {
        #expect(abs(SpecialFunctions.logGamma(1)) < 1e-15)
        #expect(abs(SpecialFunctions.logGamma(2)) < 1e-15)
        #expect(relativelyClose(SpecialFunctions.logGamma(0.5), 0.5 * log(Double.pi), 1e-15))
        #expect(relativelyClose(SpecialFunctions.logGamma(10), log(362_880.0), 1e-15))
        #expect(relativelyClose(SpecialFunctions.logGamma(100), 359.134_205_369_575_4, 1e-15))
        // ln Γ(10⁶) = 1.2815504569147612e7 (Stirling's series, which is exact to an ulp there).
        #expect(relativelyClose(SpecialFunctions.logGamma(1e6), 12_815_504.569_147_612, 1e-15))
        #expect(relativelyClose(SpecialFunctions.logGamma(1e-8), -log(1e-8) - 0.577_215_664_901_532_9e-8, 1e-14))
        for z in stride(from: 0.05, through: 40, by: 0.37) {
            // ln Γ(z + 1) = ln Γ(z) + ln z
            let step = SpecialFunctions.logGamma(z + 1) - SpecialFunctions.logGamma(z) - log(z)
            #expect(abs(step) < 1e-13, "z = \(z)")
        }
    }

    @Test("ln B agrees with ln Γ sums and stays accurate for huge shapes")
    func logBeta() {
        for (a, b) in [(0.5, 0.5), (2.0, 3.0), (7.5, 0.1), (30.0, 12.0)] {
            let viaGamma = SpecialFunctions.logGamma(a) + SpecialFunctions.logGamma(b) - SpecialFunctions.logGamma(a + b)
            #expect(abs(SpecialFunctions.logBeta(a, b) - viaGamma) < 1e-13, "a = \(a), b = \(b)")
        }
        #expect(relativelyClose(SpecialFunctions.logBeta(1, 1e6), -log(1e6), 1e-14))   // B(1, b) = 1/b
        #expect(relativelyClose(SpecialFunctions.logBeta(0.5, 0.5), log(Double.pi), 1e-15))
    }

    @Test("I_x(a, b): closed forms, reflection, and the complement")
    func incompleteBeta() {
        for x in stride(from: 0.01, through: 0.99, by: 0.049) {
            // I_x(2, 2) = 3x² − 2x³; I_x(1, b) = 1 − (1 − x)^b; I_x(a, 1) = x^a.
            #expect(abs(SpecialFunctions.regularizedIncompleteBeta(x: x, a: 2, b: 2) - (3 * x * x - 2 * x * x * x)) < 1e-15)
            #expect(abs(SpecialFunctions.regularizedIncompleteBeta(x: x, a: 1, b: 7) - (1 - pow(1 - x, 7))) < 1e-15)
            #expect(abs(SpecialFunctions.regularizedIncompleteBeta(x: x, a: 4.5, b: 1) - pow(x, 4.5)) < 1e-15)
            for (a, b) in [(0.3, 2.5), (5.0, 9.0), (120.0, 80.0), (2e4, 3e4)] {
                let p = SpecialFunctions.regularizedIncompleteBeta(x: x, a: a, b: b)
                let q = SpecialFunctions.regularizedIncompleteBetaComplement(x: x, a: a, b: b)
                let reflected = SpecialFunctions.regularizedIncompleteBeta(x: 1 - x, a: b, b: a)
                #expect(abs(p + q - 1) < 1e-14, "x = \(x), a = \(a), b = \(b)")
                #expect(abs(q - reflected) < 1e-14, "x = \(x), a = \(a), b = \(b)")
            }
        }
        // I_½(a, a) = ½ by symmetry, at any size. At the centre of a large distribution the continued
        // fraction takes O(√a) steps, and its rounding grows to a few 10⁻¹³ (which moves a quantile there
        // by less than an ulp, since the density is large).
        for a in [0.5, 3.0, 1e3, 1e6] {
            #expect(abs(SpecialFunctions.regularizedIncompleteBeta(x: 0.5, a: a, b: a) - 0.5) < (a < 100 ? 1e-15 : 1e-12), "a = \(a)")
        }
        #expect(SpecialFunctions.regularizedIncompleteBeta(x: 0, a: 3, b: 4) == 0)
        #expect(SpecialFunctions.regularizedIncompleteBeta(x: 1, a: 3, b: 4) == 1)
    }

    @Test("P(a, x) and Q(a, x): closed forms and the complement")
    func incompleteGamma() {
        for x in [1e-6, 0.01, 0.3, 1, 2.5, 7, 20, 60] {
            #expect(relativelyClose(SpecialFunctions.regularizedGammaQ(a: 2, x: x), exp(-x) * (1 + x), 1e-13), "x = \(x)")
            #expect(relativelyClose(SpecialFunctions.regularizedGammaP(a: 0.5, x: x), erf(x.squareRoot()), 1e-13), "x = \(x)")
            #expect(relativelyClose(SpecialFunctions.regularizedGammaQ(a: 0.5, x: x), erfc(x.squareRoot()), 1e-12), "x = \(x)")
            #expect(relativelyClose(SpecialFunctions.regularizedGammaQ(a: 1, x: x), exp(-x), 1e-15), "x = \(x)")
            // Q(3, x) = e^(−x) (1 + x + x²/2)
            #expect(relativelyClose(SpecialFunctions.regularizedGammaQ(a: 3, x: x), exp(-x) * (1 + x + x * x / 2), 1e-13))
            for a in [0.2, 4.5, 150, 1e5] {
                let sum = SpecialFunctions.regularizedGammaP(a: a, x: x) + SpecialFunctions.regularizedGammaQ(a: a, x: x)
                #expect(abs(sum - 1) < 1e-14, "a = \(a), x = \(x)")
            }
        }
    }

    @Test("Inverses return the argument, to full precision, in both tails",
          arguments: [(0.5, 0.5), (1.0, 1.0), (2.0, 5.0), (0.1, 30.0), (17.0, 4.0), (500.0, 501.0), (3.0, 1e6), (999_999.0, 2.0)])
    func betaInverse(a: Double, b: Double) {
        for p in [1e-100, 1e-15, 1e-6, 0.025, 0.3, 0.5, 0.77, 0.975] {
            let x = SpecialFunctions.inverseRegularizedIncompleteBeta(p: p, a: a, b: b)
            let back = SpecialFunctions.regularizedIncompleteBeta(x: x, a: a, b: b)
            // Round trip to the slope times an ulp of x, or 1e-12 relative, whichever is looser.
            let slack = SpecialFunctions.betaDensity(x: x, a: a, b: b) * x.ulp * 4
            // (A quantile below 10⁻²⁹⁰, such as B⁻¹(10⁻¹⁰⁰; 0.1, 30), is subnormal and cannot keep its digits.)
            #expect(abs(back - p) <= max(1e-12 * p, slack) || x < 1e-290, "p = \(p): x = \(x), I_x = \(back)")
            let y = SpecialFunctions.inverseRegularizedIncompleteBetaComplement(q: p, a: a, b: b)
            let backQ = SpecialFunctions.regularizedIncompleteBetaComplement(x: y, a: a, b: b)
            let slackQ = SpecialFunctions.betaDensity(x: y, a: a, b: b) * y.ulp * 4
            #expect(abs(backQ - p) <= max(1e-12 * p, slackQ) || y == 1, "q = \(p): x = \(y), 1 − I_x = \(backQ)")
            // Reflection: B⁻¹(p; a, b) = 1 − B⁻¹(1 − p; b, a), computed as the upper quantile of the reflection.
            let reflected = SpecialFunctions.inverseRegularizedIncompleteBetaComplement(q: p, a: b, b: a)
            #expect(abs(x - (1 - reflected)) <= 4 * Double.ulpOfOne, "p = \(p): \(x) vs 1 − \(reflected)")
        }
        #expect(SpecialFunctions.inverseRegularizedIncompleteBeta(p: 0, a: a, b: b) == 0)
        #expect(SpecialFunctions.inverseRegularizedIncompleteBeta(p: 1, a: a, b: b) == 1)
    }

    @Test("Gamma inverses return the argument in both tails", arguments: [0.05, 0.5, 1, 2, 7.5, 100, 12_345, 1e6])
    func gammaInverse(a: Double) {
        for p in [1e-100, 1e-15, 1e-6, 0.025, 0.3, 0.5, 0.77, 0.975] {
            let x = SpecialFunctions.inverseRegularizedGammaP(a: a, p: p)
            let back = SpecialFunctions.regularizedGammaP(a: a, x: x)
            let slack = SpecialFunctions.gammaDensity(a: a, x: x) * x.ulp * 4
            #expect(abs(back - p) <= max(1e-12 * p, slack) || x < 1e-290, "a = \(a), p = \(p): x = \(x), P = \(back)")
            let y = SpecialFunctions.inverseRegularizedGammaQ(a: a, q: p)
            let backQ = SpecialFunctions.regularizedGammaQ(a: a, x: y)
            let slackQ = SpecialFunctions.gammaDensity(a: a, x: y) * y.ulp * 4
            #expect(abs(backQ - p) <= max(1e-12 * p, slackQ), "a = \(a), q = \(p): x = \(y), Q = \(backQ)")
        }
        #expect(SpecialFunctions.inverseRegularizedGammaP(a: a, p: 0) == 0)
        #expect(SpecialFunctions.inverseRegularizedGammaP(a: a, p: 1) == .infinity)
    }

    @Test("Chi-square quantiles: table values")
    func chiSquare() {
        // Abramowitz & Stegun table 26.8 (more digits from the closed form −2 ln α for ν = 2).
        #expect(relativelyClose(SpecialFunctions.chiSquareQuantile(p: 0.95, degreesOfFreedom: 1), 3.841_458_820_694_124, 1e-13))
        #expect(relativelyClose(SpecialFunctions.chiSquareQuantile(p: 0.95, degreesOfFreedom: 2), -2 * log(0.05), 1e-14))
        #expect(relativelyClose(SpecialFunctions.chiSquareUpperQuantile(q: 0.05, degreesOfFreedom: 2), -2 * log(0.05), 1e-15))
        #expect(relativelyClose(SpecialFunctions.chiSquareQuantile(p: 0.975, degreesOfFreedom: 10), 20.483_177_350_807_39, 1e-12))
        #expect(relativelyClose(SpecialFunctions.chiSquareQuantile(p: 0.025, degreesOfFreedom: 10), 3.246_972_780_236_841_6, 1e-12))
        #expect(relativelyClose(SpecialFunctions.chiSquareUpperQuantile(q: 0.01, degreesOfFreedom: 6), 16.811_893_829_770_93, 1e-12))
    }
}

// MARK: - Clopper–Pearson

@Suite("Clopper–Pearson")
struct ClopperPearsonTests {
    @Test("Textbook values (Clopper & Pearson 1934; Newcombe 1998 table I)")
    func textbook() {
        // 95 % two-sided, as tabulated to four places.
        let cases: [(k: Int, n: Int, low: Double, high: Double)] = [
            (0, 10, 0, 0.3085), (1, 10, 0.0025, 0.4450), (5, 10, 0.1871, 0.8129), (9, 10, 0.5550, 0.9975),
            (10, 10, 0.6915, 1), (81, 263, 0.2527, 0.3676), (15, 148, 0.0578, 0.1617), (0, 20, 0, 0.1684),
        ]
        for c in cases {
            let interval = sample(c.k, c.n).interval(confidence: 0.95)
            #expect(abs(interval.lowerBound - c.low) < 5e-5 && abs(interval.upperBound - c.high) < 5e-5,
                    "\(c.k)/\(c.n): \(interval)")
        }
        // The closed forms at the edges.
        #expect(relativelyClose(sample(0, 10).interval(confidence: 0.95).upperBound, 1 - pow(0.025, 0.1), 1e-15))
        #expect(relativelyClose(sample(10, 10).interval(confidence: 0.95).lowerBound, pow(0.025, 0.1), 1e-15))
        // The "rule of three": with no successes in n, the 95 % one-sided upper bound is about 3/n.
        #expect(abs(sample(0, 1000).upperBound(confidence: 0.95) * 1000 - 2.9912) < 1e-4)
        // The success run: 29 of 29 shows Pd ≥ 0.9 at 95 %, since 0.05^(1/29) = 0.9019.
        #expect(relativelyClose(sample(29, 29).lowerBound(confidence: 0.95), pow(0.05, 1.0 / 29), 1e-15))
    }

    @Test("Edges: k = 0 and k = n have exact ends; n = 0 has no interval")
    func edges() {
        for n in [1, 2, 7, 1000, 1_000_000] {
            let none = sample(0, n), all = sample(n, n)
            #expect(none.interval(confidence: 0.9).lowerBound == 0 && none.lowerBound(confidence: 0.9) == 0)
            #expect(all.interval(confidence: 0.9).upperBound == 1 && all.upperBound(confidence: 0.9) == 1)
            #expect(relativelyClose(none.upperBound(confidence: 0.9), -expm1(log(0.1) / Double(n)), 1e-14))
            #expect(relativelyClose(all.lowerBound(confidence: 0.9), exp(log(0.1) / Double(n)), 1e-15))
        }
        #expect(ClopperPearson(successes: 0, trials: 0) == nil)
        #expect(sample(1, 1).interval(confidence: 0.95) == (1 - 0.95) / 2...1)
    }

    @Test("Symmetry: the interval of n − k is the reflection of the interval of k",
          arguments: [1, 2, 3, 10, 29, 100, 12_345])
    func symmetry(n: Int) {
        for k in Set([0, 1, n / 3, n / 2, n - 1, n]) where k <= n {
            for confidence in [0.5, 0.9, 0.95, 0.999_999] {
                let interval = sample(k, n).interval(confidence: confidence)
                let mirror = sample(n - k, n).interval(confidence: confidence)
                #expect(abs(interval.lowerBound - (1 - mirror.upperBound)) < 1e-15, "\(k)/\(n) at \(confidence)")
                #expect(abs(interval.upperBound - (1 - mirror.lowerBound)) < 1e-15, "\(k)/\(n) at \(confidence)")
                #expect(abs(sample(k, n).lowerBound(confidence: confidence)
                            - (1 - sample(n - k, n).upperBound(confidence: confidence))) < 1e-15)
            }
        }
    }

    @Test("Monotonicity: in k, in the confidence, and narrowing with n")
    func monotonicity() {
        for n in [5, 50, 1000] {
            var previous = sample(0, n).interval(confidence: 0.95)
            for k in 1...n {
                let interval = sample(k, n).interval(confidence: 0.95)
                #expect(interval.lowerBound > previous.lowerBound && interval.upperBound > previous.upperBound, "\(k)/\(n)")
                #expect(interval.contains(Double(k) / Double(n)))
                previous = interval
            }
        }
        let s = sample(37, 120)
        var previous = s.interval(confidence: 0.5)
        for confidence in [0.8, 0.9, 0.95, 0.99, 0.999, 1 - 1e-9] {
            let interval = s.interval(confidence: confidence)
            #expect(interval.lowerBound < previous.lowerBound && interval.upperBound > previous.upperBound)
            // The one-sided bound at γ lies inside the two-sided interval at γ.
            #expect(s.lowerBound(confidence: confidence) > interval.lowerBound)
            #expect(s.upperBound(confidence: confidence) < interval.upperBound)
            previous = interval
        }
        var width = 1.0
        for n in [10, 100, 1000, 10_000, 100_000, 1_000_000] {
            let interval = sample(n / 10 * 3, n).interval(confidence: 0.95)
            #expect(interval.upperBound - interval.lowerBound < width, "n = \(n)")
            width = interval.upperBound - interval.lowerBound
        }
    }

    @Test("Huge n: 10⁶ trials agree with the normal approximation and keep the defining tails")
    func hugeTrials() {
        let n = 1_000_000, k = 500_000
        let interval = sample(k, n).interval(confidence: 0.95)
        let halfWidth = 1.959_963_984_540_054 * (0.25 / Double(n)).squareRoot()
        #expect(abs(interval.lowerBound - (0.5 - halfWidth)) < 2e-6 && abs(interval.upperBound - (0.5 + halfWidth)) < 2e-6)
        // The defining equations: Pr(X ≥ k | L) = α/2 = Pr(X ≤ k | U).
        let low = SpecialFunctions.regularizedIncompleteBeta(x: interval.lowerBound, a: Double(k), b: Double(n - k + 1))
        let high = SpecialFunctions.regularizedIncompleteBetaComplement(x: interval.upperBound, a: Double(k + 1), b: Double(n - k))
        #expect(relativelyClose(low, 0.025, 1e-8) && relativelyClose(high, 0.025, 1e-8))
        for k in [1, 3, 999_997, 999_999] {
            let i = sample(k, n).interval(confidence: 0.99)
            #expect(i.lowerBound > 0 && i.upperBound < 1 && i.contains(Double(k) / Double(n)))
        }
    }

    @Test("Tiny α: the bounds still satisfy their defining tail equations")
    func tinyAlpha() {
        for confidence in [1 - 1e-8, 1 - 1e-12, 1 - 1e-15] {
            let alpha = 1 - confidence
            for (k, n) in [(1, 10), (5, 10), (30, 31), (480, 1000)] {
                let s = sample(k, n)
                let lower = s.lowerBound(confidence: confidence), upper = s.upperBound(confidence: confidence)
                let tailLow = SpecialFunctions.regularizedIncompleteBeta(x: lower, a: Double(k), b: Double(n - k + 1))
                let tailHigh = SpecialFunctions.regularizedIncompleteBetaComplement(x: upper, a: Double(k + 1), b: Double(n - k))
                // To 1e-10, or to what the rounding of the bound itself allows (an upper bound within
                // 10⁻¹⁰ of 1 has few digits of 1 − U left).
                let slackLow = SpecialFunctions.betaDensity(x: lower, a: Double(k), b: Double(n - k + 1)) * lower.ulp
                let slackHigh = upper == 1 ? alpha
                    : SpecialFunctions.betaDensity(x: upper, a: Double(k + 1), b: Double(n - k)) * upper.ulp
                #expect(abs(tailLow - alpha) <= max(1e-10 * alpha, slackLow), "\(k)/\(n) at 1 − \(alpha): lower tail \(tailLow)")
                #expect(abs(tailHigh - alpha) <= max(1e-10 * alpha, slackHigh), "\(k)/\(n) at 1 − \(alpha): upper tail \(tailHigh)")
                #expect(lower > 0 && lower < upper && upper <= 1)
            }
        }
    }

    @Test("Codable: a round trip, and corrupt counts are refused")
    func codable() throws {
        let s = sample(17, 20)
        let data = try JSONEncoder().encode(s)
        #expect(try JSONDecoder().decode(ClopperPearson.self, from: data) == s)
        for bad in [#"{"successes": 5, "trials": 3}"#, #"{"successes": 0, "trials": 0}"#, #"{"successes": -1, "trials": 3}"#] {
            #expect(throws: DecodingError.self) { try JSONDecoder().decode(ClopperPearson.self, from: Data(bad.utf8)) }
        }
    }
}

// MARK: - Garwood (Poisson)

@Suite("Poisson (Garwood) intervals")
struct PoissonIntervalTests {
    @Test("Textbook values (Garwood 1936; Ulm 1990 table)")
    func textbook() {
        // 95 % two-sided limits on the expected count, to three places.
        let cases: [(k: Int, low: Double, high: Double)] = [
            (0, 0, 3.689), (1, 0.0253, 5.572), (2, 0.242, 7.225), (3, 0.619, 8.767), (5, 1.623, 11.668), (10, 4.795, 18.390),
        ]
        for c in cases {
            let interval = count(c.k, over: 1).interval(confidence: 0.95)
            #expect(abs(interval.lowerBound - c.low) < 5e-4 && abs(interval.upperBound - c.high) < 5e-4, "k = \(c.k): \(interval)")
        }
        // k = 0: upper = −ln(α/2) two-sided, −ln α one-sided; per unit of exposure.
        #expect(relativelyClose(count(0, over: 10).interval(confidence: 0.95).upperBound, -log(0.025) / 10, 1e-15))
        #expect(relativelyClose(count(0, over: 10).upperBound(confidence: 0.95), -log(0.05) / 10, 1e-15))
        #expect(count(0, over: 10).lowerBound(confidence: 0.95) == 0)
    }

    @Test("A rate per hour and per scan differ only by the exposure")
    func perExposure() {
        let hours = count(12, over: 2.5), scans = count(12, over: 9000)
        let perHour = hours.interval(confidence: 0.95), perScan = scans.interval(confidence: 0.95)
        #expect(relativelyClose(perHour.lowerBound * 2.5, perScan.lowerBound * 9000, 1e-15))
        #expect(relativelyClose(perHour.upperBound * 2.5, perScan.upperBound * 9000, 1e-15))
        #expect(hours.rate == 12 / 2.5)
    }

    @Test("No exposure, no interval")
    func edges() {
        #expect(PoissonInterval(events: 0, exposure: 0) == nil)
        #expect(PoissonInterval(events: 3, exposure: -1) == nil)
        #expect(PoissonInterval(events: 3, exposure: .infinity) == nil)
        #expect(PoissonInterval(events: 3, exposure: .nan) == nil)
    }

    @Test("Monotonicity in k and in the confidence; huge counts agree with the normal approximation")
    func monotonicity() {
        var previous = count(0, over: 1).interval(confidence: 0.9)
        for k in 1...200 {
            let interval = count(k, over: 1).interval(confidence: 0.9)
            #expect(interval.lowerBound > previous.lowerBound && interval.upperBound > previous.upperBound)
            #expect(interval.contains(Double(k)))
            previous = interval
        }
        let c = count(42, over: 7)
        var before = c.interval(confidence: 0.5)
        for confidence in [0.8, 0.95, 0.999, 1 - 1e-10] {
            let interval = c.interval(confidence: confidence)
            #expect(interval.lowerBound < before.lowerBound && interval.upperBound > before.upperBound)
            before = interval
        }
        let huge = count(1_000_000, over: 1).interval(confidence: 0.95)
        #expect(abs(huge.lowerBound - (1e6 - 1959.964)) < 2 && abs(huge.upperBound - (1e6 + 1959.964)) < 3)
    }

    @Test("Tiny α: the bounds satisfy their defining tail equations")
    func tinyAlpha() {
        for confidence in [1 - 1e-8, 1 - 1e-12, 1 - 1e-15] {
            let alpha = 1 - confidence
            for k in [1, 4, 60, 5000] {
                let c = count(k, over: 1)
                let tailLow = SpecialFunctions.regularizedGammaP(a: Double(k), x: c.lowerBound(confidence: confidence))
                let tailHigh = SpecialFunctions.regularizedGammaQ(a: Double(k + 1), x: c.upperBound(confidence: confidence))
                #expect(relativelyClose(tailLow, alpha, 1e-10) && relativelyClose(tailHigh, alpha, 1e-10),
                        "k = \(k) at 1 − \(alpha): \(tailLow), \(tailHigh)")
            }
        }
    }
}

// MARK: - Decision rule

@Suite("Decision rule")
struct DecisionRuleTests {
    @Test("Pd ≥ 0.9 at 95 %: pass, fail and inconclusive")
    func proportionVerdicts() {
        let requirement = ThresholdRequirement.atLeast(0.9)
        let pass = sample(29, 29).decision(for: requirement, confidence: 0.95)
        #expect(pass.verdict == .pass && pass.basis == .confidenceBounds && pass.furtherTrials == nil)
        #expect(pass.lowerBound! >= 0.9 && pass.upperBound == 1 && pass.estimate == 1 && pass.confidence == 0.95)

        let fail = sample(5, 20).decision(for: requirement, confidence: 0.95)
        #expect(fail.verdict == .fail && fail.upperBound! < 0.9)

        // 28 of 28: one more success would make the run 29 long.
        let close = sample(28, 28).decision(for: requirement, confidence: 0.95)
        #expect(close.verdict == .inconclusive)
        #expect(close.furtherTrials == FurtherTrials(fewestToPass: 1, verdictAtObservedRate: .pass, atObservedRate: 1))

        // 18 of 20 is exactly 0.9: more trials at that rate never settle it; 41 straight successes
        // would (61 runs with 2 failures).
        let tie = sample(18, 20).decision(for: requirement, confidence: 0.95)
        #expect(tie.verdict == .inconclusive)
        #expect(tie.furtherTrials == FurtherTrials(fewestToPass: 41, verdictAtObservedRate: .inconclusive, atObservedRate: nil))
    }

    @Test("At the observed rate, the count is the exact boundary of the bound crossing the threshold")
    func projectionBoundary() {
        let cases: [(k: Int, n: Int, requirement: ThresholdRequirement)] = [
            (19, 20, .atLeast(0.9)), (45, 48, .atLeast(0.9)), (8, 10, .atLeast(0.9)), (70, 80, .atLeast(0.9)),
            (1, 30, .atMost(0.05)), (3, 25, .atMost(0.05)), (0, 10, .atMost(0.05)), (990, 1000, .atLeast(0.985)),
        ]
        for c in cases {
            let s = sample(c.k, c.n)
            let further = s.furtherTrials(for: c.requirement, confidence: 0.95)
            let m = try! #require(further.atObservedRate, "\(c.k)/\(c.n)")
            #expect(m > 0)
            // The bound at m − 1 and at m further trials, by the inverse beta function with the
            // projected real count p̂ (n + m).
            func bound(_ m: Int) -> Double {
                let total = Double(c.n + m), k = Double(c.k) * total / Double(c.n)
                let lowerSide = (c.requirement.direction == .atLeast) == (further.verdictAtObservedRate == .pass)
                if lowerSide {
                    return k == 0 ? 0 : SpecialFunctions.inverseRegularizedIncompleteBeta(p: 0.05, a: k, b: total - k + 1)
                }
                return SpecialFunctions.inverseRegularizedIncompleteBetaComplement(q: 0.05, a: k + 1, b: total - k)
            }
            let t = c.requirement.threshold
            switch (c.requirement.direction, further.verdictAtObservedRate) {
            case (.atLeast, .pass): #expect(bound(m - 1) < t && bound(m) >= t, "\(c.k)/\(c.n) + \(m)")
            case (.atLeast, .fail): #expect(bound(m - 1) >= t && bound(m) < t, "\(c.k)/\(c.n) + \(m)")
            case (.atMost, .pass): #expect(bound(m - 1) > t && bound(m) <= t, "\(c.k)/\(c.n) + \(m)")
            case (.atMost, .fail): #expect(bound(m - 1) <= t && bound(m) > t, "\(c.k)/\(c.n) + \(m)")
            default: Issue.record("unexpected projection \(further)")
            }
            // And the decision after the projected trials, with whole counts, agrees when p̂ (n + m) is whole.
            if let fewest = further.fewestToPass, c.requirement.direction == .atLeast {
                #expect(sample(c.k + fewest, c.n + fewest).decision(for: c.requirement, confidence: 0.95).verdict == .pass)
                if fewest > 0 {
                    #expect(sample(c.k + fewest - 1, c.n + fewest - 1).decision(for: c.requirement, confidence: 0.95).verdict != .pass)
                }
            }
        }
        // With k = n, the observed-rate projection is the success run.
        for n in [1, 5, 20, 28] {
            let further = sample(n, n).furtherTrials(for: .atLeast(0.9), confidence: 0.95)
            #expect(further.atObservedRate == 29 - n && further.fewestToPass == 29 - n)
        }
    }

    @Test("Runs needed: the success run and campaigns with failures")
    func runsNeeded() {
        #expect(ClopperPearson.runsNeeded(requiredPd: 0.9, confidence: 0.95) == 29)
        #expect(ClopperPearson.runsNeeded(requiredPd: 0.9, confidence: 0.95, allowedFailures: 1) == 46)
        #expect(ClopperPearson.runsNeeded(requiredPd: 0.9, confidence: 0.95, allowedFailures: 2) == 61)
        #expect(ClopperPearson.runsNeeded(requiredPd: 0.95, confidence: 0.95) == 59)
        #expect(ClopperPearson.runsNeeded(requiredPd: 0.99, confidence: 0.95) == 299)
        #expect(ClopperPearson.runsNeeded(requiredPd: 0.9, confidence: 0.9) == 22)
        // An exact tie: 0.5² = 0.25 = 1 − 0.75, so two runs suffice.
        #expect(ClopperPearson.runsNeeded(requiredPd: 0.5, confidence: 0.75) == 2)
        #expect(ClopperPearson.successRunLength(requiredPd: 0.5, confidence: 0.75) == 2)
        #expect(ClopperPearson.runsNeeded(requiredPd: 1, confidence: 0.95) == nil)
        #expect(ClopperPearson.runsNeeded(requiredPd: 0, confidence: 0.95, allowedFailures: 3) == 3)
        for p in [0.5, 0.8, 0.9, 0.95, 0.99, 0.999, 0.999_999] {
            for confidence in [0.5, 0.8, 0.9, 0.95, 0.99, 0.999] {
                let n = ClopperPearson.runsNeeded(requiredPd: p, confidence: confidence)
                #expect(n == ClopperPearson.successRunLength(requiredPd: p, confidence: confidence), "p = \(p), γ = \(confidence)")
                // The campaign passes, and one run fewer does not.
                let runs = try! #require(n)
                #expect(sample(runs, runs).lowerBound(confidence: confidence) >= p)
                if runs > 1 { #expect(sample(runs - 1, runs - 1).lowerBound(confidence: confidence) < p) }
                // Allowing failures never makes the campaign shorter.
                let withFailures = ClopperPearson.runsNeeded(requiredPd: p, confidence: confidence, allowedFailures: 3)!
                #expect(withFailures > runs)
                #expect(sample(withFailures - 3, withFailures).lowerBound(confidence: confidence) >= p)
                #expect(sample(withFailures - 4, withFailures - 1).lowerBound(confidence: confidence) < p)
            }
        }
    }

    @Test("False-alarm rate ≤ 1 per hour at 95 %")
    func rateVerdicts() {
        let requirement = ThresholdRequirement.atMost(1)
        let pass = count(0, over: 10).decision(for: requirement, confidence: 0.95)
        #expect(pass.verdict == .pass && relativelyClose(pass.upperBound!, -log(0.05) / 10, 1e-15) && pass.lowerBound == 0)

        let fail = count(5, over: 1).decision(for: requirement, confidence: 0.95)
        #expect(fail.verdict == .fail && fail.lowerBound! > 1)

        // One false alarm in 2 h: the upper bound Q⁻¹(2, 0.05)/2 = 2.372 per hour is too high to pass.
        let open = count(1, over: 2).decision(for: requirement, confidence: 0.95)
        #expect(open.verdict == .inconclusive)
        let further = try! #require(open.furtherExposure)
        // With no further false alarms, 4.744 h in all: 2.744 h more.
        let upperCount = SpecialFunctions.inverseRegularizedGammaQ(a: 2, q: 0.05)
        #expect(relativelyClose(further.fewestToPass!, upperCount - 2, 1e-14))
        #expect(abs(upperCount - 4.743_864_518_3) < 1e-9)
        #expect(further.verdictAtObservedRate == .pass)
        // At 0.5 per hour the upper bound reaches 1 per hour after τ; check its boundary.
        let tau = try! #require(further.atObservedRate)
        func upper(_ total: Double) -> Double {
            SpecialFunctions.inverseRegularizedGammaQ(a: 0.5 * total + 1, q: 0.05) / total
        }
        #expect(upper(2 + tau) <= 1 + 1e-12 && upper(2 + tau * (1 - 1e-9)) > 1, "τ = \(tau)")

        // Exactly at the threshold: never settled at that rate.
        let tie = count(2, over: 2).decision(for: requirement, confidence: 0.95)
        #expect(tie.verdict == .inconclusive && tie.furtherExposure?.atObservedRate == nil)
        #expect(tie.furtherExposure?.verdictAtObservedRate == .inconclusive)

        // Zero events: the observed-rate projection is the no-further-events one.
        let quiet = count(0, over: 1).furtherExposure(for: requirement, confidence: 0.95)
        #expect(relativelyClose(quiet.atObservedRate!, quiet.fewestToPass!, 1e-11))
        #expect(relativelyClose(quiet.fewestToPass!, -log(0.05) - 1, 1e-14))
    }

    @Test("A rate that must be at least a threshold, and a proportion that must be at most one")
    func otherDirections() {
        let update = count(50, over: 10).decision(for: .atLeast(4.5), confidence: 0.9)
        #expect(update.verdict == .inconclusive && update.furtherExposure?.fewestToPass == nil)
        #expect(update.furtherExposure?.verdictAtObservedRate == .pass && update.furtherExposure?.atObservedRate != nil)
        #expect(count(50, over: 10).decision(for: .atLeast(3), confidence: 0.9).verdict == .pass)
        #expect(count(50, over: 10).decision(for: .atLeast(8), confidence: 0.9).verdict == .fail)

        let falseTracks = sample(1, 40).decision(for: .atMost(0.05), confidence: 0.95)
        #expect(falseTracks.verdict == .inconclusive)
        let further = try! #require(falseTracks.furtherTrials)
        let fewest = try! #require(further.fewestToPass)
        #expect(sample(1, 40 + fewest).upperBound(confidence: 0.95) <= 0.05)
        #expect(sample(1, 39 + fewest).upperBound(confidence: 0.95) > 0.05)
        #expect(sample(0, 100).decision(for: .atMost(0.05), confidence: 0.95).verdict == .pass)
        #expect(sample(30, 100).decision(for: .atMost(0.05), confidence: 0.95).verdict == .fail)
    }

    @Test("Thresholds outside [0, 1] on a proportion decide at once, or can never pass")
    func degenerateThresholds() {
        #expect(sample(0, 5).decision(for: .atLeast(0), confidence: 0.95).verdict == .pass)
        #expect(sample(5, 5).decision(for: .atLeast(1.2), confidence: 0.95).verdict == .fail)
        let certain = sample(100, 100).decision(for: .atLeast(1), confidence: 0.95)
        #expect(certain.verdict == .inconclusive && certain.furtherTrials?.fewestToPass == nil)
        #expect(certain.furtherTrials?.verdictAtObservedRate == .inconclusive)
        #expect(sample(3, 5).decision(for: .atMost(1), confidence: 0.95).verdict == .pass)
    }

    @Test("RMSE ≤ 15 m: on the point estimate alone, or on bounds when there are some")
    func genericFigures() throws {
        let rmse = ThresholdRequirement.atMost(15)
        let point = ConformityDecision(requirement: rmse, pointEstimate: 12.4)
        #expect(point.verdict == .pass && point.basis == .pointEstimate && point.confidence == nil && point.lowerBound == nil)
        #expect(ConformityDecision(requirement: rmse, pointEstimate: 15.1).verdict == .fail)
        #expect(ConformityDecision(requirement: rmse, pointEstimate: 15).verdict == .pass)   // the boundary conforms
        #expect(ConformityDecision(requirement: rmse, pointEstimate: .nan).verdict == .inconclusive)
        #expect(ConformityDecision(requirement: rmse, pointEstimate: .nan).estimate == nil)

        let bounded = ConformityDecision(requirement: rmse, estimate: 12.4, lowerBound: 10.1, upperBound: 16.2, confidence: 0.95)
        #expect(bounded.verdict == .inconclusive && bounded.furtherTrials == nil && bounded.furtherExposure == nil)
        #expect(ConformityDecision(requirement: rmse, estimate: 12.4, lowerBound: 10.1, upperBound: 14.9, confidence: 0.95).verdict == .pass)
        #expect(ConformityDecision(requirement: rmse, estimate: 18, lowerBound: 15.5, upperBound: 21, confidence: 0.95).verdict == .fail)
        // Only a lower bound: an at-most requirement can fail, never pass.
        #expect(ConformityDecision(requirement: rmse, estimate: 12, lowerBound: 10, upperBound: nil, confidence: 0.95).verdict == .inconclusive)
        #expect(ConformityDecision(requirement: rmse, estimate: 20, lowerBound: 16, upperBound: .infinity, confidence: 0.95).verdict == .fail)

        // Every decision encodes to JSON and back.
        let decisions = [bounded, point, sample(18, 20).decision(for: .atLeast(0.9), confidence: 0.95),
                         count(1, over: 2).decision(for: .atMost(1), confidence: 0.95),
                         ConformityDecision(requirement: rmse, estimate: 20, lowerBound: 16, upperBound: .infinity, confidence: 0.95)]
        for decision in decisions {
            let data = try JSONEncoder().encode(decision)
            #expect(try JSONDecoder().decode(ConformityDecision.self, from: data) == decision)
        }
        let json = String(decoding: try JSONEncoder().encode(ThresholdRequirement.atLeast(0.9)), as: UTF8.self)
        #expect(json.contains(#""direction":"atLeast""#))
    }

    @Test("The verdict table, case by case")
    func verdictTable() {
        let atLeast = ThresholdRequirement.atLeast(0.9), atMost = ThresholdRequirement.atMost(0.9)
        #expect(ConformityVerdict(requirement: atLeast, lowerBound: 0.9, upperBound: 1) == .pass)
        #expect(ConformityVerdict(requirement: atLeast, lowerBound: 0.5, upperBound: 0.8999) == .fail)
        #expect(ConformityVerdict(requirement: atLeast, lowerBound: 0.5, upperBound: 0.9) == .inconclusive)
        #expect(ConformityVerdict(requirement: atMost, lowerBound: 0.5, upperBound: 0.9) == .pass)
        #expect(ConformityVerdict(requirement: atMost, lowerBound: 0.9001, upperBound: 1) == .fail)
        #expect(ConformityVerdict(requirement: atMost, lowerBound: 0.9, upperBound: 1) == .inconclusive)
        #expect(ConformityVerdict(requirement: atLeast, lowerBound: nil, upperBound: nil) == .inconclusive)
        #expect(ConformityVerdict(requirement: atLeast, lowerBound: .nan, upperBound: 0.5) == .fail)
    }
}

// MARK: - Agreement with scipy

/// `Fixtures/intervals-scipy.json`, written by `Fixtures/gen_interval_fixtures.py` with scipy.stats.
struct ScipyIntervalFixture: Decodable, Sendable {
    struct Bounds: Decodable, Sendable { let twoSided: [Double], lower: Double, upper: Double }
    struct Proportion: Decodable, Sendable {
        let k: Int, n: Int, confidence: Double
        let twoSided: [Double], lower: Double, upper: Double
        /// The 50-digit answer, present where scipy's deviates from it by more than 1e-12.
        let exact: Bounds?
    }
    struct Rate: Decodable, Sendable {
        let k: Int, exposure: Double, confidence: Double
        let twoSided: [Double], lower: Double, upper: Double
        /// The 50-digit answer, present where scipy's deviates from it by more than 1e-12.
        let exact: Bounds?
    }
    struct Beta: Decodable, Sendable { let x: Double, a: Double, b: Double, cdf: Double, sf: Double }
    struct Tails: Decodable, Sendable { let cdf: Double, sf: Double }
    struct Gamma: Decodable, Sendable {
        let a: Double, x: Double, cdf: Double, sf: Double
        /// The 50-digit answer, present where scipy's deviates from it by more than 1e-12.
        let exact: Tails?
    }
    struct Runs: Decodable, Sendable { let required: Double, confidence: Double, allowedFailures: Int, runs: Int }

    let generator: String
    let scipy: String
    let clopperPearson: [Proportion]
    let poisson: [Rate]
    let incompleteBeta: [Beta]
    let incompleteGamma: [Gamma]
    let runsNeeded: [Runs]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/intervals-scipy.json")

    static func load() throws -> ScipyIntervalFixture {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(ScipyIntervalFixture.self, from: Data(contentsOf: url))
    }
}

/// The issue's bar: agreement with scipy to 1e-9, taken as relative (the bounds span 10⁻¹³ to 10⁶,
/// so an absolute 1e-9 would say nothing about the small ones). Exact ends (0 and 1) must match exactly.
private let scipyTolerance = 1e-9
/// Agreement with the generator's 50-digit answer, where scipy's own is off by more than 1e-12 (rows with `exact`).
private let exactTolerance = 1e-12

/// Whether `got` agrees with scipy's `want` to 1e-9 plus scipy's established error (when the row has
/// a 50-digit `exact` value), and with `exact` itself to 1e-12.
private func agrees(_ got: Double, scipy want: Double, exact: Double?) -> Bool {
    guard let exact else { return relativelyClose(got, want, scipyTolerance) }
    return relativelyClose(got, want, scipyTolerance + relativeDifference(want, exact)) && relativelyClose(got, exact, exactTolerance)
}

@Suite("Intervals against scipy")
struct ScipyIntervalFixtureTests {
    let fixture: ScipyIntervalFixture

    init() throws {
        fixture = try ScipyIntervalFixture.load()
    }

    @Test("The fixture names its generator and covers every section")
    func header() {
        #expect(fixture.generator == "Tests/EvaluationTests/Fixtures/gen_interval_fixtures.py")
        #expect(!fixture.scipy.isEmpty)
        #expect(fixture.clopperPearson.count >= 500 && fixture.poisson.count >= 500)
        #expect(fixture.incompleteBeta.count >= 500 && fixture.incompleteGamma.count >= 50 && fixture.runsNeeded.count >= 100)
        #expect(fixture.clopperPearson.contains { $0.n == 1_000_000 } && fixture.poisson.contains { $0.k == 1_000_000 })
        #expect(fixture.clopperPearson.contains { $0.confidence == 1 - 1e-10 })
        // scipy deviates from the 50-digit answer (by more than 1e-12) in a few per cent of the rows at
        // most: far tails at a shape of 10⁶.
        #expect(fixture.clopperPearson.count { $0.exact != nil } * 30 < fixture.clopperPearson.count)
        #expect(fixture.poisson.count { $0.exact != nil } * 30 < fixture.poisson.count)
        #expect(fixture.incompleteGamma.count { $0.exact != nil } <= 2)
    }

    @Test("Clopper–Pearson bounds, two-sided and one-sided")
    func clopperPearson() {
        var worst = 0.0
        for c in fixture.clopperPearson {
            let s = sample(c.k, c.n)
            let interval = s.interval(confidence: c.confidence)
            let got = [interval.lowerBound, interval.upperBound, s.lowerBound(confidence: c.confidence), s.upperBound(confidence: c.confidence)]
            let want = c.twoSided + [c.lower, c.upper]
            let exact: [Double?] = c.exact.map { $0.twoSided + [$0.lower, $0.upper] } ?? [nil, nil, nil, nil]
            for ((g, w), e) in zip(zip(got, want), exact) {
                worst = max(worst, relativeDifference(g, e ?? w))
                #expect(agrees(g, scipy: w, exact: e), "\(c.k)/\(c.n) at \(c.confidence): \(got) vs scipy \(want), exact \(exact)")
            }
        }
        print("Clopper–Pearson: largest relative difference from scipy (or the exact value where scipy is off) \(worst)")
    }

    @Test("Garwood bounds on a rate, two-sided and one-sided")
    func poisson() {
        var worst = 0.0
        for c in fixture.poisson {
            let p = count(c.k, over: c.exposure)
            let interval = p.interval(confidence: c.confidence)
            let got = [interval.lowerBound, interval.upperBound, p.lowerBound(confidence: c.confidence), p.upperBound(confidence: c.confidence)]
            let want = c.twoSided + [c.lower, c.upper]
            let exact: [Double?] = c.exact.map { $0.twoSided + [$0.lower, $0.upper] } ?? [nil, nil, nil, nil]
            for ((g, w), e) in zip(zip(got, want), exact) {
                worst = max(worst, relativeDifference(g, e ?? w))
                #expect(agrees(g, scipy: w, exact: e),
                        "\(c.k) over \(c.exposure) at \(c.confidence): \(got) vs scipy \(want), exact \(exact)")
            }
        }
        print("Garwood: largest relative difference from scipy (or the exact value where scipy is off) \(worst)")
    }

    @Test("I_x(a, b) and its complement against beta.cdf and beta.sf")
    func incompleteBeta() {
        var worst = 0.0
        for c in fixture.incompleteBeta {
            let p = SpecialFunctions.regularizedIncompleteBeta(x: c.x, a: c.a, b: c.b)
            let q = SpecialFunctions.regularizedIncompleteBetaComplement(x: c.x, a: c.a, b: c.b)
            worst = max(worst, relativeDifference(p, c.cdf), relativeDifference(q, c.sf))
            #expect(relativelyClose(p, c.cdf, scipyTolerance) && relativelyClose(q, c.sf, scipyTolerance),
                    "I_\(c.x)(\(c.a), \(c.b)): \(p), \(q) vs scipy \(c.cdf), \(c.sf)")
        }
        print("Incomplete beta: largest relative difference from scipy \(worst)")
    }

    @Test("P(a, x) and Q(a, x) against gamma.cdf and gamma.sf")
    func incompleteGamma() {
        var worst = 0.0
        for c in fixture.incompleteGamma {
            let p = SpecialFunctions.regularizedGammaP(a: c.a, x: c.x)
            let q = SpecialFunctions.regularizedGammaQ(a: c.a, x: c.x)
            worst = max(worst, relativeDifference(p, c.exact?.cdf ?? c.cdf), relativeDifference(q, c.exact?.sf ?? c.sf))
            #expect(agrees(p, scipy: c.cdf, exact: c.exact?.cdf) && agrees(q, scipy: c.sf, exact: c.exact?.sf),
                    "P(\(c.a), \(c.x)): \(p), \(q) vs scipy \(c.cdf), \(c.sf), exact \(String(describing: c.exact))")
        }
        print("Incomplete gamma: largest relative difference from scipy (or the exact value where scipy is off) \(worst)")
    }

    @Test("Runs needed against a search over beta.cdf")
    func runsNeeded() {
        for c in fixture.runsNeeded {
            #expect(ClopperPearson.runsNeeded(requiredPd: c.required, confidence: c.confidence, allowedFailures: c.allowedFailures) == c.runs,
                    "p = \(c.required), γ = \(c.confidence), f = \(c.allowedFailures)")
        }
    }
}
