// Detection-level scoring of one sensor: Pd per range bin, false alarms, and measurement error.
import Geodesy
public import TelemetryModel

/// Scores a sensor's detections against drone truth, scan by scan.
///
/// **Truth at a scan.** A drone's true position at scan time t is its truth path interpolated
/// linearly at t (``DetectionLevelSettings/maximumTruthGapSeconds`` bounds the interpolation); the
/// drone is *airborne* at t when that position exists. It is put in the sensor's polar coordinates
/// with plain ENU trigonometry about the scan's sensor position (``PolarMeasurement/init(of:from:)``):
/// with d = p(t) − s,
///
///     r = |d|,   az = atan2(d_E, d_N) (clockwise from north, [0°, 360°)),   el = asin(d_U / r)
///
/// This is the convention of the simulator and of `cuas-scenario/1` files ("site-parallel": the
/// sensor's horizontal plane parallel to the site's). ``SensorFrame`` is not used: it needs the
/// sensor's geodetic position, which scans do not carry, and it differs by about 0.009° per km of
/// the sensor's distance from the site origin.
///
/// **Association.** In each scan, a detection can be a true detection of drone d when it falls in
/// the drone's ``PolarDetectionGate`` (default |Δr| ≤ 3σr, |Δaz| ≤ 3σaz, |Δel| ≤ 3σel with the
/// sensor's sigmas, else 5 m, 0.5°, 0.5°). Each drone takes at most one detection and each detection
/// one drone, nearest (smallest normalised squared distance d²) first, by
/// ``DetectionLevelSettings/assignment``: greedy by default, or an optimal linear assignment. Every
/// airborne drone is a candidate, whatever its range.
///
/// **Trials and Pd.** Each (scan, drone airborne and with true range r ≤ the sensor's
/// `maximumRange`) is one trial; it is a hit when a detection of the scan was associated with the
/// drone. A sensor without a maximum range makes every airborne drone a trial. Trials are binned by
/// r; Pd = hits / trials. The counts are given so that the caller can attach exact Clopper–Pearson
/// intervals (Clopper and Pearson 1934, Biometrika 26(4)).
///
/// **False alarms** are detections associated with no drone (``FalseAlarmTally``): the count, per
/// scan, and per hour of exposure (scans × scan period).
///
/// **Measurement error** per axis over the associated detections, measured − true:
/// ``MeasurementErrorSummary`` (bias and RMSE), azimuth wrapped into [−180°, 180°).
public struct DetectionLevelEvaluator: Sendable {
    /// The rules.
    public let settings: DetectionLevelSettings

    /// Creates an evaluator.
    public init(settings: DetectionLevelSettings = DetectionLevelSettings()) {
        self.settings = settings
    }

    /// Scores every sensor that has scans in `scans` or a description in `sensors`, in sensor-id
    /// order. A sensor's description supplies its sigmas, maximum range and scan rate.
    ///
    /// - Complexity: O(S · (D · K + log n)) for S scans, D drones and K detections per scan, with n
    ///   truth states per drone.
    public func score(scans: [DetectionScan], truth: [TruthPath], sensors: [SensorDescription] = []) -> [SensorDetectionScore] {
        let grouped = Dictionary(grouping: scans, by: \.sensorID)
        var descriptions: [String: SensorDescription] = [:]
        for sensor in sensors { descriptions[sensor.sensorID] = sensor }
        let ids = Set(grouped.keys).union(descriptions.keys).sorted()
        return ids.map { id in
            score(sensorID: id, scans: grouped[id] ?? [], truth: truth, description: descriptions[id])
        }
    }

