// Log-gamma and the saddle-point pieces that keep the incomplete beta and gamma functions accurate.
import Foundation

/// The special functions behind the exact interval methods: ln Γ, the regularized incomplete beta
/// function I_x(a, b) and the regularized incomplete gamma functions P(a, x) and Q(a, x), each with its
/// inverse.
///
/// Everything here is written from the numerical-analysis definitions, with no table or library
/// routine beyond `log`, `exp`, `log1p`, `expm1` and `pow`; the results are the same on every platform
/// and need no global state (unlike the C library's `lgamma`, which writes `signgam`).
///
/// The prefactors x^a (1 − x)^b / B(a, b) and x^a e^(−x) / Γ(a) are evaluated in the saddle-point
/// form of Loader (2000, "Fast and accurate computation of binomial probabilities"): Stirling's
/// correction δ(z) and the deviance bd0(x, m) = x ln(x / m) + m − x replace the difference of large
/// log-gamma values, so they keep their relative accuracy for parameters of 10⁶ and beyond, where
/// ln Γ(a + b) − ln Γ(a) − ln Γ(b) would lose seven or more digits to cancellation.
public enum SpecialFunctions {
    /// ½ ln(2π).
    static let halfLogTwoPi = 0.918_938_533_204_672_741_78

    /// The natural logarithm of the gamma function, ln Γ(z), for z > 0.
    ///
    /// Stirling's series, ln Γ(z) = (z − ½) ln z − z + ½ ln 2π + δ(z), with the correction δ(z)
    /// from ``stirlingCorrection(_:)`` (Abramowitz & Stegun 6.1.40–6.1.41). Accurate to a few units
    /// of 10⁻¹⁵ absolute near the zeros at 1 and 2, and to a few ulps relative elsewhere.
    ///
    /// - Precondition: `z > 0` (NaN fails it).
    /// - Complexity: O(1); at most 15 steps of the recurrence for z < 15.
    public static func logGamma(_ z: Double) -> Double {
        precondition(z > 0, "logGamma needs z > 0, got \(z)")
        if z == .infinity { return .infinity }
        return (z - 0.5) * log(z) - z + halfLogTwoPi + stirlingCorrection(z)
    }

    /// The natural logarithm of the beta function, ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b),
    /// for a, b > 0.
    ///
    /// Evaluated as ½ ln 2π + (a − ½) ln(a / (a + b)) + (b − ½) ln(b / (a + b)) − ½ ln(a + b)
    /// + δ(a) + δ(b) − δ(a + b), which keeps its accuracy when a and b are large.
    ///
    /// - Precondition: `a > 0` and `b > 0`.
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        precondition(a > 0 && b > 0, "logBeta needs a, b > 0, got \(a), \(b)")
        let n = a + b
        // ln(a/n) of the larger share as log1p(−smaller/n): it is near 0, and log(a/n) would keep
        // only its absolute accuracy, which (b − ½) multiplies.
        let logShareA = a <= b ? log(a / n) : log1p(-b / n)
        let logShareB = b < a ? log(b / n) : log1p(-a / n)
        return halfLogTwoPi + (a - 0.5) * logShareA + (b - 0.5) * logShareB - 0.5 * log(n)
            + stirlingCorrection(a) + stirlingCorrection(b) - stirlingCorrection(n)
    }

    /// Stirling's correction δ(z) = ln Γ(z) − [(z − ½) ln z − z + ½ ln 2π], for z > 0.
    ///
    /// For z ≥ 15 the asymptotic series 1/(12z) − 1/(360z³) + 1/(1260z⁵) − 1/(1680z⁷) + 1/(1188z⁹)
    /// (truncation error below 3 · 10⁻¹⁶); below that, the exact step
    /// δ(z) = δ(z + 1) + (z + ½) ln(1 + 1/z) − 1, which follows from Γ(z + 1) = z Γ(z) and has no
    /// cancellation of large terms.
    static func stirlingCorrection(_ z: Double) -> Double {
        var sum = 0.0
        var w = z
        while w < 15 {
            sum += (w + 0.5) * log1p(1 / w) - 1
            w += 1
        }
        let r = 1 / w, r2 = r * r
        let series = r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680 - r2 / 1188))))
        return sum + series
    }

    /// The deviance term bd0(x, m) = x ln(x / m) + m − x ≥ 0 of Loader (2000), for x ≥ 0 and m > 0.
    ///
    /// When x and m are close, the series 2x Σ v^(2j+1) / (2j + 1) − (x − m) v with v = (x − m)/(x + m)
    /// avoids the cancellation of x ln(x / m) against m − x.
    static func deviance(_ x: Double, _ m: Double) -> Double {
        if x == 0 { return m }
        if abs(x - m) < 0.1 * (x + m) {
            var v = (x - m) / (x + m)
            var sum = (x - m) * v
            var term = 2 * x * v
            v *= v
            var j = 1.0
            while j < 1000 {
                term *= v
                let next = sum + term / (2 * j + 1)
                if next == sum { return next }
                sum = next
                j += 1
            }
            return sum
        }
        return x * log(x / m) + m - x
    }

    /// ln[x^a (1 − x)^b / B(a, b)], with y = 1 − x given separately so that it keeps its accuracy
    /// near x = 1.
    ///
    /// −bd0(a, n x) − bd0(b, n y) + ½ ln(a b / n) − ½ ln 2π + δ(n) − δ(a) − δ(b), with n = a + b.
    static func logBetaPrefactor(x: Double, y: Double, a: Double, b: Double) -> Double {
        let n = a + b
        return -deviance(a, n * x) - deviance(b, n * y) + 0.5 * log(a * b / n) - halfLogTwoPi
            + stirlingCorrection(n) - stirlingCorrection(a) - stirlingCorrection(b)
    }

    /// ln[x^a e^(−x) / Γ(a)] = −bd0(a, x) + ½ ln(a / 2π) − δ(a), for a > 0 and x > 0.
    static func logGammaPrefactor(a: Double, x: Double) -> Double {
        -deviance(a, x) + 0.5 * log(a) - halfLogTwoPi - stirlingCorrection(a)
    }
}
