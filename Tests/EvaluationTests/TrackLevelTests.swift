// Track-level scoring on hand-built tracks with known answers: CLEAR-MOT, IDF1, errors, latency, censoring.
import Geodesy
import Testing
import TelemetryModel
@testable import Evaluation

/// Builders for the track-level cases: truth every second over 0 … 60 s, and a 1 s grid over it.
private enum TrackCase {
    static let epoch: Int64 = 1_748_736_000_000_000_000

    static func time(_ seconds: Double) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: epoch + Int64((seconds * 1e9).rounded()))
    }

    static let grid = EvaluationGrid(epoch: time(0), stepSeconds: 1, durationSeconds: 60)

    /// Drone A: east at 10 m/s from (0, 1000, 100). Drone B: east at 10 m/s from (0, −3000, 100).
    static func position(_ drone: String, at t: Double) -> ENUVector {
        switch drone {
        case "A": ENUVector(10 * t, 1000, 100)
        case "B": ENUVector(10 * t, -3000, 100)
        default: ENUVector(5000, 5000, 100)   // C hovers
        }
    }

    static func truth(_ drone: String) -> TruthPath {
        TruthPath(id: drone, states: (0...60).map { s in
            KinematicState(time: time(Double(s)), position: position(drone, at: Double(s)),
                           velocity: drone == "C" ? .zero : ENUVector(10, 0, 0))
        })
    }

    /// A track that follows `drone` exactly (plus `offset`) at the given times.
    static func follow(_ drone: String, _ seconds: [Double], offset: ENUVector = .zero) -> [KinematicState] {
        seconds.map { t in
            KinematicState(time: time(t), position: position(drone, at: t) + offset, velocity: drone == "C" ? .zero : ENUVector(10, 0, 0))
        }
    }

    static func seconds(_ range: ClosedRange<Int>) -> [Double] { range.map(Double.init) }
}

@Suite("Track level")
struct TrackLevelTests {
    private typealias C = TrackCase
    let evaluator = TrackLevelEvaluator()

    @Test("Perfect tracks: MOTA 1, MOTP 0, IDF1 1, zero error and lag, no switch, fragment or false track")
    func perfect() throws {
        let tracks = [TrackPath(id: "1", states: C.follow("A", C.seconds(0...60))),
                      TrackPath(id: "2", states: C.follow("B", C.seconds(0...60)))]
        let score = evaluator.score(truth: [C.truth("B"), C.truth("A")], tracks: tracks, grid: C.grid)
        #expect(score.clearMOT.mota == 1 && score.clearMOT.motp == 0)
        #expect(score.clearMOT.groundTruthCount == 122 && score.clearMOT.matches == 122)
        #expect(score.identity.idf1 == 1 && score.identity.trackOfDrone == ["A": "1", "B": "2"])
        #expect(score.idSwitches == 0 && score.fragmentations == 0 && score.falseTracks.count == 0)
        #expect(score.falseTracks.tracksEvaluated == 2 && score.falseTracks.perHour == 0)
        let error = try #require(score.positionError)
        #expect(error.count == 122 && error.rmse3D == 0 && error.cep50 == 0 && error.percentile95_3D == 0)
        let latency = try #require(score.latency)
        #expect(latency.lagSeconds == 0 && latency.rmsAtLag == 0 && latency.sampleCount == 2 * 57)   // t ∈ [2, 58] s
        #expect(score.drones.map(\.droneID) == ["A", "B"])
        let a = score.drones[0]
        #expect(a.framesPresent == 61 && a.framesTracked == 61 && a.trackSegments == 1 && a.trackedFraction == 1)
        let first = try #require(a.firstConfirmedTrack)
        #expect(first.time == C.time(0) && first.source == "1" && abs(first.range - (1000.0 * 1000 + 100 * 100).squareRoot()) < 1e-9)
        #expect(score.frames.count == 61 && score.frames[0].matches.map(\.trackID) == ["1", "2"])
    }

