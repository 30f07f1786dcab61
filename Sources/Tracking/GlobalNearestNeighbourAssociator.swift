// Global-nearest-neighbour association of one scan's measurements to the tracks.
public import TrackingMath

/// Global nearest neighbour: the joint assignment that minimises the total distance, with a miss
/// costing the hypotheses' missed distance, among the pairs the `hypothesiser` proposes (Stone Soup's
/// `GNNWith2DAssignment`; with a `DistanceHypothesiser`, its `DistanceHypothesiser` with
/// `missed_distance = gate` before it).
///
/// **Clusters.** Tracks and measurements linked by proposed pairs form independent clusters
/// (union-find); each is solved optimally on its own by `solver`, with one private "miss" column per
/// track.
public struct GlobalNearestNeighbourAssociator: DataAssociator {
    /// Proposes the pairs and their distances.
    public let hypothesiser: any Hypothesiser
    /// The assignment solver.
    public let solver: any AssignmentSolver

    /// An associator choosing among `hypothesiser`'s pairs with `solver`.
    public init(hypothesiser: any Hypothesiser, solver: any AssignmentSolver = JonkerVolgenantAssignmentSolver()) {
        self.hypothesiser = hypothesiser
        self.solver = solver
    }

    /// An associator over a `DistanceHypothesiser` with gate `gate`.
    public init(gate: Double, usesPreGate: Bool = true, solver: any AssignmentSolver = JonkerVolgenantAssignmentSolver()) {
        self.init(hypothesiser: DistanceHypothesiser(gate: gate, usesPreGate: usesPreGate), solver: solver)
    }

    public func associate(_ tracks: [GaussianState], _ measurements: [ScanMeasurement], model: any MeasurementModel,
                          updater: any Updater) -> [Assignment?] {
        var result = [Assignment?](repeating: nil, count: tracks.count)
        if tracks.isEmpty || measurements.isEmpty { return result }
        let gating = hypothesiser.hypothesise(tracks, measurements, model: model, updater: updater)
        let pairs = gating.pairs
        if pairs.isEmpty { return result }

        // Clusters: union-find over tracks (0..<T) and measurements (T..<T+M). A union keeps the smaller
        // root, so every cluster's root is its lowest track.
        let trackCount = tracks.count
        var parent = Array(0..<(trackCount + measurements.count))
        func find(_ x: Int) -> Int {
            var x = x
            while parent[x] != x { parent[x] = parent[parent[x]]; x = parent[x] }
            return x
        }
        for pair in pairs {
            let a = find(pair.track), b = find(trackCount + pair.measurement)
            if a != b { parent[max(a, b)] = min(a, b) }
        }
        // The pairs grouped by cluster, clusters in order of their root and pairs in their order: a
        // counting sort on the root (a dictionary of arrays allocated on every scan cost more).
        var start = [Int](repeating: 0, count: trackCount + 1)
        var rootOfPair = [Int](repeating: 0, count: pairs.count)
        for index in pairs.indices {
            let root = find(pairs[index].track)
            rootOfPair[index] = root
            start[root + 1] += 1
        }
        for root in 0..<trackCount { start[root + 1] += start[root] }
        var members = [Int](repeating: 0, count: pairs.count)
        var next = start
        for index in pairs.indices {
            members[next[rootOfPair[index]]] = index
            next[rootOfPair[index]] += 1
        }

        // Each cluster's rows and columns by track and by measurement (−1: not in the cluster), made on
        // the first cluster of more than one pair. Arrays rather than dictionaries: clusters are small,
        // and a run's first dictionary looked up its storage type's conformances at run time (about
        // 0.1 ms, in the middle of a scan).
        var rowOfTrack: [Int] = [], columnOfMeasurement: [Int] = []
        for root in 0..<trackCount where start[root + 1] > start[root] {
            let cluster = members[start[root]..<start[root + 1]]
            if cluster.count == 1 {
                let pair = pairs[cluster.first!]
                result[pair.track] = Assignment(measurement: pair.measurement, prediction: gating.predictions[pair.track]!,
                                                distance: pair.distance)
                continue
            }
            if rowOfTrack.isEmpty {
                rowOfTrack = [Int](repeating: -1, count: trackCount)
                columnOfMeasurement = [Int](repeating: -1, count: measurements.count)
            }
            var rowTracks: [Int] = [], columnMeasurements: [Int] = []
            for index in cluster {
                let pair = pairs[index]
                if rowOfTrack[pair.track] < 0 { rowOfTrack[pair.track] = rowTracks.count; rowTracks.append(pair.track) }
                if columnOfMeasurement[pair.measurement] < 0 {
                    columnOfMeasurement[pair.measurement] = columnMeasurements.count
                    columnMeasurements.append(pair.measurement)
                }
            }
            let rows = rowTracks.count, columns = columnMeasurements.count + rows
            var costs = [Double](repeating: .infinity, count: rows * columns)
            for row in 0..<rows { costs[row * columns + columnMeasurements.count + row] = gating.missedDistance }
            for index in cluster {
                let pair = pairs[index]
                costs[rowOfTrack[pair.track] * columns + columnOfMeasurement[pair.measurement]] = pair.distance
            }
            for track in rowTracks { rowOfTrack[track] = -1 }
            for measurement in columnMeasurements { columnOfMeasurement[measurement] = -1 }
            guard let columnOfRow = solver.assign(costs: costs, rows: rows, columns: columns) else { continue }
            for row in 0..<rows where columnOfRow[row] < columnMeasurements.count {
                let track = rowTracks[row], measurement = columnMeasurements[columnOfRow[row]]
                let index = cluster.first { pairs[$0].track == track && pairs[$0].measurement == measurement }!
                result[track] = Assignment(measurement: measurement, prediction: gating.predictions[track]!,
                                           distance: pairs[index].distance)
            }
        }
        return result
    }
}
