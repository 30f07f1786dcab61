// The report's evaluation on truth's own timeline: truth fed back as tracks scores perfectly, whatever truth's rate.
import Evaluation
import Reporting
import Testing
import TelemetryIngest
import TelemetryModel
@testable import TestbedRuntime
import TestbedConfiguration

@Suite("Evaluator on truth's own timeline")
struct EvaluatorTimelineTests {
    static let plan: TestPlan = {
        // swiftlint:disable:next force_try
        try! TestPlan.parse("""
            plan: oracle
            method: oracle
            system_under_test: {name: oracle, version: "1"}
            evaluation: {bootstrap: {replicates: 200, seed: 7}}
            criteria:
              - {metric: ospa_mean_m, max: 1}
              - {metric: completeness, min: 0.5}
            """, file: "oracle.yaml")
    }()

    /// Three drones flying straight at constant velocity, sampled at `times(drone)` seconds.
    static func truths(times: (Int) -> [Double]) -> [TruthPath] {
        (0..<3).map { drone in
            let velocity = ENUVector(5 + Double(drone), -3, 0.5)
            let start = ENUVector(100 * Double(drone), 200, 50)
            let states = times(drone).map { t in
                KinematicState(time: Timestamp(nanosecondsSinceEpoch: 1_800_000_000_000_000_000 + Int64((t * 1e9).rounded())),
                               position: start + velocity * t, velocity: velocity)
            }
            return TruthPath(id: "drone-\(drone)", states: states)
        }
    }

    static func evaluate(_ truths: [TruthPath]) -> Evaluator.Output {
        let tracks = truths.enumerated().map { TrackPath(id: String($0.offset), states: $0.element.states) }
        let times = truths.flatMap { $0.states.map(\.time) }
        let input = EvaluationInput(runID: "oracle", truths: truths, truthAccuracy: [:], tracks: tracks,
                                    trackSource: .file(path: "oracle.jsonl", sha256: ""), scans: [], sensors: [], sensorPositions: [],
                                    span: times.min()!...times.max()!, frames: 0)
        return Evaluator(plan: plan, input: input).evaluate()
    }

    /// The sample times of each cadence, seconds, per drone.
    static func times(cadence: Int, drone: Int) -> [Double] {
        switch cadence {
        case 0: return (0...120).map { Double($0) * 0.5 }
        case 1: return (0...60).map { Double($0) }
        case 2:
            return (0..<80).map { (k: Int) -> Double in
                let jitter: Double = 0.23 * Double((k * 7) % 5) / 5
                return Double(k) * 0.7 + jitter
            }
        default:
            return (0..<70).map { (k: Int) -> Double in
                let jitter: Double = 0.05 * Double((k * (drone + 3)) % 4) / 4
                return Double(k) * 0.8 + 0.1 * Double(drone) + jitter
            }
        }
    }

    static let cadenceNames = ["0.5 s", "1 s", "irregular, shared", "irregular, each drone its own clock"]

    @Test("Truth as tracks: OSPA 0, completeness 1, no false tracks", arguments: 0..<4)
    func oracle(index: Int) throws {
        let name = Self.cadenceNames[index]
        let out = Self.evaluate(Self.truths { Self.times(cadence: index, drone: $0) })
        let figures = Dictionary(uniqueKeysWithValues: out.figures.map { ($0.key, $0) })
        let ospa = try #require(figures["ospa_mean_m"]?.value, "\(name)")
        #expect(ospa < 1e-6, "\(name): OSPA \(ospa)")
        #expect(try #require(figures["completeness"]?.value) == 1, "\(name)")
        #expect(try #require(figures["spuriousness"]?.value) == 0, "\(name)")
        #expect(figures["false_tracks_per_hour"]?.numerator == 0, "\(name)")
        #expect(try #require(figures["horizontal_rmse_m"]?.value) < 1e-6, "\(name)")
        #expect(out.verdicts.map(\.outcome) == ["PASS", "PASS"], "\(name): \(out.verdicts)")
        // Every OSPA step on the timeline is 0: no half-second step counts a drone as missed.
        #expect(out.ospaOverTime?.y.allSatisfy { $0 < 1e-6 } == true, "\(name)")
    }

    @Test("The timeline is truth's own samples; a regular truth over its span gives the regular grid")
    func timeline() {
        let truths = Self.truths { _ in (0...20).map { Double($0) * 0.5 } }
        let grid = EvaluationGrid.truthTimeline(of: truths)
        #expect(grid.times.count == 21 && grid.stepNanoseconds == 500_000_000)
        let start = truths[0].states[0].time
        let regular = EvaluationGrid(epoch: Timestamp(nanosecondsSinceEpoch: start.nanosecondsSinceEpoch - 2_000_000_000),
                                     stepSeconds: 0.5, durationSeconds: 14)
        let extended = EvaluationGrid.truthTimeline(of: truths, span: regular.times.first!...regular.times.last!)
        #expect(extended.times == regular.times)
    }