    @Test("A drone's track id changing once is one ID switch and one fragmentation")
    func swappedID() {
        let tracks = [TrackPath(id: "1", states: C.follow("A", C.seconds(0...29))),
                      TrackPath(id: "2", states: C.follow("A", C.seconds(30...60)))]
        let score = evaluator.score(truth: [C.truth("A")], tracks: tracks, grid: C.grid)
        #expect(score.idSwitches == 1 && score.clearMOT.idSwitches == 1 && score.fragmentations == 1)
        #expect(score.drones[0].trackSegments == 2)
        #expect(score.clearMOT.mota == 1 - 1.0 / 61)
        // IDF1 pairs A with the longer track "2" (31 frames) of 61 truth and 61 track frames.
        #expect(score.identity.idtp == 31 && score.identity.trackOfDrone == ["A": "2"])
        #expect(score.identity.idf1 == 62.0 / 122)
        #expect(score.frames[30].matches.first?.isSwitch == true && score.frames[29].matches.first?.isSwitch == false)
        #expect(score.drones[0].firstConfirmedTrack?.source == "1" && score.falseTracks.count == 0)
    }

    @Test("Two tracks exchanging their drones: a switch for each drone")
    func exchangedIDs() {
        let tracks = [TrackPath(id: "1", states: C.follow("A", C.seconds(0...29)) + C.follow("B", C.seconds(30...60))),
                      TrackPath(id: "2", states: C.follow("B", C.seconds(0...29)) + C.follow("A", C.seconds(30...60)))]
        let score = evaluator.score(truth: [C.truth("A"), C.truth("B")], tracks: tracks, grid: C.grid)
        #expect(score.idSwitches == 2 && score.fragmentations == 2)
        #expect(score.clearMOT.mota == 1 - 2.0 / 122 && score.clearMOT.falsePositives == 0)
        #expect(score.identity.idtp == 62 && score.identity.idf1 == 124.0 / 244)
    }

    @Test("A constant lag: the latency search finds it, and the error is the lag times the speed")
    func constantLag() throws {
        // Records every 0.5 s at t, placed where the drone was at t − 0.3 s: 3 m behind at 10 m/s.
        let times = (0...120).map { Double($0) / 2 }
        let states = times.map { t in
            KinematicState(time: C.time(t), position: C.position("A", at: t - 0.3), velocity: ENUVector(10, 0, 0))
        }
        let score = evaluator.score(truth: [C.truth("A")], tracks: [TrackPath(id: "7", states: states)], grid: C.grid)
        let latency = try #require(score.latency)
        #expect(abs(latency.lagSeconds - 0.3) < 1e-12 && latency.rmsAtLag < 1e-9)
        #expect(abs(try #require(latency.rmsAtZeroLag) - 3) < 1e-9)
        let error = try #require(score.positionError)
        #expect(abs(error.bias.x + 3) < 1e-9 && abs(error.horizontalRMSE - 3) < 1e-9 && abs(error.cep50 - 3) < 1e-9)
        #expect(abs(error.verticalRMSE) < 1e-9)
    }

    @Test("A lead is a negative lag")
    func lead() throws {
        let states = C.seconds(0...60).map { t in
            KinematicState(time: C.time(t), position: C.position("A", at: t + 1.25), velocity: ENUVector(10, 0, 0))
        }
        let score = evaluator.score(truth: [C.truth("A")], tracks: [TrackPath(id: "7", states: states)], grid: C.grid)
        #expect(abs(try #require(score.latency).lagSeconds + 1.25) < 1e-12)
    }

    @Test("A constant offset: horizontal 5 m, vertical 12 m, 3-D 13 m, CEP50 5 m")
    func constantOffset() throws {
        let track = TrackPath(id: "1", states: C.follow("A", C.seconds(0...60), offset: ENUVector(3, 4, 12)))
        let score = evaluator.score(truth: [C.truth("A")], tracks: [track], grid: C.grid)
        let error = try #require(score.positionError)
        #expect(error.count == 61)
        #expect(abs(error.bias.x - 3) < 1e-9 && abs(error.bias.y - 4) < 1e-9 && abs(error.bias.z - 12) < 1e-9)
        #expect(abs(error.horizontalRMSE - 5) < 1e-9 && abs(error.verticalRMSE - 12) < 1e-9 && abs(error.rmse3D - 13) < 1e-9)
        #expect(abs(error.cep50 - 5) < 1e-9 && abs(error.horizontalPercentile95 - 5) < 1e-9 && abs(error.verticalPercentile95 - 12) < 1e-9)
        #expect(abs(try #require(score.clearMOT.motp) - 13) < 1e-9 && score.clearMOT.mota == 1)
        #expect(abs(try #require(score.drones[0].positionError).rmse3D - 13) < 1e-9)
    }

