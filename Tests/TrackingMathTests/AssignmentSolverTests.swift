// The linear assignment solver against brute force.
import Testing
import TestSupport
import TrackingMath

@Suite("Linear assignment")
struct AssignmentSolverTests {
    /// The cheapest assignment by trying every one.
    static func bruteForce(_ costs: [Double], rows: Int, columns: Int) -> Double? {
        var best: Double?
        func search(_ row: Int, _ used: Set<Int>, _ total: Double) {
            if row == rows {
                if total.isFinite, best == nil || total < best! { best = total }
                return
            }
            for j in 0..<columns where !used.contains(j) {
                search(row + 1, used.union([j]), total + costs[row * columns + j])
            }
        }
        search(0, [], 0)
        return best
    }

    @Test("Jonker–Volgenant finds the optimum of 400 random rectangular problems, forbidden pairs included")
    func assignmentMatchesBruteForce() throws {
        var rng = SeededGenerator(state: 42)
        let solver = JonkerVolgenantAssignmentSolver()
        for _ in 0..<400 {
            let rows = Int.random(in: 1...5, using: &rng), columns = Int.random(in: rows...6, using: &rng)
            let costs = (0..<(rows * columns)).map { _ in
                Double.random(in: 0..<1, using: &rng) < 0.3 ? Double.infinity : Double(Int.random(in: 0...20, using: &rng)) / 4
            }
            let expected = Self.bruteForce(costs, rows: rows, columns: columns)
            let result = solver.assign(costs: costs, rows: rows, columns: columns)
            guard let expected else {
                #expect(result == nil)
                continue
            }
            let assignment = try #require(result)
            #expect(Set(assignment).count == rows)
            let total = assignment.enumerated().reduce(0.0) { $0 + costs[$1.offset * columns + $1.element] }
            #expect(abs(total - expected) < 1e-12)
        }
    }
}
