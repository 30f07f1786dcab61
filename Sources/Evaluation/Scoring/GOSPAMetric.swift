// GOSPA: the generalised OSPA distance at one time, with its localisation, missed and false parts.
public import TelemetryModel
public import TrackingMath
import Foundation

/// GOSPA at one time: the distance and what it is made of.
public struct GOSPAScore: Hashable, Sendable {
    /// The GOSPA distance, metres when p = 1.
    public var distance: Double
    /// Σ ‖x − y‖ᵖ over the assigned pairs closer than c (Stone Soup's `localisation`; not p-th-rooted).
    public var localisation: Double
    /// Truth objects left unassigned, or assigned at distance ≥ c.
    public var missed: Int
    /// Tracks left unassigned, or assigned at distance ≥ c.
    public var falseTracks: Int

    /// Creates a score.
    public init(distance: Double, localisation: Double, missed: Int, falseTracks: Int) {
        self.distance = distance
        self.localisation = localisation
        self.missed = missed
        self.falseTracks = falseTracks
    }
}

/// The GOSPA distance of order p with cut-off c and α = 2 (Rahmathullah, García-Fernández & Svensson,
/// "Generalized optimal sub-pattern assignment metric", FUSION 2017, arXiv:1601.05585).
///
/// With α = 2 it splits into localisation, missed and false terms:
///
///     GOSPA(X, Y) = ( min over assignments γ of  Σ_(i,j)∈γ ‖xᵢ − yⱼ‖ᵖ  +  (cᵖ/2) · (|X| + |Y| − 2|γ|) )^(1/p)
///
/// over partial assignments γ of pairs closer than c. It is found, as Stone Soup's `GOSPAMetric`
/// finds it, from the rectangular assignment minimising Σ min(c, ‖x − y‖)ᵖ: an assigned pair at
/// distance ≥ c costs cᵖ, the same as one missed and one false object, and is counted as such.
/// The distance is Euclidean on ENU position only. The switching term of later GOSPA variants is
/// not used (Stone Soup's default `switching_penalty = 0`).
public struct GOSPAMetric: Codable, Hashable, Sendable {
    /// c: the cut-off distance, metres.
    public let cutoff: Double
    /// p: the order, 1 ≤ p < ∞.
    public let order: Double
    /// α, fixed at 2 (as in Stone Soup): the only value for which the missed/false split is defined.
    public static let alpha = 2.0

    /// Creates the metric (defaults c = 100 m, p = 1).
    ///
    /// - Precondition: `cutoff` is finite and > 0; `order` is finite and ≥ 1.
    public init(cutoff: Double = 100, order: Double = 1) {
        precondition(cutoff.isFinite && cutoff > 0, "the GOSPA cut-off must be finite and positive")
        precondition(order.isFinite && order >= 1, "the GOSPA order must be finite and at least 1")
        self.cutoff = cutoff
        self.order = order
    }

    /// cᵖ/α: the cost of one missed or one false object.
    public var unassignedCost: Double { pow(cutoff, order) / Self.alpha }

    /// GOSPA between `tracks` and `truths` (positions).
    ///
    /// - Complexity: O(m² · n) for m ≤ n points.
    public func score(tracks: [ENUVector], truths: [ENUVector],
                      solver: any AssignmentSolver = JonkerVolgenantAssignmentSolver()) -> GOSPAScore {
        var localisation = 0.0
        var missed = 0, falseTracks = 0
        if tracks.isEmpty || truths.isEmpty {
            missed = truths.count
            falseTracks = tracks.count
        } else {
            // Rows must not outnumber columns: the smaller set goes in the rows.
            let truthRows = truths.count <= tracks.count
            let rows = truthRows ? truths : tracks, columns = truthRows ? tracks : truths
            let costs = cappedCosts(rows: rows, columns: columns, cutoff: cutoff, order: order)
            guard let assignment = solver.assign(costs: costs, rows: rows.count, columns: columns.count) else {
                preconditionFailure("a finite cost matrix always has an assignment")
            }
            var assignedPairs = 0
            for (row, column) in assignment.enumerated() {
                if euclideanDistance(rows[row], columns[column]) < cutoff {
                    localisation += costs[row * columns.count + column]
                    assignedPairs += 1
                }
            }
            missed = truths.count - assignedPairs
            falseTracks = tracks.count - assignedPairs
        }
        let total = localisation + unassignedCost * Double(missed + falseTracks)
        return GOSPAScore(distance: pow(total, 1 / order), localisation: localisation, missed: missed, falseTracks: falseTracks)
    }
}