    @Test("Percentiles interpolate between order statistics; CEP50 is the median horizontal error")
    func percentiles() throws {
        let summary = try #require(PositionErrorSummary(errors: (0...10).map { ENUVector(0, Double($0), 0) }))
        #expect(summary.cep50 == 5 && abs(summary.horizontalPercentile95 - 9.5) < 1e-12 && summary.verticalPercentile95 == 0)
        #expect(abs(summary.horizontalRMSE - 35.0.squareRoot()) < 1e-12)
        #expect(PositionErrorSummary(errors: []) == nil)
    }

    @Test("A drone never detected or tracked is kept, censored; the first detection is the earliest of all sensors")
    func censoredAndFirstDetection() throws {
        let detections = [(5.0, "radar-1"), (3.0, "rf-1"), (3.0, "radar-2")].map { t, sensor in
            DetectionAssociation(time: C.time(t), sensorID: sensor, scanID: 0, droneID: "A",
                                 detection: Detection(time: C.time(t), sensorID: sensor, scanID: 0, range: nil, azimuth: 0, elevation: nil),
                                 truth: PolarMeasurement(range: 0, azimuth: 0, elevation: 0))
        }
        let track = TrackPath(id: "1", states: C.follow("A", C.seconds(4...60)))
        let score = evaluator.score(truth: [C.truth("C"), C.truth("A")], tracks: [track], grid: C.grid, detections: detections,
                                    rangeReferences: [.zero, ENUVector(0, 1000, 0)])
        #expect(score.drones.map(\.droneID) == ["A", "C"])
        let a = score.drones[0], c = score.drones[1]
        let detected = try #require(a.firstDetection)
        #expect(detected.time == C.time(3) && detected.source == "radar-2")                    // ties: sensor id order
        #expect(abs(detected.range - (30.0 * 30 + 100 * 100).squareRoot()) < 1e-9)            // from (0, 1000, 0)
        let tracked = try #require(a.firstConfirmedTrack)
        #expect(tracked.time == C.time(4) && abs(tracked.range - (40.0 * 40 + 100 * 100).squareRoot()) < 1e-9)
        #expect(c.firstDetection == nil && c.firstConfirmedTrack == nil && c.positionError == nil)
        #expect(c.lastTruthTime == C.time(60) && c.framesPresent == 61 && c.framesTracked == 0 && c.trackSegments == 0)
        #expect(c.fragmentations == 0 && c.trackedFraction == 0)
        #expect(score.clearMOT.misses == 4 + 61 && score.clearMOT.mota == 1 - 65.0 / 122)
    }

    @Test("False tracks: mostly unassociated; the rate is per hour of the evaluated interval")
    func falseTracks() {
        let ghost = TrackPath(id: "ghost", states: C.seconds(0...60).map { t in KinematicState(time: C.time(t), position: ENUVector(-5000, -5000, 500)) })
        // 20 records on A, then 10 far away: a third unassociated, so not false.
        let partial = TrackPath(id: "partial", states: C.follow("A", C.seconds(0...19)) + C.follow("A", C.seconds(20...29), offset: ENUVector(0, 500, 0)))
        // Entirely after the grid: not evaluated.
        let late = TrackPath(id: "late", states: C.follow("A", C.seconds(100...110)))
        let score = evaluator.score(truth: [C.truth("A")], tracks: [partial, late, ghost], grid: C.grid)
        #expect(score.falseTracks.falseTrackIDs == ["ghost"] && score.falseTracks.tracksEvaluated == 2)
        #expect(score.falseTracks.exposureSeconds == 60 && abs((score.falseTracks.perHour ?? 0) - 60) < 1e-9)
        #expect(score.drones[0].framesTracked == 20 && score.clearMOT.falsePositives == 61 + 10)
        // A stricter rule (a track is false only when never associated) keeps the same verdicts here.
        let strict = TrackLevelEvaluator(settings: TrackLevelSettings(falseTrackUnassociatedFraction: 1))
            .score(truth: [C.truth("A")], tracks: [partial, ghost], grid: C.grid)
        #expect(strict.falseTracks.falseTrackIDs == ["ghost"])
        let lax = TrackLevelEvaluator(settings: TrackLevelSettings(falseTrackUnassociatedFraction: 0.3))
            .score(truth: [C.truth("A")], tracks: [partial, ghost], grid: C.grid)
        #expect(lax.falseTracks.falseTrackIDs == ["ghost", "partial"])
    }