    @Test("What the truth checks kept out of a drone's truth is a deviation of the report, in both languages")
    func truthIntegrityDeviations() {
        let truths = Self.truths { _ in (0...20).map { Double($0) * 0.5 } }
        let times = truths.flatMap { $0.states.map(\.time) }
        var integrity = TruthIntegrityStatistics()
        var flagged = DroneTruthStatistics()
        flagged.boundSender = "connection 1 from 127.0.0.1 on 'drones', topic mavlink/drone-1, system 1"
        flagged.fixesAccepted = 21
        flagged.otherSenderFixes = 50
        flagged.otherSenders = 1
        flagged.otherSenderNames = ["connection 2 from 127.0.0.1 on 'drones', topic mavlink/drone-1, system 1"]
        flagged.jumps = 3
        flagged.largestJumpMetres = 22_000
        integrity.drones = ["drone-1": flagged, "drone-2": DroneTruthStatistics()]
        let input = EvaluationInput(runID: "spoofed", truths: truths, truthAccuracy: [:], tracks: [], trackSource: .replayedTracker,
                                    scans: [], sensors: [], sensorPositions: [], span: times.min()!...times.max()!, frames: 0,
                                    truthIntegrity: integrity)
        let deviations = Evaluator(plan: Self.plan, input: input).evaluate().deviations
        let about = deviations.filter { $0.en.contains("Drone drone-1's truth is bound to connection 1") }
        #expect(about.count == 1)
        #expect(about.first?.en.contains("50 fix(es) from 1 other sender(s) were excluded (connection 2 from 127.0.0.1") == true)
        #expect(about.first?.en.contains("3 fix(es) no aircraft could reach at 150 m/s were excluded (largest jump 2.2e+04 m)") == true)
        #expect(about.first?.ko.contains("드론 drone-1의 실제 위치(기준)") == true && about.first?.ko.contains("50개를 제외") == true)
        #expect(!deviations.contains { $0.en.contains("drone-2") })
    }

    @Test("A run without truth gives no figure against truth, in both languages")
    func noTruth() {
        let input = EvaluationInput(runID: "empty", truths: [], truthAccuracy: [:], tracks: [], trackSource: .replayedTracker,
                                    scans: [], sensors: [], sensorPositions: [], span: nil, frames: 0)
        let out = Evaluator(plan: Self.plan, input: input).evaluate()
        #expect(out.verdicts.allSatisfy { $0.outcome == "NOT_EVALUABLE" })
        #expect(out.notEvaluable.contains { $0.en.contains("truth") && $0.ko.contains("실제 위치") })
    }
}

@Suite("Timeline from hostile timestamps")
struct HostileTimelineTests {
    @Test("Intervals between any two timestamps saturate instead of trapping")
    func saturatingIntervals() {
        let low = Timestamp(nanosecondsSinceEpoch: .min), high = Timestamp(nanosecondsSinceEpoch: .max)
        #expect(high.nanoseconds(since: low) == .max)
        #expect(low.nanoseconds(since: high) == .min)
        #expect(Timestamp(nanosecondsSinceEpoch: 5).nanoseconds(since: Timestamp(nanosecondsSinceEpoch: 2)) == 3)
    }

    @Test("A fix at the ends of time neither crashes the timeline nor fills it without bound")
    func farTimestamp() {
        let base = 1_800_000_000_000_000_000 as Int64
        var states = (0..<20).map { KinematicState(time: Timestamp(nanosecondsSinceEpoch: base + Int64($0) * 500_000_000),
                                                   position: ENUVector(Double($0), 0, 10)) }
        states.append(KinematicState(time: Timestamp(nanosecondsSinceEpoch: .max), position: ENUVector(0, 0, 10)))
        states.append(KinematicState(time: Timestamp(nanosecondsSinceEpoch: .min), position: ENUVector(0, 0, 10)))
        let truth = TruthPath(id: "spoofed", states: states)
        let grid = EvaluationGrid.truthTimeline(of: [truth], maximumFillPoints: 1000)
        #expect(grid.fillLimited)
        #expect(grid.times.count <= states.count + 1000)
        #expect(grid.times == grid.times.sorted())
        // The report path over the same truth: a deviation says so, and nothing traps.
        let input = EvaluationInput(runID: "hostile", truths: [truth], truthAccuracy: [:],
                                    tracks: [TrackPath(id: "0", states: Array(states.prefix(20)))],
                                    trackSource: .replayedTracker, scans: [], sensors: [], sensorPositions: [],
                                    span: nil, frames: 0)
        let out = Evaluator(plan: EvaluatorTimelineTests.plan, input: input).evaluate()
        #expect(out.deviations.contains { $0.en.contains("one million") })
    }
}
