// OSPA: the optimal sub-pattern assignment distance between the tracks and the truth at one time.
public import TelemetryModel
public import TrackingMath
import Foundation

/// The OSPA distance of order p with cut-off c (Schuhmacher, Vo & Vo, "A consistent metric for
/// performance evaluation of multi-object filters", IEEE Trans. Signal Processing 56(8), 2008).
///
/// For track positions X = {x₁…x_m} and truth positions Y = {y₁…y_n} with m ≤ n (else swap them),
/// d⁽ᶜ⁾(x, y) = min(c, ‖x − y‖) and
///
///     OSPA(X, Y) = ( (1/n) · ( min over injections π of Σᵢ d⁽ᶜ⁾(xᵢ, y_π(i))ᵖ  +  cᵖ · (n − m) ) )^(1/p)
///
/// and 0 when both sets are empty. The distance is Euclidean on ENU position only, as the Stone Soup
/// scorer's `Euclidean(mapping=(0, 2, 4))`.
///
/// Stone Soup 1.9.1's `OSPAMetric` chooses the assignment by the sum of d⁽ᶜ⁾, not of d⁽ᶜ⁾ᵖ; the two
/// agree for p = 1 (the default) and whenever both sums have the same minimiser. This type follows
/// the paper.
public struct OSPAMetric: Codable, Hashable, Sendable {
    /// c: the cut-off distance, metres; also the cost of each cardinality error.
    public let cutoff: Double
    /// p: the order, 1 ≤ p < ∞.
    public let order: Double

    /// Creates the metric (defaults c = 100 m, p = 1, as the Stone Soup scorer).
    ///
    /// - Precondition: `cutoff` is finite and > 0; `order` is finite and ≥ 1.
    public init(cutoff: Double = 100, order: Double = 1) {
        precondition(cutoff.isFinite && cutoff > 0, "the OSPA cut-off must be finite and positive")
        precondition(order.isFinite && order >= 1, "the OSPA order must be finite and at least 1")
        self.cutoff = cutoff
        self.order = order
    }

    /// The OSPA distance between `tracks` and `truths` (positions), metres.
    ///
    /// - Complexity: O(m² · n) for m ≤ n points.
    public func distance(tracks: [ENUVector], truths: [ENUVector],
                         solver: any AssignmentSolver = JonkerVolgenantAssignmentSolver()) -> Double {
        let (small, large) = tracks.count <= truths.count ? (tracks, truths) : (truths, tracks)
        let n = large.count, m = small.count
        if n == 0 { return 0 }
        let costs = cappedCosts(rows: small, columns: large, cutoff: cutoff, order: order)
        var total = 0.0
        if m > 0 {
            guard let assignment = solver.assign(costs: costs, rows: m, columns: n) else {
                preconditionFailure("a finite cost matrix always has an assignment")
            }
            for (row, column) in assignment.enumerated() { total += costs[row * n + column] }
        }
        total += pow(cutoff, order) * Double(n - m)
        return pow(total / Double(n), 1 / order)
    }
}

/// The row-major matrix of min(c, ‖rowᵢ − columnⱼ‖)ᵖ.
func cappedCosts(rows: [ENUVector], columns: [ENUVector], cutoff: Double, order: Double) -> [Double] {
    var costs = [Double](repeating: 0, count: rows.count * columns.count)
    let cappedCost = pow(cutoff, order)
    for (i, a) in rows.enumerated() {
        for (j, b) in columns.enumerated() {
            let d = euclideanDistance(a, b)
            costs[i * columns.count + j] = d < cutoff ? pow(d, order) : cappedCost
        }
    }
    return costs
}

/// ‖a − b‖.
func euclideanDistance(_ a: ENUVector, _ b: ENUVector) -> Double {
    let d = a - b
    return (d * d).sum().squareRoot()
}
