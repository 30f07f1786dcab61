// One-to-one pairing under a gate, through the shared linear assignment solver.
import TrackingMath

/// Pairings of rows with columns that the detection- and track-level scoring share.
enum GatedAssignment {
    /// The largest set of one-to-one pairs (row, column) with a finite cost, and of all such sets
    /// the one with the smallest total cost; pairs in ascending row order.
    ///
    /// Gated pairs get cost cᵢⱼ − B and forbidden pairs 0, with the bonus
    /// B = (max |cᵢⱼ| + 1) · (min(rows, columns) + 1) larger than any difference in total cost
    /// between two pairings; a linear assignment (``JonkerVolgenantAssignmentSolver``) of that matrix
    /// then maximises the number of gated pairs first and minimises their total cost second.
    /// Forbidden pairs it makes are dropped.
    ///
    /// - Parameter costs: row-major `rows × columns`; `.infinity` (or NaN) forbids a pair.
    /// - Complexity: O(min² · max) for min and max the smaller and larger dimension.
    static func maximumGatedPairs(costs: [Double], rows: Int, columns: Int,
                                  solver: any AssignmentSolver = JonkerVolgenantAssignmentSolver()) -> [(row: Int, column: Int)] {
        precondition(costs.count == rows * columns, "need rows · columns costs")
        guard rows > 0, columns > 0 else { return [] }
        var largest = -1.0
        for cost in costs where cost.isFinite { largest = max(largest, abs(cost)) }
        guard largest >= 0 else { return [] }
        let bonus = (largest + 1) * Double(min(rows, columns) + 1)
        let adjusted = costs.map { $0.isFinite ? $0 - bonus : 0 }
        return minimumCostPairs(costs: adjusted, rows: rows, columns: columns, solver: solver)
            .filter { costs[$0.row * columns + $0.column].isFinite }
    }

    /// A one-to-one pairing of every row (or of every column, when there are fewer columns) that
    /// minimises the total of `costs`, all finite; pairs in ascending row order.
    ///
    /// - Complexity: O(min² · max).
    static func minimumCostPairs(costs: [Double], rows: Int, columns: Int,
                                 solver: any AssignmentSolver = JonkerVolgenantAssignmentSolver()) -> [(row: Int, column: Int)] {
        precondition(costs.count == rows * columns, "need rows · columns costs")
        guard rows > 0, columns > 0 else { return [] }
        if rows <= columns {
            guard let assigned = solver.assign(costs: costs, rows: rows, columns: columns) else {
                preconditionFailure("a finite cost matrix always has an assignment")
            }
            return assigned.enumerated().map { (row: $0.offset, column: $0.element) }
        }
        var transposed = [Double](repeating: 0, count: costs.count)
        for i in 0..<rows { for j in 0..<columns { transposed[j * rows + i] = costs[i * columns + j] } }
        guard let assigned = solver.assign(costs: transposed, rows: columns, columns: rows) else {
            preconditionFailure("a finite cost matrix always has an assignment")
        }
        return assigned.enumerated().map { (row: $0.element, column: $0.offset) }.sorted { $0.row < $1.row }
    }
}
