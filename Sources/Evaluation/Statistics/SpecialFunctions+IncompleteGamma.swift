// The regularized incomplete gamma functions P(a, x) and Q(a, x), their inverses, and chi-square quantiles.
import Foundation

extension SpecialFunctions {
    /// The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a)
    /// = (1 / Γ(a)) ∫₀ˣ t^(a−1) e^(−t) dt, for a > 0 and x ≥ 0: the cumulative distribution function of
    /// the Gamma(a, 1) distribution.
    ///
    /// For x < a + 1 it is the series P(a, x) = [x^a e^(−x) / Γ(a)] Σₙ xⁿ / (a (a + 1) ⋯ (a + n));
    /// otherwise Q(a, x) = 1 − P(a, x) is Legendre's continued fraction
    /// Q(a, x) = [x^a e^(−x) / Γ(a)] · 1/(x + 1 − a − 1·(1 − a)/(x + 3 − a − 2·(2 − a)/(x + 5 − a − ⋯))),
    /// evaluated by the modified Lentz method (Numerical Recipes, 3rd ed., §6.2; Abramowitz & Stegun
    /// 6.5.29 and 6.5.31). The prefactor uses Loader's saddle-point form (see ``SpecialFunctions``).
    ///
    /// - Precondition: `a > 0`, `x ≥ 0`.
    /// - Complexity: O(√a) terms in the worst case (x near a), fewer in the tails.
    public static func regularizedGammaP(a: Double, x: Double) -> Double {
        incompleteGamma(a: a, x: x).lower
    }

    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a) = 1 − P(a, x),
    /// computed directly so that it keeps its relative accuracy when it is tiny.
    ///
    /// See ``regularizedGammaP(a:x:)`` for the method.
    ///
    /// - Precondition: `a > 0`, `x ≥ 0`.
    /// - Complexity: O(√a) terms in the worst case.
    public static func regularizedGammaQ(a: Double, x: Double) -> Double {
        incompleteGamma(a: a, x: x).upper
    }

    /// The x with P(a, x) = p: the p-quantile of Gamma(a, 1) (scipy's `gamma.ppf(p, a)`, Boost's
    /// `gamma_p_inv`).
    ///
    /// A first guess from Numerical Recipes §6.14 (the Wilson–Hilferty cube-root approximation for
    /// a > 1) is refined by Halley's method safeguarded by bisection inside a bracket that always holds
    /// the root. For p > ½ it solves Q(a, x) = 1 − p instead, so the tail being matched is always the
    /// one computed directly.
    ///
    /// - Precondition: `a > 0`, `0 ≤ p ≤ 1`. p = 1 gives `.infinity`.
    /// - Complexity: a handful of evaluations of P(a, x), each O(√a).
    public static func inverseRegularizedGammaP(a: Double, p: Double) -> Double {
        precondition(p >= 0 && p <= 1, "inverseRegularizedGammaP needs 0 ≤ p ≤ 1, got \(p)")
        return p <= 0.5 ? invertGamma(target: p, upperTail: false, a: a)
                        : invertGamma(target: 1 - p, upperTail: true, a: a)
    }

    /// The x with Q(a, x) = q: the upper q-quantile of Gamma(a, 1) (scipy's `gamma.isf(q, a)`, Boost's
    /// `gamma_q_inv`). Passing q rather than 1 − q keeps tiny upper-tail probabilities exact.
    ///
    /// Same method as ``inverseRegularizedGammaP(a:p:)``.
    ///
    /// - Precondition: `a > 0`, `0 ≤ q ≤ 1`. q = 0 gives `.infinity`.
    /// - Complexity: a handful of evaluations of Q(a, x), each O(√a).
    public static func inverseRegularizedGammaQ(a: Double, q: Double) -> Double {
        precondition(q >= 0 && q <= 1, "inverseRegularizedGammaQ needs 0 ≤ q ≤ 1, got \(q)")
        return q <= 0.5 ? invertGamma(target: q, upperTail: true, a: a)
                        : invertGamma(target: 1 - q, upperTail: false, a: a)
    }

    /// The p-quantile of the chi-square distribution with ν degrees of freedom,
    /// χ²(p; ν) = 2 P⁻¹(ν/2, p) (scipy's `chi2.ppf(p, ν)`).
    ///
    /// - Precondition: `degreesOfFreedom > 0`, `0 ≤ p ≤ 1`.
    public static func chiSquareQuantile(p: Double, degreesOfFreedom: Double) -> Double {
        precondition(degreesOfFreedom > 0, "chi-square needs ν > 0, got \(degreesOfFreedom)")
        return 2 * inverseRegularizedGammaP(a: degreesOfFreedom / 2, p: p)
    }

    /// The upper q-quantile of the chi-square distribution with ν degrees of freedom: the x with
    /// Pr(χ²_ν > x) = q, that is 2 Q⁻¹(ν/2, q) (scipy's `chi2.isf(q, ν)`).
    ///
    /// - Precondition: `degreesOfFreedom > 0`, `0 ≤ q ≤ 1`.
    public static func chiSquareUpperQuantile(q: Double, degreesOfFreedom: Double) -> Double {
        precondition(degreesOfFreedom > 0, "chi-square needs ν > 0, got \(degreesOfFreedom)")
        return 2 * inverseRegularizedGammaQ(a: degreesOfFreedom / 2, q: q)
    }

    // MARK: - Evaluation

    /// P(a, x) and Q(a, x), the smaller of the two computed directly.
    static func incompleteGamma(a: Double, x: Double) -> (lower: Double, upper: Double) {
        precondition(a > 0, "the incomplete gamma function needs a > 0, got \(a)")
        precondition(x >= 0, "the incomplete gamma function needs x ≥ 0, got \(x)")
        if x == 0 { return (0, 1) }
        if x == .infinity { return (1, 0) }
        if a == 1 { return (-expm1(-x), exp(-x)) }
        let prefactor = exp(logGammaPrefactor(a: a, x: x))
        if x < a + 1 {
            let lower = prefactor * gammaSeries(a: a, x: x)
            return (lower, 1 - lower)
        } else {
            let upper = prefactor * gammaContinuedFraction(a: a, x: x)
            return (1 - upper, upper)
        }
    }

    /// The density of Gamma(a, 1) at x > 0, x^(a−1) e^(−x) / Γ(a).
    static func gammaDensity(a: Double, x: Double) -> Double {
        exp(logGammaPrefactor(a: a, x: x)) / x
    }

    /// Σₙ xⁿ / (a (a + 1) ⋯ (a + n)), the series of P(a, x) without its prefactor (Numerical Recipes `gser`).
    static func gammaSeries(a: Double, x: Double) -> Double {
        var denominator = a
        var term = 1 / a
        var sum = term
        let limit = 1000 + Int(20 * a.squareRoot())
        for _ in 0..<limit {
            denominator += 1
            term *= x / denominator
            sum += term
            if abs(term) < abs(sum) * Double.ulpOfOne { break }
        }
        return sum
    }

    /// Legendre's continued fraction of Q(a, x) without its prefactor, by the modified Lentz method
    /// (Numerical Recipes `gcf`).
    static func gammaContinuedFraction(a: Double, x: Double) -> Double {
        let tiny = Double.leastNormalMagnitude / Double.ulpOfOne
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        let limit = 1000 + Int(20 * a.squareRoot())
        var i = 1.0
        for _ in 0..<limit {
            let numerator = -i * (i - a)
            b += 2
            d = numerator * d + b
            if abs(d) < tiny { d = tiny }
            c = b + numerator / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= Double.ulpOfOne { break }
            i += 1
        }
        return h
    }

    // MARK: - Inversion

    /// The x with P(a, x) = target (lower tail) or Q(a, x) = target (upper tail), target ≤ ½.
    static func invertGamma(target: Double, upperTail: Bool, a: Double) -> Double {
        precondition(a > 0, "the inverse incomplete gamma function needs a > 0, got \(a)")
        if target == 0 { return upperTail ? .infinity : 0 }
        if a == 1 {   // P(1, x) = 1 − e^(−x)
            return upperTail ? -log(target) : -log1p(-target)
        }
        let guess = gammaFirstGuess(p: upperTail ? 1 - target : target, a: a)
        return SafeguardedRoot.solve(start: guess, lower: 0, upper: .infinity) { x in
            let value = incompleteGamma(a: a, x: x)
            let residual = upperTail ? target - value.upper : value.lower - target
            let newton = residual / gammaDensity(a: a, x: x)
            // Halley's correction: (ln f)′ = (a − 1)/x − 1.
            let curvature = (a - 1) / x - 1
            return (residual, newton / (1 - 0.5 * min(1, newton * curvature)))
        }
    }

    /// The first guess of Numerical Recipes' `invgammp` for the p-quantile of Gamma(a, 1).
    static func gammaFirstGuess(p: Double, a: Double) -> Double {
        if a > 1 {
            let tail = p < 0.5 ? p : 1 - p
            let t = (-2 * log(tail)).squareRoot()
            var z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t
            if p < 0.5 { z = -z }
            let cube = 1 - 1 / (9 * a) - z / (3 * a.squareRoot())
            return max(1e-3, a * cube * cube * cube)
        }
        let t = 1 - a * (0.253 + a * 0.12)
        return p < t ? pow(p / t, 1 / a) : 1 - log(1 - (p - t) / (1 - t))
    }
}