    /// Scores one sensor's scans; scans of other sensors in `scans` are ignored.
    ///
    /// - Parameters:
    ///   - sensorID: the sensor.
    ///   - scans: its scans, in any order (they are scored in time order).
    ///   - truth: every drone's truth path.
    ///   - description: the sensor's description, for its sigmas, `maximumRange` and `scanRateHz`.
    public func score(sensorID: String, scans: [DetectionScan], truth: [TruthPath],
                      description: SensorDescription? = nil) -> SensorDetectionScore {
        let scans = scans.filter { $0.sensorID == sensorID }
            .enumerated().sorted { ($0.element.time, $0.offset) < ($1.element.time, $1.offset) }.map(\.element)
        let drones = truth.sorted { $0.id < $1.id }
        let gate = settings.gateUsesSensorSigmas
            ? PolarDetectionGate(sensor: description, fallback: settings.gate, sigmaMultiplier: settings.gate.sigmaMultiplier)
            : settings.gate
        let maximumRange = description?.maximumRange.flatMap { $0.isFinite && $0 > 0 ? $0 : nil }
        let maximumGap = Int64((settings.maximumTruthGapSeconds * 1e9).rounded(.toNearestOrEven))
        let edges = settings.rangeBinEdges

        var overall = DetectionTally()
        var bins = zip(edges, edges.dropFirst()).map { RangeBinTally(lowerBound: $0, upperBound: $1) }
        var associations: [DetectionAssociation] = []
        var beyondRange = 0
        var trials: [DetectionTrial] = []
        var falseAlarms = 0
        var detectionCount = 0
        var rangeErrors: [Double] = [], azimuthErrors: [Double] = [], elevationErrors: [Double] = []

        for scan in scans {
            detectionCount += scan.detections.count
            // The airborne drones and their polar truth.
            var present: [(drone: Int, polar: PolarMeasurement)] = []
            for (index, drone) in drones.enumerated() {
                guard let position = drone.linearlyInterpolatedPosition(at: scan.time, maximumGapNanoseconds: maximumGap) else { continue }
                present.append((index, PolarMeasurement(of: position, from: scan.sensorPosition)))
            }
            let pairs = associate(scan.detections, with: present.map(\.polar), gate: gate)
            var hitDrones = Set<Int>()
            var used = Set<Int>()
            for (row, column) in pairs {
                let (droneIndex, polar) = present[row]
                let detection = scan.detections[column]
                hitDrones.insert(row)
                used.insert(column)
                associations.append(DetectionAssociation(time: scan.time, sensorID: sensorID, scanID: scan.scanID,
                                                         droneID: drones[droneIndex].id, detection: detection, truth: polar))
                if let range = detection.range { rangeErrors.append(range - polar.range) }
                azimuthErrors.append(PolarDetectionGate.wrappedDegrees(detection.azimuth - polar.azimuth))
                if let elevation = detection.elevation { elevationErrors.append(elevation - polar.elevation) }
                if let maximumRange, polar.range > maximumRange { beyondRange += 1 }
            }
            falseAlarms += scan.detections.count - used.count
            for (row, entry) in present.enumerated() {
                if let maximumRange, entry.polar.range > maximumRange { continue }
                let hit = hitDrones.contains(row)
                overall.trials += 1
                if hit { overall.hits += 1 }
                trials.append(DetectionTrial(time: scan.time, droneID: drones[entry.drone].id, range: entry.polar.range, hit: hit))
                if let bin = Self.binIndex(of: entry.polar.range, edges: edges) {
                    bins[bin].tally.trials += 1
                    if hit { bins[bin].tally.hits += 1 }
                }
            }
        }

        let tally = FalseAlarmTally(count: falseAlarms, scans: scans.count,
                                    scanPeriodSeconds: Self.scanPeriod(description: description, scans: scans))
        return SensorDetectionScore(sensorID: sensorID, scanCount: scans.count, detectionCount: detectionCount,
                                    maximumRange: maximumRange, gate: gate, overall: overall, rangeBins: bins,
                                    falseAlarms: tally,
                                    rangeError: MeasurementErrorSummary(errors: rangeErrors),
                                    azimuthError: MeasurementErrorSummary(errors: azimuthErrors),
                                    elevationError: MeasurementErrorSummary(errors: elevationErrors),
                                    associations: associations, associationsBeyondMaximumRange: beyondRange, trials: trials)
    }

    /// The (drone row, detection column) pairs of one scan, in drone order.
    func associate(_ detections: [Detection], with truths: [PolarMeasurement], gate: PolarDetectionGate) -> [(row: Int, column: Int)] {
        let rows = truths.count, columns = detections.count
        guard rows > 0, columns > 0 else { return [] }
        var costs = [Double](repeating: .infinity, count: rows * columns)
        for (i, truth) in truths.enumerated() {
            for (j, detection) in detections.enumerated() {
                if let d2 = gate.normalisedSquaredDistance(of: detection, from: truth) { costs[i * columns + j] = d2 }
            }
        }
        switch settings.assignment {
        case .optimal:
            return GatedAssignment.maximumGatedPairs(costs: costs, rows: rows, columns: columns)
        case .greedyNearestFirst:
            var candidates: [(cost: Double, row: Int, column: Int)] = []
            for i in 0..<rows { for j in 0..<columns where costs[i * columns + j].isFinite {
                candidates.append((costs[i * columns + j], i, j))
            } }
            candidates.sort { ($0.cost, $0.row, $0.column) < ($1.cost, $1.row, $1.column) }
            var rowUsed = [Bool](repeating: false, count: rows), columnUsed = [Bool](repeating: false, count: columns)
            var pairs: [(row: Int, column: Int)] = []
            for candidate in candidates where !rowUsed[candidate.row] && !columnUsed[candidate.column] {
                rowUsed[candidate.row] = true
                columnUsed[candidate.column] = true
                pairs.append((candidate.row, candidate.column))
            }
            return pairs.sorted { $0.row < $1.row }
        }
    }

    /// The bin of `range`: i with edgeᵢ ≤ range < edgeᵢ₊₁, the last bin closed; `nil` outside.
    static func binIndex(of range: Double, edges: [Double]) -> Int? {
        guard let first = edges.first, let last = edges.last, range >= first, range <= last else { return nil }
        if range == last { return edges.count - 2 }
        var low = 0, high = edges.count - 1   // edges[low] ≤ range < edges[high]
        while high - low > 1 {
            let middle = (low + high) / 2
            if edges[middle] <= range { low = middle } else { high = middle }
        }
        return low
    }

    /// The scan period: 1 / `scanRateHz` of the description, else the median interval between
    /// consecutive distinct scan times (the mean of the middle two for an even count); `nil` when
    /// neither is available.
    static func scanPeriod(description: SensorDescription?, scans: [DetectionScan]) -> Double? {
        if let rate = description?.scanRateHz, rate.isFinite, rate > 0 { return 1 / rate }
        var intervals: [Int64] = []
        for (a, b) in zip(scans, scans.dropFirst()) where b.time > a.time {
            intervals.append(b.time.nanoseconds(since: a.time))
        }
        guard !intervals.isEmpty else { return nil }
        intervals.sort()
        let n = intervals.count
        let median = n % 2 == 1 ? Double(intervals[n / 2]) : (Double(intervals[n / 2 - 1]) + Double(intervals[n / 2])) / 2
        return median / 1e9
    }
}
