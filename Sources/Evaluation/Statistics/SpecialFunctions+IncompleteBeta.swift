// The regularized incomplete beta function I_x(a, b), its complement, and their inverses.
import Foundation

extension SpecialFunctions {
    /// The regularized incomplete beta function
    /// I_x(a, b) = (1 / B(a, b)) ∫₀ˣ t^(a−1) (1 − t)^(b−1) dt, for a, b > 0 and 0 ≤ x ≤ 1: the
    /// cumulative distribution function of the Beta(a, b) distribution. For whole a and b,
    /// I_p(k, n − k + 1) = Pr(X ≥ k) for X ~ Binomial(n, p).
    ///
    /// At or below the mean (λ = a − (a + b) x ≥ 0) it is the continued fraction
    /// I_x(a, b) = [x^a (1 − x)^b / (a B(a, b))] · 1/(1 + d₁/(1 + d₂/(1 + …))), with
    /// d₂ₘ₊₁ = −(a + m)(a + b + m) x / ((a + 2m)(a + 2m + 1)) and
    /// d₂ₘ = m (b − m) x / ((a + 2m − 1)(a + 2m)) (Numerical Recipes, 3rd ed., §6.4; Abramowitz &
    /// Stegun 26.5.8); above the mean it is 1 − I_{1−x}(b, a) by the same fraction, so the smaller tail
    /// is always the one computed directly. The fraction is evaluated in the equivalent form of
    /// DiDonato & Morris (1992, ACM TOMS 18(3):360–373, Algorithm 708, `BFRAC`), whose terms are written
    /// with λ and 1 − x given separately: Lentz's evaluation of the form above (Numerical Recipes'
    /// `betacf`) lost up to five digits in the upper tail of a distribution whose mean is near 0, such
    /// as a Clopper–Pearson bound for k = 2 of n = 10⁶, where 1 + d₂ₘ₊₁ cancels. The prefactor uses
    /// Loader's saddle-point form (see ``SpecialFunctions``); a = 1 and b = 1 have the closed forms
    /// 1 − (1 − x)^b and x^a.
    ///
    /// Accuracy: a few ulps in the tails; at the centre of a large distribution (a, b ~ 10⁶) the
    /// O(√a) steps of the fraction add rounding of a few 10⁻¹³.
    ///
    /// - Precondition: `a > 0`, `b > 0`, `0 ≤ x ≤ 1`.
    /// - Complexity: O(√max(a, b)) steps of the continued fraction in the worst case (x near the
    ///   mean), a handful in the tails.
    public static func regularizedIncompleteBeta(x: Double, a: Double, b: Double) -> Double {
        incompleteBeta(x: x, a: a, b: b).lower
    }

    /// The complement 1 − I_x(a, b) of the regularized incomplete beta function, computed directly so
    /// that it keeps its relative accuracy when it is tiny (the upper tail of Beta(a, b)).
    ///
    /// See ``regularizedIncompleteBeta(x:a:b:)`` for the method.
    ///
    /// - Precondition: `a > 0`, `b > 0`, `0 ≤ x ≤ 1`.
    /// - Complexity: O(√max(a, b)) iterations in the worst case.
    public static func regularizedIncompleteBetaComplement(x: Double, a: Double, b: Double) -> Double {
        incompleteBeta(x: x, a: a, b: b).upper
    }

    /// The x with I_x(a, b) = p: the p-quantile of the Beta(a, b) distribution (scipy's
    /// `beta.ppf(p, a, b)`, Boost's `ibeta_inv`).
    ///
    /// A first guess from Numerical Recipes §6.14 (Abramowitz & Stegun 26.5.22 when a, b ≥ 1) is
    /// refined by Halley's method safeguarded by bisection inside a bracket that always holds the root,
    /// to a relative step below 10⁻¹³ (after which one more Halley step lands within an ulp or two).
    /// For p > ½ it solves 1 − I_x(a, b) = 1 − p instead (1 − p is exact there), so the tail being
    /// matched is always the one computed directly.
    ///
    /// - Precondition: `a > 0`, `b > 0`, `0 ≤ p ≤ 1`.
    /// - Complexity: a handful of evaluations of I_x(a, b), each O(√max(a, b)).
    public static func inverseRegularizedIncompleteBeta(p: Double, a: Double, b: Double) -> Double {
        precondition(p >= 0 && p <= 1, "inverseRegularizedIncompleteBeta needs 0 ≤ p ≤ 1, got \(p)")
        return p <= 0.5 ? invertBeta(target: p, upperTail: false, a: a, b: b)
                        : invertBeta(target: 1 - p, upperTail: true, a: a, b: b)
    }

