// Gating and global-nearest-neighbour association of one scan's measurements to the tracks.
public import TrackingMath

/// One measurement of a scan, ready for association.
public struct ScanMeasurement: Sendable {
    /// z, padded to three elements.
    public var value: MeasurementVector
    /// The ENU position it points at and that position's covariance, when it fixes one.
    public var position: (point: Vector<3>, covariance: Matrix<3, 3>)?
    /// Its index among the scan's detections.
    public var detectionIndex: Int

    /// Creates a measurement.
    public init(value: MeasurementVector, position: (point: Vector<3>, covariance: Matrix<3, 3>)?, detectionIndex: Int) {
        self.value = value
        self.position = position
        self.detectionIndex = detectionIndex
    }
}

/// A track's assignment: the measurement it takes and the measurement prediction used to gate it.
public struct Assignment: Sendable {
    /// Index into the scan's measurements.
    public var measurement: Int
    /// ẑ, S and Pxz for the assigned pair.
    public var prediction: MeasurementPrediction
    /// The pair's Mahalanobis distance.
    public var distance: Double
}

/// Assigns measurements to tracks.
public protocol DataAssociator: Sendable {
    /// For each predicted track state, its assigned measurement, or `nil` when it missed.
    func associate(_ tracks: [GaussianState], _ measurements: [ScanMeasurement], model: any MeasurementModel,
                   updater: any Updater) -> [Assignment?]
}

/// Global nearest neighbour: the joint assignment that minimises the total Mahalanobis distance, with
/// a miss costing the gate, among pairs inside the gate (Stone Soup's `DistanceHypothesiser` with
/// `missed_distance = gate`, followed by `GNNWith2DAssignment`).
///
/// Three stages keep the cost well below tracks × measurements:
/// 1. **Pre-gate.** Measurements that fix a position are sorted by east. A track looks only at those
///    inside a box of half-width ρ = 1.1 g (√tr Pₚ + maxₘ √tr Rₘ) + 1 m around its predicted position,
///    where Pₚ is its position covariance and Rₘ a measurement's position covariance. Since
///    d ≤ g implies |Δp| ≤ g √λmax(Pₚ + Rₘ) ≤ g (√tr Pₚ + √tr Rₘ) for the linearised model, the box
///    never drops a pair the gate would keep; the 10 % and 1 m margins cover the linearisation.
///    Bearings fix no position and are tried against every track.
/// 2. **Gate.** d = √(νᵀ S⁻¹ ν) ≤ g, from the updater's measurement prediction.
/// 3. **Clusters.** Tracks and measurements linked by gated pairs form independent clusters (union-find);
///    each is solved optimally on its own by `solver`, with one private "miss" column per track.
public struct GlobalNearestNeighbourAssociator: DataAssociator {
    /// g: the Mahalanobis gate, and the cost of a miss.
    public let gate: Double
    /// Whether to use the pre-gate (off only to check that it changes nothing).
    public let usesPreGate: Bool
    /// The assignment solver.
    public let solver: any AssignmentSolver

    /// Creates the associator.
    public init(gate: Double, usesPreGate: Bool = true, solver: any AssignmentSolver = JonkerVolgenantAssignmentSolver()) {
        self.gate = gate
        self.usesPreGate = usesPreGate
        self.solver = solver
    }

    /// A gated pair. The measurement prediction is kept once per track (`Gating.predictions`) rather
    /// than in each pair: it is 464 bytes, and each copy of it cost more than the pair's other work.
    private struct Pair {
        var track: Int
        var measurement: Int
        var distance: Double
    }

    /// The gated pairs of a scan and each track's measurement prediction (`nil` for a track with no
    /// candidate measurement, or whose prediction is degenerate).
    private struct Gating {
        var pairs: [Pair] = []
        var predictions: [MeasurementPrediction?] = []
    }

    public func associate(_ tracks: [GaussianState], _ measurements: [ScanMeasurement], model: any MeasurementModel,
                          updater: any Updater) -> [Assignment?] {
        var result = [Assignment?](repeating: nil, count: tracks.count)
        if tracks.isEmpty || measurements.isEmpty { return result }
        let gating = gatedPairs(tracks, measurements, model: model, updater: updater)
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
            for row in 0..<rows { costs[row * columns + columnMeasurements.count + row] = gate }
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

    /// Every (track, measurement) pair inside the gate, in track order, then measurement order.
    private func gatedPairs(_ tracks: [GaussianState], _ measurements: [ScanMeasurement], model: any MeasurementModel,
                            updater: any Updater) -> Gating {
        var gating = Gating()
        gating.predictions.reserveCapacity(tracks.count)
        // Measurements that fix a position, sorted by east; the others are tried against every track.
        var located: [(east: Double, index: Int)] = []
        var unlocated: [Int] = []
        var largestSpread = 0.0
        for (index, m) in measurements.enumerated() {
            if usesPreGate, let position = m.position {
                located.append((position.point[0], index))
                largestSpread = max(largestSpread, position.covariance.trace.squareRoot())
            } else {
                unlocated.append(index)
            }
        }
        located.sort { ($0.east, $0.index) < ($1.east, $1.index) }

        var candidates: [Int] = []
        var prediction = MeasurementPrediction()
        // The tracks' states are read in place rather than copied (336 bytes each).
        tracks.withUnsafeBufferPointer { tracks in
            for t in tracks.indices {
                let track = tracks.baseAddress! + t
                candidates.removeAll(keepingCapacity: true)
                candidates.append(contentsOf: unlocated)
                if !located.isEmpty {
                    let trackSpread = max(0, track.pointee.positionCovarianceTrace).squareRoot()
                    let radius = 1.1 * gate * (trackSpread + largestSpread) + 1
                    let east = track.pointee.mean[0]
                    var lo = 0, hi = located.count
                    while lo < hi {
                        let mid = (lo + hi) / 2
                        if located[mid].east < east - radius { lo = mid + 1 } else { hi = mid }
                    }
                    var k = lo
                    while k < located.count, located[k].east <= east + radius {
                        let p = measurements[located[k].index].position!.point
                        if abs(p[1] - track.pointee.mean[1]) <= radius, abs(p[2] - track.pointee.mean[2]) <= radius {
                            candidates.append(located[k].index)
                        }
                        k += 1
                    }
                    candidates.sort()
                }
                guard !candidates.isEmpty, updater.predictMeasurement(at: track, model: model, into: &prediction) else {
                    gating.predictions.append(nil)
                    continue
                }
                for index in candidates {
                    let innovation = model.residual(measurements[index].value, prediction.mean)
                    let distance = prediction.squaredMahalanobis(innovation).squareRoot()
                    if distance <= gate { gating.pairs.append(Pair(track: t, measurement: index, distance: distance)) }
                }
                gating.predictions.append(prediction)
            }
        }
        return gating
    }
}
