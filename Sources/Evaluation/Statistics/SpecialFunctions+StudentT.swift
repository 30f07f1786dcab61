// Upper quantiles of the standard normal and Student's t distributions.
import Foundation

extension SpecialFunctions {
    /// The degrees of freedom above which ``studentTUpperQuantile(q:degreesOfFreedom:)`` uses the
    /// Cornish–Fisher expansion in 1/ν instead of inverting the incomplete beta function: there the
    /// expansion's first omitted term, g₅(z)/ν⁵, is below 10⁻¹⁸ of the quantile for q ≥ 10⁻¹⁵ (and below
    /// 10⁻¹³ down to q = 10⁻³⁰⁰), while the inversion's continued fraction would take O(√ν) steps.
    static let studentTExpansionThreshold = 1e5

    /// The upper q-quantile of the standard normal distribution: the z with Pr(Z > z) = q (scipy's
    /// `norm.isf(q)`).
    ///
    /// From the incomplete gamma function, through Pr(|Z| > z) = Q(½, z²/2): for q ≤ ½,
    /// z = √(2 Q⁻¹(½, 2q)); for q > ½, z = −z(1 − q). Passing q rather than 1 − q keeps tiny tails exact.
    ///
    /// - Precondition: 0 ≤ `q` ≤ 1. q = 0 gives `.infinity`, q = 1 gives `-.infinity`.
    /// - Complexity: a handful of evaluations of Q(½, x).
    public static func normalUpperQuantile(q: Double) -> Double {
        precondition(q >= 0 && q <= 1, "normalUpperQuantile needs 0 ≤ q ≤ 1, got \(q)")
        if q == 0.5 { return 0 }
        if q > 0.5 { return -normalUpperQuantile(q: 1 - q) }
        return (2 * inverseRegularizedGammaQ(a: 0.5, q: 2 * q)).squareRoot()
    }

    /// The upper q-quantile of Student's t distribution with ν degrees of freedom: the t with
    /// Pr(T_ν > t) = q (scipy's `t.isf(q, ν)`); ν need not be whole.
    ///
    /// For q ≤ ½, from Pr(|T_ν| > t) = I_x(ν/2, ½) with x = ν / (ν + t²) (Abramowitz & Stegun
    /// 26.7.1): x = B⁻¹(2q; ν/2, ½) and t = √(ν (1 − x) / x). When x is above ½ (t small), 1 − x is
    /// found directly as the upper quantile of the reflected distribution, 1 − I_{1−x}(½, ν/2) = 2q, so
    /// that it keeps its digits. For ν > 10⁵ the Cornish–Fisher expansion
    /// t = z + g₁(z)/ν + g₂(z)/ν² + g₃(z)/ν³ + g₄(z)/ν⁴ (Abramowitz & Stegun 26.7.5) around the normal
    /// quantile z is exact to rounding for q ≥ 10⁻¹⁵. For q > ½, t = −t(1 − q).
    ///
    /// - Precondition: `degreesOfFreedom` > 0, 0 ≤ `q` ≤ 1. q = 0 gives `.infinity`.
    /// - Complexity: a handful of evaluations of I_x(ν/2, ½), each O(√min(ν, 10⁵)).
    public static func studentTUpperQuantile(q: Double, degreesOfFreedom nu: Double) -> Double {
        precondition(nu > 0, "Student's t needs ν > 0, got \(nu)")
        precondition(q >= 0 && q <= 1, "studentTUpperQuantile needs 0 ≤ q ≤ 1, got \(q)")
        if q == 0.5 { return 0 }
        if q > 0.5 { return -studentTUpperQuantile(q: 1 - q, degreesOfFreedom: nu) }
        if q == 0 { return .infinity }
        if nu == .infinity { return normalUpperQuantile(q: q) }
        if nu > studentTExpansionThreshold {
            let z = normalUpperQuantile(q: q)
            let z2 = z * z
            let g1 = z * (z2 + 1) / 4
            let g2 = z * ((5 * z2 + 16) * z2 + 3) / 96
            let g3 = z * (((3 * z2 + 19) * z2 + 17) * z2 - 15) / 384
            let g4 = z * ((((79 * z2 + 776) * z2 + 1482) * z2 - 1920) * z2 - 945) / 92_160
            return z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu
        }
        let twoTailed = 2 * q
        let x = inverseRegularizedIncompleteBeta(p: twoTailed, a: nu / 2, b: 0.5)
        if x < 0.5 {
            return (nu * (1 - x) / x).squareRoot()
        }
        // y = 1 − x, from I_x(ν/2, ½) = 1 − I_{1−x}(½, ν/2).
        let y = inverseRegularizedIncompleteBetaComplement(q: twoTailed, a: 0.5, b: nu / 2)
        return (nu * y / (1 - y)).squareRoot()
    }
}
