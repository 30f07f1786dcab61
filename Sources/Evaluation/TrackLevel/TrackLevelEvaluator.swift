// Track-level scoring of one run: first contacts, position error, latency, false tracks, CLEAR-MOT and IDF1.
public import TelemetryModel
public import TrackingMath

/// Scores any system's tracks against drone truth.
///
/// Truth is interpolated linearly between a drone's states (``TrackLevelSettings/maximumTruthGapSeconds``
/// bounds the interpolation); a drone is *present* at a time when that position exists. Only the
/// evaluated interval, the grid's first to last time, is scored. Two associations are made, each
/// for the metrics it suits:
///
/// **Record association** (first confirmed track, position error, latency, false tracks). Track
/// records are grouped by time; at each record time t the records are paired one-to-one with the
/// drones present at t, each pair within ``TrackLevelSettings/associationGate`` (default 50 m) of the
/// drone's truth at t: the most pairs, and of those the smallest total distance (a linear
/// assignment, Jonker and Volgenant 1987, on the shared ``JonkerVolgenantAssignmentSolver``). A
/// drone's *first confirmed track* is its first associated record (a tracker reports confirmed
/// tracks only). Position error is track − truth at the record time (``PositionErrorSummary``);
/// latency is in ``LatencyEstimate``; false tracks in ``FalseTrackTally``.
///
/// **Frame matching** (CLEAR-MOT, ID switches, fragmentation, IDF1), on the evaluation grid with the
/// tracks resampled onto it by ``resampler`` (by default the Stone Soup scorer's convention: the
/// latest state at most 2 s old, moved forward with its velocity). In each frame, as Bernardin and
/// Stiefelhagen (2008) prescribe and py-motmetrics implements:
/// 1. a drone's last matched track (from any earlier frame) is kept if it is present and within the
///    threshold T (``TrackLevelSettings/matchThreshold``, default 50 m, inclusive);
/// 2. the drones and tracks left are matched by a linear assignment: the most pairs within T, then
///    the smallest total distance;
/// 3. a step-2 match of a drone whose last matched track was another one is an ID switch
///    (a mismatch, mme); the last match persists across frames in which the drone is missed.
///
/// A drone's *track segments* are the maximal runs of its consecutive present frames matched with
/// one and the same track; a missed frame or another track ends a segment. Its fragmentations are
/// segments − 1 (the interruptions of its tracked history, as Li, Huang and Nevatia's "Frag", CVPR
/// 2009). IDF1 (``IdentityScore``) counts a true positive when a paired track is within T of its drone
/// in a frame.
///
/// **First detection** is the earliest of the drone's ``DetectionAssociation``s given (all sensors,
/// not restricted to the interval; ties go to the sensor id that sorts first). Ranges are 3-D
/// distances from the drone's true position to the nearest of the caller's reference points (the
/// site origin by default; the sensors' positions for range from the nearest sensor).
public struct TrackLevelEvaluator: Sendable {
    /// The rules.
    public let settings: TrackLevelSettings
    /// How tracks are put on the grid for frame matching.
    public let resampler: any TrackResampler
    /// The assignment solver.
    public let solver: any AssignmentSolver

    /// Creates an evaluator.
    public init(settings: TrackLevelSettings = TrackLevelSettings(),
                resampler: any TrackResampler = HeldTrackResampler(),
                solver: any AssignmentSolver = JonkerVolgenantAssignmentSolver()) {
        self.settings = settings
        self.resampler = resampler
        self.solver = solver
    }