    /// The x with 1 − I_x(a, b) = q: the upper q-quantile of Beta(a, b) (scipy's `beta.isf(q, a, b)`,
    /// Boost's `ibetac_inv`). Passing q rather than 1 − q keeps tiny upper-tail probabilities exact.
    ///
    /// Same method as ``inverseRegularizedIncompleteBeta(p:a:b:)``.
    ///
    /// - Precondition: `a > 0`, `b > 0`, `0 ≤ q ≤ 1`.
    /// - Complexity: a handful of evaluations of I_x(a, b), each O(√max(a, b)).
    public static func inverseRegularizedIncompleteBetaComplement(q: Double, a: Double, b: Double) -> Double {
        precondition(q >= 0 && q <= 1, "inverseRegularizedIncompleteBetaComplement needs 0 ≤ q ≤ 1, got \(q)")
        return q <= 0.5 ? invertBeta(target: q, upperTail: true, a: a, b: b)
                        : invertBeta(target: 1 - q, upperTail: false, a: a, b: b)
    }

    // MARK: - Evaluation

    /// I_x(a, b) and 1 − I_x(a, b), the smaller of the two computed directly.
    static func incompleteBeta(x: Double, a: Double, b: Double) -> (lower: Double, upper: Double) {
        precondition(a > 0 && b > 0, "the incomplete beta function needs a, b > 0, got \(a), \(b)")
        precondition(x >= 0 && x <= 1, "the incomplete beta function needs 0 ≤ x ≤ 1, got \(x)")
        if x == 0 { return (0, 1) }
        if x == 1 { return (1, 0) }
        if b == 1 {   // I_x(a, 1) = x^a
            return (pow(x, a), -expm1(a * log(x)))
        }
        if a == 1 {   // I_x(1, b) = 1 − (1 − x)^b
            let logUpper = b * log1p(-x)
            return (-expm1(logUpper), exp(logUpper))
        }
        let y = 1 - x
        // λ = a − (a + b) x, the distance below the mean in units of a + b, from whichever of x and y
        // is the smaller, so that it has no cancellation.
        let lambda = a > b ? (a + b) * y - b : a - (a + b) * x
        if lambda >= 0 {
            let lower = exp(logBetaPrefactor(x: x, y: y, a: a, b: b)) * betaFraction(a: a, b: b, x: x, y: y, lambda: lambda)
            return (lower, 1 - lower)
        } else {
            let upper = exp(logBetaPrefactor(x: y, y: x, a: b, b: a)) * betaFraction(a: b, b: a, x: y, y: x, lambda: -lambda)
            return (1 - upper, upper)
        }
    }

    /// The continued fraction of I_x(a, b) / [x^a y^b / B(a, b)] for x at or below the mean, in the
    /// form of DiDonato & Morris (1992, ACM TOMS 18(3):360–373, Algorithm 708, `BFRAC`): the partial
    /// numerators and denominators are written with λ = a − (a + b) x and y = 1 − x given separately,
    /// so that no term cancels when x is near 1 (the upper tail of a distribution whose mean is near 0).
    /// Evaluated by the three-term recurrence, renormalised at every step.
    static func betaFraction(a: Double, b: Double, x: Double, y: Double, lambda: Double) -> Double {
        let c = lambda + 1, c0 = b / a, c1 = 1 / a + 1, yPlusOne = y + 1
        var n = 0.0, p = 1.0, s = a + 1
        var an = 0.0, bn = 1.0, anPlusOne = 1.0, bnPlusOne = c / c1
        var ratio = c1 / c
        let limit = 1000 + Int(20 * max(a, b).squareRoot())
        for _ in 0..<limit {
            n += 1
            var t = n / a
            let w = n * (b - n) * x
            var e = a / s
            let alpha = p * (p + c0) * e * e * (w * x)
            e = (t + 1) / (c1 + t + t)
            let beta = n + w / s + e * (c + n * yPlusOne)
            p = t + 1
            s += 2
            t = alpha * an + beta * anPlusOne
            an = anPlusOne
            anPlusOne = t
            t = alpha * bn + beta * bnPlusOne
            bn = bnPlusOne
            bnPlusOne = t
            let previous = ratio
            ratio = anPlusOne / bnPlusOne
            if abs(ratio - previous) <= Double.ulpOfOne * ratio { break }
            an /= bnPlusOne
            bn /= bnPlusOne
            anPlusOne = ratio
            bnPlusOne = 1
        }
        return ratio
    }

