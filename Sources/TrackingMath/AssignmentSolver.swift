// The optimal assignment of rows to columns: the heart of global-nearest-neighbour association.

/// Solves the rectangular linear assignment problem: each row gets a distinct column, minimising the
/// total cost.
public protocol AssignmentSolver: Sendable {
    /// For a `rows` × `columns` row-major cost matrix (rows ≤ columns; `.infinity` forbids a pair),
    /// the column assigned to each row, or `nil` when no assignment of finite cost exists.
    func assign(costs: [Double], rows: Int, columns: Int) -> [Int]?
}

/// Jonker and Volgenant's shortest augmenting path algorithm (1987), in the rectangular form of
/// Crouse (2016, IEEE TAES 52(4), "On implementing 2D rectangular assignment algorithms"), the
/// algorithm behind SciPy's `linear_sum_assignment`.
///
/// Each row in turn is joined by a Dijkstra search over reduced costs c(i, j) − uᵢ − vⱼ, keeping the
/// dual variables u and v feasible; O(rows² · columns). Ties go to the lowest index, so the result
/// is deterministic.
public struct JonkerVolgenantAssignmentSolver: AssignmentSolver, Codable, Hashable {
    /// Creates the solver.
    public init() {}

    /// The column of each row in the cheapest assignment, or `nil` when no assignment of finite cost exists.
    ///
    /// - Complexity: O(rows² · columns).
    public func assign(costs: [Double], rows n: Int, columns m: Int) -> [Int]? {
        precondition(n <= m && costs.count == n * m, "need rows ≤ columns and rows · columns costs")
        if n == 0 { return [] }
        var u = [Double](repeating: 0, count: n), v = [Double](repeating: 0, count: m)
        var columnOfRow = [Int](repeating: -1, count: n), rowOfColumn = [Int](repeating: -1, count: m)
        var shortest = [Double](repeating: .infinity, count: m)
        var path = [Int](repeating: -1, count: m)
        var visitedRow = [Bool](repeating: false, count: n), visitedColumn = [Bool](repeating: false, count: m)
        var remaining = [Int](repeating: 0, count: m)

        for current in 0..<n {
            for j in 0..<m {
                shortest[j] = .infinity
                path[j] = -1
                visitedColumn[j] = false
                remaining[j] = m - 1 - j
            }
            for i in 0..<n { visitedRow[i] = false }
            var remainingCount = m
            var minimum = 0.0
            var i = current
            var sink = -1
            while sink == -1 {
                visitedRow[i] = true
                var lowest = Double.infinity
                var lowestIndex = -1
                for k in 0..<remainingCount {
                    let j = remaining[k]
                    let reduced = minimum + costs[i * m + j] - u[i] - v[j]
                    if reduced < shortest[j] {
                        path[j] = i
                        shortest[j] = reduced
                    }
                    if shortest[j] < lowest || (shortest[j] == lowest && rowOfColumn[j] == -1) {
                        lowest = shortest[j]
                        lowestIndex = k
                    }
                }
                minimum = lowest
                guard minimum.isFinite else { return nil }
                let j = remaining[lowestIndex]
                if rowOfColumn[j] == -1 { sink = j } else { i = rowOfColumn[j] }
                visitedColumn[j] = true
                remainingCount -= 1
                remaining[lowestIndex] = remaining[remainingCount]
            }
            u[current] += minimum
            for r in 0..<n where visitedRow[r] && r != current { u[r] += minimum - shortest[columnOfRow[r]] }
            for j in 0..<m where visitedColumn[j] { v[j] -= minimum - shortest[j] }
            var j = sink
            while true {
                let r = path[j]
                rowOfColumn[j] = r
                swap(&columnOfRow[r], &j)
                if r == current { break }
            }
        }
        return columnOfRow
    }
}