    @Test("A gap in the same track is a fragmentation, not a switch; the 2 s hold bridges part of it")
    func gapSameTrack() {
        let track = TrackPath(id: "1", states: C.follow("A", C.seconds(0...20) + C.seconds(31...60)))
        let score = evaluator.score(truth: [C.truth("A")], tracks: [track], grid: C.grid)
        // Frames 21 and 22 are held (2 s at most); 23 … 30 are missed.
        #expect(score.clearMOT.misses == 8 && score.idSwitches == 0 && score.fragmentations == 1)
        #expect(score.clearMOT.mota == 1 - 8.0 / 61 && score.drones[0].trackSegments == 2)
    }

    @Test("A new track after a gap is a switch: the last correspondence persists across missed frames")
    func switchAcrossGap() {
        let tracks = [TrackPath(id: "1", states: C.follow("A", C.seconds(0...20))),
                      TrackPath(id: "2", states: C.follow("A", C.seconds(31...60)))]
        let score = evaluator.score(truth: [C.truth("A")], tracks: tracks, grid: C.grid)
        // A track is not held past its last record: frames 21 … 30 are missed.
        #expect(score.clearMOT.misses == 10 && score.idSwitches == 1 && score.fragmentations == 1)
        #expect(score.clearMOT.mota == 1 - 11.0 / 61)
    }

    @Test("Beyond the threshold a track is a false positive and the drone a miss")
    func threshold() {
        let near = TrackPath(id: "1", states: C.follow("A", C.seconds(0...60), offset: ENUVector(0, 49.9, 0)))
        let far = TrackPath(id: "1", states: C.follow("A", C.seconds(0...60), offset: ENUVector(0, 50.1, 0)))
        let inside = evaluator.score(truth: [C.truth("A")], tracks: [near], grid: C.grid)
        let outside = evaluator.score(truth: [C.truth("A")], tracks: [far], grid: C.grid)
        #expect(inside.clearMOT.mota == 1 && inside.identity.idf1 == 1 && inside.falseTracks.count == 0)
        #expect(outside.clearMOT.mota == -1 && outside.identity.idf1 == 0 && outside.falseTracks.count == 1)
        #expect(outside.positionError == nil && outside.latency == nil && outside.drones[0].firstConfirmedTrack == nil)
    }

    @Test("Nothing to score gives no figures, not made-up ones")
    func empty() {
        let none = evaluator.score(truth: [], tracks: [], grid: C.grid)
        #expect(none.clearMOT.mota == nil && none.clearMOT.motp == nil && none.identity.idf1 == nil)
        #expect(none.positionError == nil && none.latency == nil && none.drones.isEmpty && none.falseTracks.perHour == 0)
        let noTracks = evaluator.score(truth: [C.truth("A")], tracks: [], grid: C.grid)
        #expect(noTracks.clearMOT.mota == 0 && noTracks.identity.idf1 == 0 && noTracks.drones[0].firstConfirmedTrack == nil)
    }

    @Test("Gated pairing: the most pairs, then the least total cost (against brute force)")
    func gatedPairing() {
        var state: UInt64 = 0x1234_5678
        func next() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Double(state >> 11) / Double(1 << 53)
        }
        for _ in 0..<200 {
            let rows = 1 + Int(next() * 4), columns = 1 + Int(next() * 4)
            let costs = (0..<(rows * columns)).map { _ in next() < 0.4 ? Double.infinity : (next() * 10).rounded() }
            let pairs = GatedAssignment.maximumGatedPairs(costs: costs, rows: rows, columns: columns)
            #expect(Set(pairs.map(\.row)).count == pairs.count && Set(pairs.map(\.column)).count == pairs.count)
            let total = pairs.reduce(0.0) { $0 + costs[$1.row * columns + $1.column] }
            // Brute force: the best (count, −cost) over every partial injection.
            var best = (count: 0, cost: 0.0)
            func search(_ row: Int, _ used: Set<Int>, _ count: Int, _ cost: Double) {
                if row == rows {
                    if count > best.count || (count == best.count && cost < best.cost) { best = (count, cost) }
                    return
                }
                search(row + 1, used, count, cost)
                for j in 0..<columns where !used.contains(j) && costs[row * columns + j].isFinite {
                    search(row + 1, used.union([j]), count + 1, cost + costs[row * columns + j])
                }
            }
            search(0, [], 0, 0)
            #expect(pairs.count == best.count && abs(total - best.cost) < 1e-9)
        }
    }
}