    /// The density of Beta(a, b) at x, x^(a−1) (1 − x)^(b−1) / B(a, b), for 0 < x < 1.
    static func betaDensity(x: Double, a: Double, b: Double) -> Double {
        let y = 1 - x
        return exp(logBetaPrefactor(x: x, y: y, a: a, b: b)) / (x * y)
    }

    // MARK: - Inversion

    /// The x with I_x(a, b) = target (lower tail) or 1 − I_x(a, b) = target (upper tail), target ≤ ½.
    static func invertBeta(target: Double, upperTail: Bool, a: Double, b: Double) -> Double {
        precondition(a > 0 && b > 0, "the inverse incomplete beta function needs a, b > 0, got \(a), \(b)")
        if target == 0 { return upperTail ? 1 : 0 }
        if b == 1 {   // x^a = p, or 1 − x^a = q
            return upperTail ? exp(log1p(-target) / a) : exp(log(target) / a)
        }
        if a == 1 {   // 1 − (1 − x)^b = p, or (1 − x)^b = q
            return upperTail ? -expm1(log(target) / b) : -expm1(log1p(-target) / b)
        }
        // Solve for whichever of x and 1 − x is below ½, so that the root keeps its relative precision:
        // I_x(a, b) = 1 − I_{1−x}(b, a) turns a root above ½ into one below ½ of the reflected problem.
        let half = incompleteBeta(x: 0.5, a: a, b: b)
        let valueAtHalf = upperTail ? half.upper : half.lower
        if valueAtHalf == target { return 0.5 }
        let guess = betaFirstGuess(p: upperTail ? 1 - target : target, a: a, b: b)
        if (valueAtHalf > target) != upperTail {
            return solveBeta(target: target, upperTail: upperTail, a: a, b: b, start: guess)
        }
        return 1 - solveBeta(target: target, upperTail: !upperTail, a: b, b: a, start: 1 - guess)
    }

    /// The x in (0, ½] with I_x(a, b) = target (lower tail) or 1 − I_x(a, b) = target (upper tail),
    /// known to lie there.
    static func solveBeta(target: Double, upperTail: Bool, a: Double, b: Double, start: Double) -> Double {
        SafeguardedRoot.solve(start: start, lower: 0, upper: 0.5) { x in
            let value = incompleteBeta(x: x, a: a, b: b)
            // Increasing in x either way: I_x − p, or q − (1 − I_x).
            let residual = upperTail ? target - value.upper : value.lower - target
            let density = betaDensity(x: x, a: a, b: b)
            let newton = residual / density
            // Halley's correction: (ln f)′ = (a − 1)/x − (b − 1)/(1 − x).
            let curvature = (a - 1) / x - (b - 1) / (1 - x)
            return (residual, newton / (1 - 0.5 * min(1, newton * curvature)))
        }
    }

    /// The first guess of Numerical Recipes' `invbetai` for the p-quantile of Beta(a, b).
    static func betaFirstGuess(p: Double, a: Double, b: Double) -> Double {
        if a >= 1 && b >= 1 {
            let tail = p < 0.5 ? p : 1 - p
            let t = (-2 * log(tail)).squareRoot()
            var z = (2.30753 + t * 0.27061) / (1 + t * (0.99229 + t * 0.04481)) - t
            if p < 0.5 { z = -z }
            let al = (z * z - 3) / 6
            let h = 2 / (1 / (2 * a - 1) + 1 / (2 * b - 1))
            let w = z * (al + h).squareRoot() / h - (1 / (2 * b - 1) - 1 / (2 * a - 1)) * (al + 5.0 / 6 - 2 / (3 * h))
            return a / (a + b * exp(2 * w))
        }
        let lna = log(a / (a + b)), lnb = log(b / (a + b))
        let t = exp(a * lna) / a, u = exp(b * lnb) / b, w = t + u
        return p < t / w ? pow(a * w * p, 1 / a) : 1 - pow(b * w * (1 - p), 1 / b)
    }
}
