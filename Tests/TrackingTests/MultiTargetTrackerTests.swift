// The whole tracker: initiation, association, deletion, bad input, the pre-gate and determinism.
import Testing
import Foundation
import TelemetryModel
import TestSupport
@testable import Tracking
import TrackingMath

@Suite("Multi-target tracker")
struct MultiTargetTrackerTests {
    static let crossing = SyntheticRun(seed: 3, duration: 90, radars: [ENUVector(0, 0, 10), ENUVector(1800, -600, 15)], clutter: 4, paths: [
        straight(from: ENUVector(-1500, -200, 120), velocity: ENUVector(25, 5, 0)),
        straight(from: ENUVector(1500, -200, 150), velocity: ENUVector(-25, 5, 0)),
        circle(center: ENUVector(0, 1500, 200), radius: 300, speed: 15),
    ])

    @Test("Three drones, two radars, clutter: three tracks, each confirmed on its 3rd hit, each staying on its drone")
    func tracksCrossingTargets() throws {
        let run = Self.crossing
        let (_, tracker, steps) = run.trackLines()
        #expect(tracker.statistics.confirmed == 3)
        #expect(tracker.statistics.deleted.isEmpty)
        // Which drone each track follows, decided on its first report and never changing.
        var owner: [Int: Int] = [:]
        var worst = 0.0
        for (index, step) in steps.enumerated() where index >= 10 {
            for track in step.tracks {
                let errors = run.truth[index].map { distance($0, track.state.position) }
                let nearest = errors.indices.min { errors[$0] < errors[$1] }!
                if let previous = owner[track.trackID] { #expect(previous == nearest, "track \(track.trackID) swapped drones") }
                owner[track.trackID] = nearest
                worst = max(worst, errors[nearest])
            }
            #expect(step.tracks.count <= 3)
        }
        #expect(Set(owner.values) == [0, 1, 2])
        #expect(worst < 80)
        #expect(tracker.statistics.detectionsUsed == tracker.statistics.detectionsReceived)
    }

    @Test("The same input gives byte-identical output, and the pre-gate changes nothing")
    func determinismAndPreGate() {
        let run = SyntheticRun(seed: 5, duration: 60, clutter: 25, paths: (0..<8).map { i in
            straight(from: ENUVector(Double(i) * 150 - 600, -1000, 100), velocity: ENUVector(0, 20, Double(i % 3) - 1))
        })
        let first = run.trackLines().lines
        #expect(first == run.trackLines().lines)
        var unGated = TrackerSettings()
        unGated.association.preGate = false
        #expect(first == run.trackLines(unGated).lines)
        #expect(first.count > 8 * 40)
        var cv = TrackerSettings()
        cv.motion.model = .cv
        cv.filter.kind = .ukf
        cv.filter.covarianceUpdate = .joseph
        let (_, tracker, _) = run.trackLines(cv)
        #expect(tracker.statistics.confirmed >= 8)
    }

    /// A hypothesiser that proposes nothing: every track misses.
    struct NoHypotheses: Hypothesiser {
        func hypothesise(_ tracks: [GaussianState], _ measurements: [ScanMeasurement], model: any MeasurementModel,
                         updater: any Updater) -> Hypotheses {
            var hypotheses = Hypotheses(missedDistance: 4)
            hypotheses.predictions = Array(repeating: nil, count: tracks.count)
            return hypotheses
        }
    }

    @Test("The tracker runs the components it is given: the defaults reproduce it, and each role can be replaced")
    func injectedComponents() {
        let run = Self.crossing
        let settings = TrackerSettings()
        var given = MultiTargetTracker(settings: settings, components: TrackerComponents(settings: settings), sensors: run.sensors)
        var lines: [String] = []
        for scan in run.scans { lines += given.process(scan)?.tracks.map { $0.json(epoch: nil) } ?? [] }
        #expect(lines == run.trackLines().lines)

        // An initiator that drops every tentative track: nothing is confirmed.
        struct DropAll: Initiator { func review(_ counters: TrackStatusCounters) -> InitiationDecision { .drop } }
        var components = TrackerComponents(settings: settings)
        components.initiator = DropAll()
        var tracker = MultiTargetTracker(settings: settings, components: components, sensors: run.sensors)
        for scan in run.scans { _ = tracker.process(scan) }
        #expect(tracker.statistics.confirmed == 0 && tracker.statistics.tentativeStarted > 100)
        #expect(tracker.statistics.tentativeDropped + tracker.trackCounts.tentative == tracker.statistics.tentativeStarted)

        // A hypothesiser that proposes no pair for confirmed tracks: they coast from their first step
        // and end after 3 × 2 misses, so the drones are confirmed again and again.
        components = TrackerComponents(settings: settings)
        components.associator = GlobalNearestNeighbourAssociator(hypothesiser: NoHypotheses())
        tracker = MultiTargetTracker(settings: settings, components: components, sensors: run.sensors)
        for scan in run.scans { _ = tracker.process(scan) }
        #expect(tracker.statistics.updates == 0 && tracker.statistics.confirmed > 20)
        #expect(tracker.statistics.deleted[.missedScans, default: 0] + tracker.trackCounts.confirmed == tracker.statistics.confirmed)

        // A deleter that ends every confirmed track at once.
        struct EndAll: Deleter {
            func deletionReason(counters: TrackStatusCounters, state: GaussianState, sensorCount: Int) -> TrackDeletionReason? { .missedScans }
        }
        components = TrackerComponents(settings: settings)
        components.deleter = EndAll()
        tracker = MultiTargetTracker(settings: settings, components: components, sensors: run.sensors)
        var reported = 0
        for scan in run.scans { reported += tracker.process(scan)?.tracks.count ?? 0 }
        #expect(tracker.statistics.deleted[.missedScans] == tracker.statistics.confirmed && reported == tracker.statistics.confirmed)
    }

    @Test("The distance hypothesiser's pre-gate proposes exactly the pairs the gate alone does")
    func hypothesiserPreGate() {
        let run = SyntheticRun(seed: 9, duration: 20, clutter: 40, paths: (0..<6).map { i in
            straight(from: ENUVector(Double(i) * 200 - 600, -800, 100), velocity: ENUVector(0, 15, 0))
        })
        let model = run.sensors[0].model, updater = ExtendedKalmanUpdater()
        let measurements = run.scans.last!.detections.enumerated().compactMap { index, detection -> ScanMeasurement? in
            guard case .success(let z) = model.measurement(of: detection, maximumRange: 1e5) else { return nil }
            return ScanMeasurement(value: z, position: model.positionEstimate(of: z).map { ($0.position, $0.covariance) }, detectionIndex: index)
        }
        let states = (0..<6).map { i in
            GaussianState(mean: StateVector([Double(i) * 200 - 600, -800 + 15 * 19, 100, 0, 15, 0]),
                          covariance: StateCovariance(diagonal: [400, 400, 100, 25, 25, 4]))
        }
        // Six predicted tracks on the drones (Pd 0.9 may have missed one), forty clutter plots about.
        let boxed = DistanceHypothesiser(gate: 4).hypothesise(states, measurements, model: model, updater: updater)
        let plain = DistanceHypothesiser(gate: 4, usesPreGate: false).hypothesise(states, measurements, model: model, updater: updater)
        #expect(boxed.pairs == plain.pairs, "\(boxed.pairs.count) vs \(plain.pairs.count)")
        #expect(boxed.pairs.count >= 4 && boxed.missedDistance == 4, "\(boxed.pairs)")
        #expect(boxed.pairs.allSatisfy { $0.distance <= 4 })
    }

    @Test("Scan times anywhere in Int64, as a sender may stamp them, never trap: intervals saturate")
    func extremeTimes() {
        let radar = TrackerSensor(id: "r", model: testRadar)
        let sites = (0..<3).map { ENUVector(Double($0) * 1500 - 1500, Double($0 % 2) * 1800, 10) }
        let finders = sites.enumerated().map { TrackerSensor(id: "d\($0.offset)", model: BearingMeasurementModel(sensorPosition: $0.element,
                                                                                                             sigmaAzimuthDegrees: 2)) }
        var tracker = MultiTargetTracker(settings: TrackerSettings(), sensors: [radar] + finders)
        let targets = (0..<3).map { k in ENUVector(600 + 100 * Double(k), 800, 100) }
        // Three scans a nanosecond apart confirm the tracks; then from .min + 3 to .max / 2 is more than
        // Int64 holds: the prediction's interval, a coasting track's age, a waiting line's age and a
        // track line's t_rel from an epoch at .min all overflow unless they saturate.
        let times: [Int64] = [.min + 1, .min + 2, .min + 3, .max / 2, .max - 1, .max]
        var lines = 0
        for (step, nanoseconds) in times.enumerated() {
            let time = Timestamp(nanosecondsSinceEpoch: nanoseconds)
            for (sensor, site) in [("r", ENUVector(0, 0, 10))] + zip(["d0", "d1", "d2"], sites).map({ ($0, $1) }) {
                let detections = targets.map { target in
                    let polar = PolarMeasurementFromSite(target, site)
                    return Detection(time: time, sensorID: sensor, scanID: UInt64(step), range: sensor == "r" ? polar.range : nil,
                                     azimuth: polar.azimuth, elevation: sensor == "r" ? polar.elevation : nil)
                }
                let result = tracker.process(SensorScan(time: time, sensorID: sensor, scanID: UInt64(step), detections: detections))
                for track in result?.tracks ?? [] {
                    _ = track.json(epoch: Timestamp(nanosecondsSinceEpoch: .min))
                    lines += 1
                }
            }
        }
        #expect(tracker.statistics.scansProcessed == times.count * 4)
        #expect(tracker.statistics.confirmed >= 3 && lines > 3, "\(tracker.statistics)")
    }

    @Test("Bad measurements, unknown sensors and time going backwards are counted, skipped and never reach a filter")
    func badInput() {
        let run = Self.crossing
        let clean = run.trackLines().lines
        var tracker = MultiTargetTracker(settings: TrackerSettings(), sensors: run.sensors)
        var lines: [String] = []
        for (index, scan) in run.scans.enumerated() {
            var dirty = scan
            if index % 7 == 3 {
                func bad(range: Double?, azimuth: Double, elevation: Double?) -> Detection {
                    Detection(time: scan.time, sensorID: scan.sensorID, scanID: scan.scanID, range: range, azimuth: azimuth, elevation: elevation)
                }
                dirty.detections.insert(contentsOf: [
                    bad(range: .nan, azimuth: 10, elevation: 1), bad(range: 500, azimuth: .infinity, elevation: 1),
                    bad(range: 500, azimuth: 400, elevation: 1), bad(range: 500, azimuth: 10, elevation: 95),
                    bad(range: -5, azimuth: 10, elevation: 1), bad(range: 2e6, azimuth: 10, elevation: 1),
                    bad(range: nil, azimuth: 10, elevation: 1),
                ], at: 0)
            }
            if let step = tracker.process(dirty) { lines.append(contentsOf: step.tracks.map { $0.json(epoch: nil) }) }
            if index % 11 == 5 {
                // A stray scan from nowhere, and a late one from the past.
                #expect(tracker.process(SensorScan(time: scan.time, sensorID: "ghost", scanID: 0, detections: scan.detections)) == nil)
                #expect(tracker.process(SensorScan(time: Timestamp(nanosecondsSinceEpoch: scan.time.nanosecondsSinceEpoch - 1),
                                                   sensorID: scan.sensorID, scanID: 0, detections: scan.detections)) == nil)
            }
        }
        // Filtering the bad detections out of the measurements before the scan changed nothing:
        // the output is identical to the clean run's, byte for byte.
        #expect(lines == clean)
        let s = tracker.statistics
        let injected = (run.scans.count + 3) / 7
        #expect(s.detectionsRejected[.nonFinite] == 2 * injected)
        #expect(s.detectionsRejected[.outOfRange] == 4 * injected)
        #expect(s.detectionsRejected[.missingField] == injected)
        let strays = (run.scans.count + 5) / 11
        #expect(s.scansRejected[.unknownSensor] == strays && s.scansRejected[.timeBackwards] == strays)
        #expect(s.nonFiniteUpdates == 0)
    }

    @Test("M-of-N: confirmed on the M-th hit within N steps, dropped after the misses or the window")
    func mOfN() {
        let initiator = MOfNInitiator(hits: 3, window: 5, maximumMisses: 2)
        func decide(_ pattern: [Bool]) -> InitiationDecision {
            var counters = TrackStatusCounters()
            var decision = InitiationDecision.keep
            for hit in pattern {
                counters.record(hit: hit)
                decision = initiator.review(counters)
                if decision != .keep { break }
            }
            return decision
        }
        #expect(decide([true, true, true]) == .confirm)
        #expect(decide([true, false, true, false, true]) == .confirm)
        #expect(decide([true, false, false]) == .drop)
        #expect(decide([true, true]) == .keep)
        #expect(MOfNInitiator(hits: 3, window: 4, maximumMisses: 3).review({
            var c = TrackStatusCounters()
            for hit in [true, false, true, false] { c.record(hit: hit) }
            return c
        }()) == .drop)
    }

    @Test("A confirmed track is deleted after missed-scans-per-sensor × sensors consecutive misses")
    func deletionAfterMisses() {
        // One drone seen for 20 s by two radars, then gone: 3 × 2 = 6 missed steps delete its track.
        let run = SyntheticRun(seed: 9, duration: 30, radars: [ENUVector(0, 0, 10), ENUVector(1800, -600, 15)], pd: 1, clutter: 0, paths: [
            { t in t < 20 ? ENUVector(500 + 10 * t, 800, 100) : ENUVector(1e6, 1e6, 1e6) },
        ])
        var tracker = MultiTargetTracker(settings: TrackerSettings(), sensors: run.sensors)
        var lastReported = 0
        for (index, scan) in run.scans.enumerated() {
            let detections = scan.detections.filter { ($0.range ?? 0) < 1e5 }
            _ = tracker.process(SensorScan(time: scan.time, sensorID: scan.sensorID, scanID: scan.scanID, detections: detections))
            if tracker.trackCounts.confirmed > 0 { lastReported = index }
        }
        #expect(tracker.statistics.deleted[.missedScans] == 1)
        // Steps 0..<40 see the drone; the track survives misses 1–5 and is deleted on the 6th (step 45).
        #expect(lastReported == 44)
    }

    @Test("Coasted steps are written within coasted_window_s of the last update, all of them with report_coasted, none with a 0 s window")
    func coastedOutputWindow() {
        // One drone seen for 20 s by two radars, then gone: its track coasts for 5 steps, then ends.
        let run = SyntheticRun(seed: 9, duration: 30, radars: [ENUVector(0, 0, 10), ENUVector(1800, -600, 15)], pd: 1, clutter: 0, paths: [
            { t in t < 20 ? ENUVector(500 + 10 * t, 800, 100) : ENUVector(1e6, 1e6, 1e6) },
        ])
        func coastedAges(_ configure: (inout TrackerSettings) -> Void) -> [Double] {
            var settings = TrackerSettings()
            configure(&settings)
            var tracker = MultiTargetTracker(settings: settings, sensors: run.sensors)
            var lastUpdate: [Int: Timestamp] = [:]
            var ages: [Double] = []
            for scan in run.scans {
                let detections = scan.detections.filter { ($0.range ?? 0) < 1e5 }
                guard let step = tracker.process(SensorScan(time: scan.time, sensorID: scan.sensorID, scanID: scan.scanID,
                                                            detections: detections)) else { continue }
                for track in step.tracks {
                    if track.updated {
                        lastUpdate[track.trackID] = track.time
                    } else {
                        ages.append(Double(track.time.nanosecondsSinceEpoch - lastUpdate[track.trackID]!.nanosecondsSinceEpoch) / 1e9)
                    }
                }
            }
            return ages
        }
        let window = coastedAges { _ in }
        #expect(!window.isEmpty && window.allSatisfy { $0 > 0 && $0 <= 0.7 })
        let all = coastedAges { $0.output.reportCoasted = true }
        #expect(all.count == 5 && all.count > window.count && all.max()! > 1)
        #expect(coastedAges { $0.output.coastedWindowSeconds = 0 }.isEmpty)
    }

    @Test("Scan assembly: headers with streamed detections, batched scans, headerless detections, cut-short scans")
    func scanAssembly() {
        var assembler = ScanAssembler()
        let t = Timestamp(nanosecondsSinceEpoch: 5_000_000_000)
        func detection(_ sensor: String, _ scan: UInt64) -> TelemetryRecord {
            .detection(Detection(time: t, sensorID: sensor, scanID: scan, range: 100, azimuth: 1, elevation: 1))
        }
        #expect(assembler.add(.scan(ScanReport(time: t, sensorID: "a", scanID: 1, detectionCount: 2))).isEmpty)
        #expect(assembler.add(detection("a", 1)).isEmpty)
        let done = assembler.add(detection("a", 1))
        #expect(done.count == 1 && done[0].detections.count == 2)
        #expect(assembler.add(.scan(ScanReport(time: t, sensorID: "b", scanID: 1, detectionCount: 0))).count == 1)
        let batched = ScanReport(time: t, sensorID: "c", scanID: 4, detectionCount: 1,
                                 detections: [Detection(time: t, sensorID: "c", scanID: 4, range: 1, azimuth: 1, elevation: 1)])
        #expect(assembler.add(.scan(batched)).first?.detections.count == 1)
        // Headerless: released when the sensor's next scan starts, or at the end.
        #expect(assembler.add(detection("d", 7)).isEmpty)
        #expect(assembler.add(detection("d", 7)).isEmpty)
        let next = assembler.add(detection("d", 8))
        #expect(next.count == 1 && next[0].scanID == 7 && next[0].detections.count == 2)
        // Cut short: a header for 3, one detection, then the next header.
        _ = assembler.add(.scan(ScanReport(time: t, sensorID: "e", scanID: 1, detectionCount: 3)))
        _ = assembler.add(detection("e", 1))
        let cut = assembler.add(.scan(ScanReport(time: t, sensorID: "e", scanID: 2, detectionCount: 1)))
        #expect(cut.count == 1 && cut[0].detections.count == 1 && assembler.incompleteScans == 1)
        let rest = assembler.finish()
        #expect(rest.map(\.sensorID) == ["d", "e"])
        #expect(assembler.incompleteScans == 2)
        // A later scan from another sensor ends a scan still short of its count: one lost detection
        // does not hold it back behind later scans.
        _ = assembler.add(.scan(ScanReport(time: t, sensorID: "f", scanID: 1, detectionCount: 2)))
        _ = assembler.add(detection("f", 1))
        let later = Timestamp(nanosecondsSinceEpoch: t.nanosecondsSinceEpoch + 500_000_000)
        let ended = assembler.add(.scan(ScanReport(time: later, sensorID: "g", scanID: 1, detectionCount: 0)))
        #expect(ended.map(\.sensorID) == ["f", "g"] && assembler.incompleteScans == 3)
    }
}
