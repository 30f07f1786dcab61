// OSPA, GOSPA, resampling, track-to-truth association and SIAP on cases worked by hand.
import Foundation
import Testing
import TelemetryModel
@testable import Evaluation

/// t seconds after a round epoch.
private func at(_ seconds: Double) -> Timestamp {
    Timestamp(nanosecondsSinceEpoch: 1_748_736_000_000_000_000 + Int64((seconds * 1e9).rounded()))
}

private func point(_ x: Double, _ y: Double = 0, _ z: Double = 0) -> ENUVector { ENUVector(x, y, z) }

/// A path along east at `speed` m/s from `x0`, sampled every second over `seconds`, `offset` metres north.
private func line(_ seconds: ClosedRange<Int>, x0: Double = 0, speed: Double = 10, north offset: Double = 0) -> [KinematicState] {
    seconds.map { s in
        KinematicState(time: at(Double(s)), position: point(x0 + speed * Double(s), offset, 100), velocity: point(speed, 0, 0))
    }
}

@Suite("OSPA and GOSPA")
struct OSPAGOSPATests {
    let ospa = OSPAMetric()
    let gospa = GOSPAMetric()

    @Test("Two empty sets are 0 apart")
    func empty() {
        #expect(ospa.distance(tracks: [], truths: []) == 0)
        #expect(gospa.score(tracks: [], truths: []) == GOSPAScore(distance: 0, localisation: 0, missed: 0, falseTracks: 0))
    }

    @Test("With no tracks, OSPA is c and GOSPA is c^p/2 per missed object")
    func noTracks() {
        #expect(ospa.distance(tracks: [], truths: [point(0), point(50)]) == 100)
        #expect(gospa.score(tracks: [], truths: [point(0), point(50)]) == GOSPAScore(distance: 100, localisation: 0, missed: 2, falseTracks: 0))
        #expect(gospa.score(tracks: [point(7)], truths: []) == GOSPAScore(distance: 50, localisation: 0, missed: 0, falseTracks: 1))
    }

    @Test("One truth missed: OSPA (5 + 100)/2, GOSPA 5 + 50")
    func oneMissed() {
        let truths = [point(0), point(10)], tracks = [point(3, 4)]
        #expect(abs(ospa.distance(tracks: tracks, truths: truths) - 52.5) < 1e-12)
        let g = gospa.score(tracks: tracks, truths: truths)
        #expect(abs(g.distance - 55) < 1e-12 && abs(g.localisation - 5) < 1e-12 && g.missed == 1 && g.falseTracks == 0)
    }

    @Test("Beyond the cut-off a pair costs c: OSPA 100, GOSPA one missed and one false")
    func cutOff() {
        #expect(ospa.distance(tracks: [point(300)], truths: [point(0)]) == 100)
        #expect(gospa.score(tracks: [point(300)], truths: [point(0)]) == GOSPAScore(distance: 100, localisation: 0, missed: 1, falseTracks: 1))
        let small = OSPAMetric(cutoff: 20)
        #expect(small.distance(tracks: [point(30), point(1)], truths: [point(0)]) == 10.5)  // (1 + 20) / 2
    }

    @Test("The optimal assignment, not the nearest first")
    func optimalAssignment() {
        // Nearest pair first (6–4 at 2, then 0–12 at 12) totals 14; the optimum 0–4 and 6–12 totals 10.
        let truths = [point(0), point(6)], tracks = [point(4), point(12)]
        #expect(abs(ospa.distance(tracks: tracks, truths: truths) - 5) < 1e-12)
        let crossed = [point(5), point(1)]
        #expect(abs(ospa.distance(tracks: crossed, truths: [point(0), point(6)]) - 1) < 1e-12)
    }

