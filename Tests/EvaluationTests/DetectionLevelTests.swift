// Detection-level scoring on hand-built scans with known answers: Pd per bin, false alarms, errors.
import Foundation
import Geodesy
import Testing
import TelemetryModel
@testable import Evaluation

/// Builders for the detection-level cases: a sensor at the origin, 1 Hz scans, truth every second.
private enum DetectionCase {
    static let epoch: Int64 = 1_748_736_000_000_000_000

    static func time(_ seconds: Double) -> Timestamp {
        Timestamp(nanosecondsSinceEpoch: epoch + Int64((seconds * 1e9).rounded()))
    }

    /// A drone flying east at `speed` m/s from `start`, truth every second over `seconds`.
    static func eastbound(_ id: String, from start: ENUVector, speed: Double, seconds: ClosedRange<Int>) -> TruthPath {
        TruthPath(id: id, states: seconds.map { s in
            KinematicState(time: time(Double(s)), position: start + ENUVector(speed * Double(s - seconds.lowerBound), 0, 0),
                           velocity: ENUVector(speed, 0, 0))
        })
    }

    /// A detection at `polar`, optionally perturbed.
    static func detection(_ polar: PolarMeasurement, at seconds: Double, sensor: String = "radar-1",
                          dr: Double = 0, daz: Double = 0, del: Double = 0) -> Detection {
        var azimuth = (polar.azimuth + daz).truncatingRemainder(dividingBy: 360)
        if azimuth < 0 { azimuth += 360 }
        return Detection(time: time(seconds), sensorID: sensor, scanID: UInt64(seconds), range: polar.range + dr,
                         azimuth: azimuth, elevation: polar.elevation + del)
    }

    static func polar(_ position: ENUVector, from sensor: ENUVector = .zero) -> PolarMeasurement {
        PolarMeasurement(of: position, from: sensor)
    }

    static func scan(_ seconds: Double, _ detections: [Detection], sensor: String = "radar-1", at position: ENUVector = .zero) -> DetectionScan {
        DetectionScan(time: time(seconds), sensorID: sensor, scanID: UInt64(seconds), sensorPosition: position, detections: detections)
    }

    static let radar = SensorDescription(sensorID: "radar-1", kind: "radar", scanRateHz: 1,
                                         sigmaRange: 5, sigmaAzimuth: 0.5, sigmaElevation: 0.5, maximumRange: 6000)
}

@Suite("Detection level")
struct DetectionLevelTests {
    private typealias C = DetectionCase
    let evaluator = DetectionLevelEvaluator()

    @Test("Perfect detections: every trial a hit, in the right range bins, no false alarm, zero error")
    func perfect() throws {
        // Range x = 100 + 100 t for t = 0 … 70: 100 m to 7100 m; the radar sees to 6000 m.
        let drone = C.eastbound("d1", from: ENUVector(100, 0, 0), speed: 100, seconds: 0...70)
        let scans = (0...70).map { s in C.scan(Double(s), [C.detection(C.polar(drone.states[s].position), at: Double(s))]) }
        let score = evaluator.score(sensorID: "radar-1", scans: scans, truth: [drone], description: C.radar)
        #expect(score.scanCount == 71 && score.detectionCount == 71)
        #expect(score.overall == DetectionTally(hits: 60, trials: 60))   // x ≤ 6000 m: t ≤ 59
        #expect(score.associationsBeyondMaximumRange == 11)              // associated, but no trial
        #expect(score.rangeBins.map(\.tally.trials) == [4, 5, 10, 10, 20, 11])
        #expect(score.rangeBins.map(\.tally.hits) == [4, 5, 10, 10, 20, 11])
        #expect(score.rangeBins.map(\.lowerBound) == [0, 500, 1000, 2000, 3000, 5000])
        #expect(score.rangeBins.last?.tally.detectionProbability == 1)
        #expect(score.falseAlarms.count == 0 && score.falseAlarms.perHour == 0)
        let range = try #require(score.rangeError), azimuth = try #require(score.azimuthError)
        #expect(range.count == 71 && abs(range.bias) < 1e-9 && abs(range.rmse) < 1e-9)
        let elevation = try #require(score.elevationError)
        #expect(abs(azimuth.rmse) < 1e-9 && abs(elevation.rmse) < 1e-9)
        #expect(score.associations.count == 71 && score.associations.allSatisfy { $0.droneID == "d1" })
    }

    @Test("A detection outside the gate is a false alarm, and the drone's trial a miss")
    func outsideGate() {
        let drone = C.eastbound("d1", from: ENUVector(1000, 0, 100), speed: 10, seconds: 0...2)
        let p = C.polar(drone.states[1].position)
        // σr = 5 m, k = 3: 14.9 m is in the gate, 15.5 m is out.
        let scans = [C.scan(0, [C.detection(C.polar(drone.states[0].position), at: 0, dr: 14.9)]),
                     C.scan(1, [C.detection(p, at: 1, dr: 15.5)]),
                     C.scan(2, [C.detection(C.polar(drone.states[2].position), at: 2, daz: 1.6)])]   // 3σaz = 1.5°
        let score = evaluator.score(sensorID: "radar-1", scans: scans, truth: [drone], description: C.radar)
        #expect(score.overall == DetectionTally(hits: 1, trials: 3))
        #expect(score.falseAlarms.count == 2)
        #expect(score.falseAlarms.scanPeriodSeconds == 1 && score.falseAlarms.exposureSeconds == 3)
        #expect(score.falseAlarms.perScan == 2.0 / 3 && score.falseAlarms.perHour == 2400)
    }