    /// Scores `tracks` against `truth` over `grid`.
    ///
    /// - Parameters:
    ///   - truth: every drone's path; each gets an entry in the result, scored or censored.
    ///   - tracks: the tracks, any system's; ids should be unique.
    ///   - grid: the evaluation grid (the truth time grid); its span is the evaluated interval.
    ///   - detections: detection-level associations, for the first detections; none by default.
    ///   - rangeReferences: the points ranges are measured from, nearest first (default: the origin).
    /// - Precondition: `rangeReferences` is not empty.
    /// - Complexity: O(R · log R + F · (D + M) · log s) plus one assignment per record time and per
    ///   frame, for R records, F frames, D drones, M tracks and s states per path, and
    ///   O(R · L) for the latency search over L lags.
    public func score(truth: [TruthPath], tracks: [TrackPath], grid: EvaluationGrid,
                      detections: [DetectionAssociation] = [], rangeReferences: [ENUVector] = [.zero]) -> TrackLevelScore {
        precondition(!rangeReferences.isEmpty, "give at least one range reference point")
        let drones = truth.sorted { $0.id < $1.id }
        let tracks = tracks.sorted { $0.id < $1.id }
        let interval = grid.times.first.flatMap { first in grid.times.last.map { first...$0 } }
        let maximumGap = Int64((settings.maximumTruthGapSeconds * 1e9).rounded(.toNearestOrEven))

        let records = associateRecords(drones: drones, tracks: tracks, interval: interval, maximumGap: maximumGap)
        let frames = matchFrames(drones: drones, tracks: tracks, grid: grid, maximumGap: maximumGap)

        func range(of drone: TruthPath, at time: Timestamp) -> Double? {
            guard let p = drone.linearlyInterpolatedPosition(at: time, maximumGapNanoseconds: maximumGap) else { return nil }
            return rangeReferences.map { reference in
                let d = p - reference
                return (d * d).sum().squareRoot()
            }.min()
        }
        let detectionsByDrone = Dictionary(grouping: detections, by: \.droneID)

        var droneScores: [DroneTrackScore] = []
        var allErrors: [ENUVector] = []
        for (index, drone) in drones.enumerated() {
            var firstDetection: FirstContact?
            for association in (detectionsByDrone[drone.id] ?? []).sorted(by: { ($0.time, $0.sensorID) < ($1.time, $1.sensorID) }) {
                if let r = range(of: drone, at: association.time) {
                    firstDetection = FirstContact(time: association.time, range: r, source: association.sensorID)
                    break
                }
            }
            let firstTrack = records.firstRecord[index].flatMap { first in
                range(of: drone, at: first.time).map { FirstContact(time: first.time, range: $0, source: tracks[first.track].id) }
            }
            allErrors += records.errors[index]
            var droneScore = DroneTrackScore(
                droneID: drone.id, firstTruthTime: drone.states.first?.time, lastTruthTime: drone.states.last?.time,
                firstDetection: firstDetection, firstConfirmedTrack: firstTrack,
                positionError: PositionErrorSummary(errors: records.errors[index]),
                framesPresent: frames.present[index], framesTracked: frames.tracked[index],
                trackSegments: frames.segments[index], idSwitches: frames.switches[index])
            droneScore.positionErrors = records.errors[index]
            droneScores.append(droneScore)
        }

        let threshold = settings.falseTrackUnassociatedFraction
        var falseIDs: [String] = []
        var evaluatedTracks = 0
        for (index, track) in tracks.enumerated() where records.recordCount[index] > 0 {
            evaluatedTracks += 1
            let unassociated = Double(records.recordCount[index] - records.associatedCount[index]) / Double(records.recordCount[index])
            if unassociated >= threshold { falseIDs.append(track.id) }
        }
        let exposure = interval.map { $0.upperBound.seconds(since: $0.lowerBound) } ?? 0

        return TrackLevelScore(
            interval: interval, drones: droneScores, positionError: PositionErrorSummary(errors: allErrors),
            latency: estimateLatency(samples: records.samples, drones: drones, maximumGap: maximumGap),
            falseTracks: FalseTrackTally(tracksEvaluated: evaluatedTracks, falseTrackIDs: falseIDs.sorted(), exposureSeconds: exposure),
            clearMOT: frames.clearMOT, identity: frames.identity, frames: frames.frames)
    }
}

/// The outcome of the record association (indices into the sorted drones and tracks).
struct RecordAssociationOutcome {
    /// A drone's first associated record.
    var firstRecord: [(time: Timestamp, track: Int)?]
    /// Per drone, track − truth of each associated record, in time order.
    var errors: [[ENUVector]]
    /// Per track, records in the interval.
    var recordCount: [Int]
    /// Per track, records associated with a drone.
    var associatedCount: [Int]
    /// Every associated record, for the latency search.
    var samples: [(drone: Int, time: Timestamp, position: ENUVector)]
}

extension TrackLevelEvaluator {
    /// Pairs track records with drones at each record time (see the type's documentation).
    func associateRecords(drones: [TruthPath], tracks: [TrackPath], interval: ClosedRange<Timestamp>?,
                          maximumGap: Int64) -> RecordAssociationOutcome {
        var outcome = RecordAssociationOutcome(
            firstRecord: Array(repeating: nil, count: drones.count), errors: Array(repeating: [], count: drones.count),
            recordCount: Array(repeating: 0, count: tracks.count), associatedCount: Array(repeating: 0, count: tracks.count),
            samples: [])
        guard let interval else { return outcome }
        var byTime: [Timestamp: [(track: Int, position: ENUVector)]] = [:]
        for (index, track) in tracks.enumerated() {
            for state in track.states where interval.contains(state.time) {
                byTime[state.time, default: []].append((index, state.position))
                outcome.recordCount[index] += 1
            }
        }
        let gate = settings.associationGate
        for time in byTime.keys.sorted() {
            let records = byTime[time]!
            var present: [(drone: Int, position: ENUVector)] = []
            for (index, drone) in drones.enumerated() {
                if let p = drone.linearlyInterpolatedPosition(at: time, maximumGapNanoseconds: maximumGap) { present.append((index, p)) }
            }
            guard !present.isEmpty else { continue }
            var costs = [Double](repeating: .infinity, count: present.count * records.count)
            for (i, truth) in present.enumerated() {
                for (j, record) in records.enumerated() {
                    let d = record.position - truth.position
                    let distance = (d * d).sum().squareRoot()
                    if distance <= gate { costs[i * records.count + j] = distance }
                }
            }
            for (row, column) in GatedAssignment.maximumGatedPairs(costs: costs, rows: present.count, columns: records.count, solver: solver) {
                let drone = present[row].drone, record = records[column]
                outcome.associatedCount[record.track] += 1
                outcome.errors[drone].append(record.position - present[row].position)
                outcome.samples.append((drone, time, record.position))
                if outcome.firstRecord[drone] == nil { outcome.firstRecord[drone] = (time, record.track) }
            }
        }
        return outcome
    }
}