    @Test("Order p = 2")
    func orderTwo() {
        let truths = [point(0), point(100)], tracks = [point(3, 4)]
        #expect(abs(OSPAMetric(order: 2).distance(tracks: tracks, truths: truths) - (5012.5).squareRoot()) < 1e-9)
        let g = GOSPAMetric(order: 2).score(tracks: tracks, truths: truths)
        #expect(abs(g.distance - (5025.0).squareRoot()) < 1e-9 && abs(g.localisation - 25) < 1e-12 && g.missed == 1)
    }

    @Test("p = 2 follows the paper: the assignment minimises Σ dᵖ, not Σ d as Stone Soup 1.9.1's")
    func orderTwoAssignment() {
        // Truths t1 = (0, 0) and t2 at 6 m from the origin and 10 m from (6, 0); tracks k1 = (0, 0), k2 = (6, 0).
        // t1–k1, t2–k2: Σ d = 10, Σ d² = 100.   t1–k2, t2–k1: Σ d = 12, Σ d² = 72.
        let t2 = point(-7.0 / 3, (275.0).squareRoot() / 3)
        let ospa = OSPAMetric(order: 2).distance(tracks: [point(0), point(6)], truths: [point(0), t2])
        #expect(abs(ospa - 6) < 1e-9)  // √(72 / 2); Stone Soup's assignment gives √(100 / 2) ≈ 7.07
    }
}

@Suite("Resampling onto the truth grid")
struct ResamplingTests {
    @Test("The grid runs from the epoch every step through the duration")
    func grid() {
        let grid = EvaluationGrid(epoch: at(0), stepSeconds: 0.5, durationSeconds: 30)
        #expect(grid.times.count == 61 && grid.times.first == at(0) && grid.times.last == at(30) && grid.stepSeconds == 0.5)
        #expect(EvaluationGrid(epoch: at(0), stepSeconds: 0.4, durationSeconds: 1).times == [at(0), at(0.4), at(0.8)])
    }

    @Test("The latest state is moved forward with its velocity, only within the first and last state")
    func heldForward() {
        let grid = EvaluationGrid(epoch: at(0), stepSeconds: 0.5, durationSeconds: 2)
        let track = TrackPath(id: "7", states: [
            KinematicState(time: at(0.3), position: point(0), velocity: point(10)),
            KinematicState(time: at(1.2), position: point(20), velocity: point(-10)),
        ])
        let held = HeldTrackResampler().resample(track, onto: grid)
        #expect(held.states.map(\.time) == [at(0.5), at(1.0)])
        #expect(abs(held.states[0].position.x - 2) < 1e-12 && abs(held.states[1].position.x - 7) < 1e-12)
        #expect(held.states[1].velocity == point(10))
    }

    @Test("A state more than 2 s old stands for nothing; a track without velocity is held in place")
    func maximumAge() {
        let grid = EvaluationGrid(epoch: at(0), stepSeconds: 1, durationSeconds: 6)
        let track = TrackPath(id: "a", states: [KinematicState(time: at(0), position: point(1)),
                                                KinematicState(time: at(5), position: point(9))])
        let held = HeldTrackResampler().resample(track, onto: grid)
        #expect(held.states.map(\.time) == [at(0), at(1), at(2), at(5)])
        #expect(held.states[2].position == point(1) && held.states[2].velocity == nil)
        #expect(HeldTrackResampler(maximumAgeSeconds: 0.999).resample(track, onto: grid).states.map(\.time) == [at(0), at(5)])
    }

    @Test("Of two records with the same time the last one counts")
    func duplicateTimes() {
        let grid = EvaluationGrid(epoch: at(0), stepSeconds: 1, durationSeconds: 1)
        let track = TrackPath(id: "d", states: [KinematicState(time: at(1), position: point(5)),
                                                KinematicState(time: at(0), position: point(1)),
                                                KinematicState(time: at(1), position: point(6))])
        #expect(track.states.map(\.position.x) == [1, 6])
        #expect(HeldTrackResampler().resample(track, onto: grid).states.map(\.position.x) == [1, 6])
    }

