// Halley's method kept inside a shrinking bracket, the root finder behind every inverse function here.

/// Finds the root of an increasing function by Newton or Halley steps, falling back to bisection
/// whenever a step would leave the bracket known to hold the root (Numerical Recipes, 3rd ed., §9.4,
/// `rtsafe`). The bracket shrinks with every evaluation, so the search always converges.
enum SafeguardedRoot {
    /// The relative step below which the iteration has converged: after a step this small, the error
    /// of a quadratically or cubically converging method is far below an ulp.
    static let relativeTolerance = 1e-13

    /// The x in [lower, upper] where `evaluate(x).residual` crosses zero, for a residual that
    /// increases with x; `evaluate` also returns the step to subtract from x (Newton's r / r′, or
    /// Halley's refinement of it). `upper` may be `.infinity`: the bracket then grows by doubling.
    ///
    /// A step is taken when it stays inside the bracket and is less than half the previous one;
    /// otherwise the bracket is split (the test of `rtsafe`, which stops a slow crawl in a flat tail).
    ///
    /// - Complexity: at most `maxIterations` evaluations; a few when the step is good.
    static func solve(start: Double, lower: Double, upper: Double, maxIterations: Int = 300,
                      evaluate: (Double) -> (residual: Double, step: Double)) -> Double {
        var low = lower, high = upper
        var x = start
        if !(x > low && x < high) { x = split(low, high, from: low) }
        var previousStep = high - low
        for _ in 0..<maxIterations {
            let (residual, step) = evaluate(x)
            if residual == 0 { return x }
            if residual < 0 { low = x } else { high = x }
            // Converged: the error after a step this small is far below an ulp.
            if abs(step) <= relativeTolerance * abs(x) { return x - step }
            var next = x - step
            if !(next > low && next < high) || !(abs(step) <= 0.5 * abs(previousStep)) {
                next = split(low, high, from: x)
                // The bracket has closed to a few ulps: nothing is left to find.
                if high - low <= 4 * max(low.ulp, high.ulp) { return next }
            }
            if next == x { return next }
            previousStep = next - x
            x = next
        }
        return x
    }

    /// A point strictly inside (low, high): the midpoint, or the geometric mean when the bracket spans
    /// orders of magnitude, so that roots near zero are reached in few steps; doubling when the
    /// bracket is unbounded above.
    static func split(_ low: Double, _ high: Double, from x: Double) -> Double {
        if high == .infinity { return max(2 * x, low + 1, 1) }
        if low > 0 && high > 16 * low { return (low * high).squareRoot() }
        if low == 0 && high > 0 { return high / 16 }
        return low + (high - low) / 2
    }
}