    @Test("Bias and RMSE per axis, with the azimuth error wrapped across north")
    func measurementError() throws {
        // Due north of the sensor, so the true azimuth is 0° (or 360°): a reported 359.8° is −0.2°.
        let drone = TruthPath(id: "d1", states: (0...3).map { s in
            KinematicState(time: C.time(Double(s)), position: ENUVector(0, 2000, 200))
        })
        let p = C.polar(drone.states[0].position)
        let offsets: [(dr: Double, daz: Double, del: Double)] = [(2, -0.2, 0.1), (4, 0.2, 0.1), (2, -0.2, 0.1), (4, 0.2, 0.1)]
        let scans = offsets.enumerated().map { s, o in
            C.scan(Double(s), [C.detection(p, at: Double(s), dr: o.dr, daz: o.daz, del: o.del)])
        }
        #expect(scans[0].detections[0].azimuth > 359)
        let score = evaluator.score(sensorID: "radar-1", scans: scans, truth: [drone], description: C.radar)
        #expect(score.overall.hits == 4 && score.falseAlarms.count == 0)
        let range = try #require(score.rangeError), azimuth = try #require(score.azimuthError)
        let elevation = try #require(score.elevationError)
        #expect(abs(range.bias - 3) < 1e-9 && abs(range.rmse - 10.0.squareRoot()) < 1e-9 && abs(range.standardDeviation - 1) < 1e-9)
        #expect(abs(azimuth.bias) < 1e-9 && abs(azimuth.rmse - 0.2) < 1e-9)
        #expect(abs(elevation.bias - 0.1) < 1e-9 && abs(elevation.rmse - 0.1) < 1e-9)
    }

    @Test("One detection per drone: the nearer of two is the hit, the other a false alarm")
    func nearestFirst() throws {
        let drone = C.eastbound("d1", from: ENUVector(3000, 0, 100), speed: 0, seconds: 0...1)
        let p = C.polar(drone.states[0].position)
        let scans = [C.scan(0, [C.detection(p, at: 0, dr: 8), C.detection(p, at: 0, dr: -3)])]
        let score = evaluator.score(sensorID: "radar-1", scans: scans, truth: [drone], description: C.radar)
        #expect(score.overall == DetectionTally(hits: 1, trials: 1) && score.falseAlarms.count == 1)
        #expect(abs(try #require(score.rangeError).bias + 3) < 1e-9)
    }

    @Test("Greedy nearest-first can leave a pair the optimal assignment makes")
    func greedyAgainstOptimal() {
        // Two drones at azimuth 10° and 11° (σaz 0.5°, gate ±1.5°); detections at 10.9° and 12.2°. Greedy takes
        // B–10.9° (0.1°) first, and 12.2° is out of A's gate; the optimal pairing is A–10.9°, B–12.2°.
        func at(_ azimuth: Double) -> ENUVector {
            let a = azimuth * .pi / 180
            return ENUVector(4000 * sin(a), 4000 * cos(a), 0)
        }
        let a = TruthPath(id: "A", states: [KinematicState(time: C.time(0), position: at(10))])
        let b = TruthPath(id: "B", states: [KinematicState(time: C.time(0), position: at(11))])
        let detections = [C.detection(C.polar(at(10.9)), at: 0), C.detection(C.polar(at(12.2)), at: 0)]
        let greedy = evaluator.score(sensorID: "radar-1", scans: [C.scan(0, detections)], truth: [a, b], description: C.radar)
        #expect(greedy.overall == DetectionTally(hits: 1, trials: 2) && greedy.falseAlarms.count == 1)
        #expect(greedy.associations.map(\.droneID) == ["B"])
        let optimal = DetectionLevelEvaluator(settings: DetectionLevelSettings(assignment: .optimal))
            .score(sensorID: "radar-1", scans: [C.scan(0, detections)], truth: [a, b], description: C.radar)
        #expect(optimal.overall == DetectionTally(hits: 2, trials: 2) && optimal.falseAlarms.count == 0)
        #expect(optimal.associations.map(\.droneID) == ["A", "B"])
    }

    @Test("No trial before take-off or across a long truth gap; a detection then is a false alarm")
    func airborneOnlyPerTruth() {
        // Truth at 2 s and 3 s, then again from 20 s: nothing at 0 s, and the 3 s → 20 s gap exceeds 5 s.
        let states = [2, 3, 20, 21].map { s in KinematicState(time: C.time(Double(s)), position: ENUVector(500, 500, 50)) }
        let drone = TruthPath(id: "d1", states: states)
        let p = C.polar(ENUVector(500, 500, 50))
        let scans = [0, 2, 2.5, 10, 20].map { s in C.scan(s, [C.detection(p, at: s)]) }
        let score = evaluator.score(sensorID: "radar-1", scans: scans, truth: [drone], description: C.radar)
        #expect(score.overall == DetectionTally(hits: 3, trials: 3))   // 2 s, 2.5 s (interpolated), 20 s
        #expect(score.falseAlarms.count == 2)
    }