    @Test("Grid-aligned resampling keeps only the states on the grid")
    func gridAligned() {
        let grid = EvaluationGrid(epoch: at(0), stepSeconds: 0.5, durationSeconds: 2)
        let track = TrackPath(id: "g", states: [0.3, 0.5, 1.7, 2.0].map { KinematicState(time: at($0), position: point($0)) })
        #expect(GridAlignedTrackResampler().resample(track, onto: grid).states.map(\.time) == [at(0.5), at(2.0)])
    }
}

@Suite("Track-to-truth association and SIAP")
struct SIAPTests {
    let grid = EvaluationGrid(epoch: at(0), stepSeconds: 1, durationSeconds: 9)

    @Test("A perfect track: completeness 1, ambiguity 1, spuriousness 0, errors 0, one segment")
    func perfect() throws {
        let truth = TruthPath(id: "1", states: line(0...9))
        let scores = TrackScorer().score(truths: [truth], tracks: [TrackPath(id: "t", states: line(0...9))], grid: grid)
        let siap = scores.siap
        #expect(siap.completeness == 1 && siap.ambiguity == 1 && siap.spuriousness == 0)
        #expect(siap.positionAccuracy == 0 && siap.velocityAccuracy == 0)
        #expect(siap.rateOfTrackNumberChange == 0 && siap.longestTrackSegment == 1)
        #expect(scores.ospaMean == 0 && scores.gospaMean == 0 && scores.steps.count == 10)
        let association = try #require(scores.associations.first)
        #expect(association.intervals == [at(0)...at(9)])
    }

    @Test("A late track: the association starts at the first of three pairs in a row")
    func lateStart() throws {
        let truth = TruthPath(id: "1", states: line(0...9))
        let track = TrackPath(id: "t", states: line(2...9, north: 30))
        let scores = TrackScorer().score(truths: [truth], tracks: [track], grid: grid)
        #expect(try #require(scores.associations.first).intervals == [at(2)...at(9)])
        let siap = scores.siap
        #expect(siap.completeness == 0.8 && siap.spuriousness == 0 && siap.ambiguity == 1)
        #expect(abs(siap.positionAccuracy - 30) < 1e-12)
        #expect(abs(siap.longestTrackSegment - 7.0 / 9) < 1e-12)
        // OSPA: 100 at t = 0 and 1 (no track), 30 after; GOSPA: 50, then 30.
        let ospaMean = try #require(scores.ospaMean), gospaMean = try #require(scores.gospaMean)
        let expectedOSPA: Double = (2 * 100 + 8 * 30) / 10, expectedGOSPA: Double = (2 * 50 + 8 * 30) / 10
        #expect(abs(ospaMean - expectedOSPA) < 1e-12)
        #expect(abs(gospaMean - expectedGOSPA) < 1e-12)
        #expect(abs(try #require(scores.gospaMissedMean) - 0.2) < 1e-12)
    }

    @Test("A hand-over between two tracks: one track-number change over 8 s tracked")
    func handOver() {
        let truth = TruthPath(id: "1", states: line(0...9))
        let tracks = [TrackPath(id: "a", states: line(0...4)), TrackPath(id: "b", states: line(5...9))]
        let scores = TrackScorer().score(truths: [truth], tracks: tracks, grid: grid)
        #expect(scores.associations.map(\.intervals) == [[at(0)...at(4)], [at(5)...at(9)]])
        #expect(scores.siap.completeness == 1)
        #expect(abs(scores.siap.rateOfTrackNumberChange - 1.0 / 8) < 1e-12)
        #expect(abs(scores.siap.longestTrackSegment - 4.0 / 9) < 1e-12)
    }

    @Test("A false track far away counts as spurious and in GOSPA's false term")
    func falseTrack() throws {
        let truth = TruthPath(id: "1", states: line(0...9))
        let tracks = [TrackPath(id: "a", states: line(0...9)), TrackPath(id: "ghost", states: line(0...9, north: 1000))]
        let scores = TrackScorer().score(truths: [truth], tracks: tracks, grid: grid)
        #expect(scores.siap.spuriousness == 0.5 && scores.siap.completeness == 1)
        #expect(try #require(scores.gospaFalseMean) == 1 && scores.gospaMean == 50 && scores.ospaMean == 50)
    }

    @Test("The nearest truth must be strictly inside the threshold")
    func threshold() {
        let truth = TruthPath(id: "1", states: line(0...9))
        let scorer = TrackScorer()
        #expect(scorer.score(truths: [truth], tracks: [TrackPath(id: "x", states: line(0...9, north: 50))], grid: grid).associations.isEmpty)
        #expect(scorer.score(truths: [truth], tracks: [TrackPath(id: "x", states: line(0...9, north: 49.9))], grid: grid).associations.count == 1)
    }

    @Test("Swapped ids: each track is associated with one truth, then the other")
    func swap() {
        let truths = [TruthPath(id: "1", states: line(0...9)), TruthPath(id: "2", states: line(0...9, north: 200))]
        let a = Array(line(0...4)) + line(5...9, north: 200), b = Array(line(0...4, north: 200)) + line(5...9)
        let scores = TrackScorer().score(truths: truths, tracks: [TrackPath(id: "a", states: a), TrackPath(id: "b", states: b)], grid: grid)
        // a: truth 1 over [0, 4]; misses at 5 and 6 end it, and truth 2 is confirmed at 7 from 5.
        #expect(scores.associations.map { [$0.track, $0.truth] } == [[0, 0], [0, 1], [1, 0], [1, 1]])
        #expect(scores.associations.map(\.intervals) == [[at(0)...at(4)], [at(5)...at(9)], [at(5)...at(9)], [at(0)...at(4)]])
        #expect(scores.siap.completeness == 1 && scores.siap.ambiguity == 1)
        #expect(abs(scores.siap.rateOfTrackNumberChange - 2.0 / 16) < 1e-12)
    }

    @Test("A gap in a track inside its association counts as not tracked, where Stone Soup stops")
    func gapInsideAssociation() throws {
        let truth = TruthPath(id: "1", states: line(0...9))
        let track = TrackPath(id: "t", states: line(0...2) + line(6...9))  // 4 s without a report
        let scores = TrackScorer().score(truths: [truth], tracks: [track], grid: grid)
        #expect(try #require(scores.associations.first).intervals == [at(0)...at(9)])
        // Grid times 3 and 4 are held (≤ 2 s), 5 is not.
        #expect(scores.siap.atTimes.map(\.associatedTruths) == [1, 1, 1, 1, 1, 0, 1, 1, 1, 1])
        #expect(scores.siap.completeness == 0.9 && scores.siap.spuriousness == 0 && scores.siap.longestTrackSegment == 1)
    }

    @Test("Without a velocity in the tracks, velocity accuracy is undefined")
    func noVelocity() {
        let truth = TruthPath(id: "1", states: line(0...9))
        let states = line(0...9).map { KinematicState(time: $0.time, position: $0.position) }
        let scores = TrackScorer().score(truths: [truth], tracks: [TrackPath(id: "t", states: states)], grid: grid)
        #expect(scores.siap.velocityAccuracy == nil && scores.siap.atTimes.allSatisfy { $0.velocityAccuracy == nil })
        #expect(scores.siap.positionAccuracy == 0)
    }

    @Test("Percentiles interpolate between order statistics as numpy's")
    func percentiles() {
        #expect(percentile([1, 2, 3, 4], 50) == 2.5)
        #expect(abs(percentile([0, 10, 20, 30, 40], 95)! - 38) < 1e-12)
        #expect(percentile([], 50) == nil && mean([]) == nil)
    }
}