    @Test("Truth is interpolated linearly to the scan time")
    func interpolation() throws {
        let drone = C.eastbound("d1", from: ENUVector(1000, 0, 0), speed: 20, seconds: 0...1)   // 1000 m → 1020 m
        let score = evaluator.score(sensorID: "radar-1",
                                    scans: [C.scan(0.25, [C.detection(C.polar(ENUVector(1005, 0, 0)), at: 0.25)])],
                                    truth: [drone], description: C.radar)
        let association = try #require(score.associations.first)
        let range = try #require(score.rangeError)
        #expect(abs(association.truth.range - 1005) < 1e-9 && abs(range.rmse) < 1e-9)
    }

    @Test("A bearing-only sensor is gated and scored on azimuth alone")
    func bearingOnly() throws {
        let rf = SensorDescription(sensorID: "rf-1", kind: "rf", measures: .azimuth, sigmaAzimuth: 2, maximumRange: 10000)
        let drone = C.eastbound("d1", from: ENUVector(3000, 3000, 100), speed: 0, seconds: 0...1)
        let bearing = C.polar(drone.states[0].position, from: ENUVector(0, 0, 5)).azimuth
        let scans = [DetectionScan(time: C.time(0), sensorID: "rf-1", sensorPosition: ENUVector(0, 0, 5), detections: [
            Detection(time: C.time(0), sensorID: "rf-1", scanID: 0, range: nil, azimuth: bearing + 5.5, elevation: nil),   // in 3 · 2°
            Detection(time: C.time(0), sensorID: "rf-1", scanID: 0, range: nil, azimuth: bearing + 90, elevation: nil),
        ])]
        let score = evaluator.score(sensorID: "rf-1", scans: scans, truth: [drone], description: rf)
        #expect(score.overall == DetectionTally(hits: 1, trials: 1) && score.falseAlarms.count == 1)
        #expect(score.rangeError == nil && score.elevationError == nil)
        #expect(abs(try #require(score.azimuthError).bias - 5.5) < 1e-9)
        #expect(score.gate.sigmaAzimuth == 2 && score.gate.sigmaRange == 5)   // the description's, else the default
        #expect(score.falseAlarms.scanPeriodSeconds == nil && score.falseAlarms.perHour == nil)   // one scan, no rate
    }

    @Test("Exposure without a scan rate: scans × the median scan interval")
    func exposureFromScanTimes() {
        let scans = [0, 2, 4, 6, 7].map { s in C.scan(Double(s), []) }
        let score = evaluator.score(sensorID: "radar-1", scans: scans, truth: [])
        #expect(score.falseAlarms.scanPeriodSeconds == 2 && score.falseAlarms.exposureSeconds == 10)
        #expect(score.overall.trials == 0 && score.overall.detectionProbability == nil)
    }

    @Test("Every sensor is scored on its own scans, in id order")
    func perSensor() {
        let drone = C.eastbound("d1", from: ENUVector(800, 0, 0), speed: 0, seconds: 0...1)
        let second = ENUVector(0, 400, 0)
        let scans = [C.scan(0, [C.detection(C.polar(drone.states[0].position), at: 0)]),
                     C.scan(0, [], sensor: "radar-2", at: second),
                     C.scan(1, [C.detection(C.polar(drone.states[1].position, from: second), at: 1, sensor: "radar-2")],
                            sensor: "radar-2", at: second)]
        let scores = evaluator.score(scans: scans, truth: [drone], sensors: [C.radar])
        #expect(scores.map(\.sensorID) == ["radar-1", "radar-2"])
        #expect(scores[0].overall == DetectionTally(hits: 1, trials: 1))
        #expect(scores[1].overall == DetectionTally(hits: 1, trials: 2) && scores[1].falseAlarms.count == 0)
    }

    @Test("Range bins are [lower, upper), the last one closed", arguments: [
        (0.0, 0), (499.9, 0), (500.0, 1), (7999.0, 5), (8000.0, 5), (8000.1, -1), (-1.0, -1),
    ])
    func binEdges(range: Double, expected: Int) {
        let bin = DetectionLevelEvaluator.binIndex(of: range, edges: DetectionLevelSettings.defaultRangeBinEdges)
        #expect(bin == (expected < 0 ? nil : expected))
    }

    @Test("Angle differences wrap into [−180°, 180°)", arguments: [(359.8, -0.2), (-359.8, 0.2), (180.0, -180.0), (-180.0, -180.0), (540.5, -179.5)])
    func wrap(input: Double, expected: Double) {
        #expect(abs(PolarDetectionGate.wrappedDegrees(input) - expected) < 1e-9)
    }
}
