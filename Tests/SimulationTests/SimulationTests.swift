// The simulator: seeded determinism, the flight profiles' geometry, the sensor models' statistics.
import Testing
import Simulation
import Geodesy
import TelemetryModel
import Foundation

func drone(_ id: String, _ profile: FlightProfile, speed: Double = 10, altitude: Double = 100, takeoff: Double = 0, landing: Double = 600) -> DroneSpec {
    DroneSpec(id: id, takeoff: takeoff, landing: landing, speed: speed...speed, altitude: altitude...altitude, profile: profile)
}

func radar(_ id: String = "radar-0", clutter: Double = 0, pd: DetectionProbabilityCurve = .constant(1), minElevation: Double = -90,
           sigma: Double = 0) -> SensorSpec {
    SensorSpec(id: id, kind: .radar, position: SIMD3(0, 0, 10), scanRateHz: 1, scanOffset: 0, sigmaRange: 5 * sigma,
               sigmaAzimuth: 0.5 * sigma, sigmaElevation: 0.5 * sigma, maximumRange: 8000, minimumElevation: minElevation,
               clutterPerScan: clutter, clutterRadius: 3500, clutterCeiling: 400, detectionProbability: pd)
}

func scenario(drones: [DroneSpec], sensors: [SensorSpec], seed: UInt64 = 1, duration: Double = 60) -> ScenarioSpec {
    ScenarioSpec(name: "test", seed: seed, origin: GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 5),
                 geoidSeparation: 23, epoch: Timestamp(nanosecondsSinceEpoch: 1_748_736_000_000_000_000), duration: duration,
                 truthRateHz: 2, statusRateHz: 1, drones: drones, sensors: sensors)
}

func norm(_ v: SIMD3<Double>) -> Double { (v * v).sum().squareRoot() }
func horizontal(_ v: SIMD3<Double>) -> Double { (v.x * v.x + v.y * v.y).squareRoot() }

@Suite("Flight profiles")
struct FlightProfileTests {
    @Test("Approach: straight, level, at its speed, closing on the target")
    func approach() throws {
        let path = FlightPath(drone: drone("a", .approach(start: SitePoint(bearing: 90, distance: 3000), target: SitePoint(bearing: 0, distance: 0)), speed: 15), seed: 1)
        let s0 = try #require(path.state(at: 0)), s100 = try #require(path.state(at: 100))
        #expect(abs(s0.position.x - 3000) < 1e-6 && abs(s0.position.y) < 1e-6)
        #expect(abs(s100.position.x - 1500) < 1e-6)
        #expect(abs(norm(s100.velocity) - 15) < 1e-9)
        #expect(s100.position.z == 100)
    }

    @Test("Orbit: constant radius about its centre, speed along the circle")
    func orbit() throws {
        let path = FlightPath(drone: drone("o", .orbit(center: SitePoint(bearing: 270, distance: 1500), radius: 400, clockwise: true), speed: 10), seed: 7)
        for t in stride(from: 0.0, through: 600, by: 37) {
            let s = try #require(path.state(at: t))
            #expect(abs(horizontal(s.position - SIMD3(-1500, 0, 0)) - 400) < 1e-6)
            #expect(abs(norm(s.velocity) - 10) < 1e-9)
            // Velocity is tangent: perpendicular to the radius.
            let radial = s.position - SIMD3(-1500, 0, s.position.z)
            #expect(abs((radial * s.velocity).sum()) < 1e-6)
        }
    }

    @Test("Hover: stays within its sway of the point")
    func hover() throws {
        let path = FlightPath(drone: drone("h", .hover(at: SitePoint(bearing: 0, distance: 1000), sway: 2)), seed: 1)
        for t in stride(from: 0.0, through: 600, by: 3.3) {
            let s = try #require(path.state(at: t))
            #expect(abs(s.position.x) <= 2 + 1e-9 && abs(s.position.y - 1000) <= 2 + 1e-9)
            #expect(abs(s.position.z - 100) <= 0.5 + 1e-9)
        }
    }

    @Test("Pop-up: low until the pop-up distance, then climbs to cruise altitude")
    func popup() throws {
        let path = FlightPath(drone: drone("p", .popup(start: SitePoint(bearing: 0, distance: 3000), target: SitePoint(bearing: 0, distance: 0),
                                                       lowAltitude: 15, popupDistance: 1000, climbRate: 5), speed: 20, altitude: 115), seed: 1)
        #expect(try #require(path.state(at: 50)).position.z == 15)          // 2000 m to go
        let climbing = try #require(path.state(at: 110))                    // 800 m to go: 10 s into the climb
        #expect(abs(climbing.position.z - 65) < 1e-9 && climbing.velocity.z == 5)
        #expect(try #require(path.state(at: 130)).position.z == 115)
    }

    @Test("Zig-zag: weaves within bounds across the line and keeps its speed")
    func zigzag() throws {
        let path = FlightPath(drone: drone("z", .zigzag(start: SitePoint(bearing: 180, distance: 3000), target: SitePoint(bearing: 0, distance: 0),
                                                        weaveAngle: 30, legSeconds: 10), speed: 20), seed: 1)
        var sides: Set<Bool> = []
        for t in stride(from: 0.0, through: 100, by: 0.5) {
            let s = try #require(path.state(at: t))
            #expect(abs(s.position.x) <= 20 * sin(Double.pi / 6) * 10 / 2 + 1e-9)
            #expect(abs(norm(s.velocity) - 20) < 1e-9)
            if abs(s.position.x) > 1 { sides.insert(s.position.x > 0) }
        }
        #expect(sides == [true, false])
    }

    @Test("Swarm members keep their formation spacing around the leader's track")
    func swarm() throws {
        let leader = FlightProfile.orbit(center: SitePoint(bearing: 0, distance: 0), radius: 800, clockwise: true)
        let members = (0..<3).map { i in
            DroneSpec(id: "s-\(i)", takeoff: 0, landing: 600, speed: 10...10, altitude: 100...100, profile: leader,
                      formationOffset: SIMD3(Double(i - 1) * 20, 0, 0), formationStream: "s")
        }
        let paths = members.map { FlightPath(drone: $0, seed: 3) }
        for t in stride(from: 0.0, through: 300, by: 13) {
            let states = try paths.map { try #require($0.state(at: t)) }
            #expect(abs(norm(states[0].position - states[1].position) - 20) < 1e-6)
            #expect(abs(norm(states[2].position - states[1].position) - 20) < 1e-6)
        }
    }

    @Test("Not airborne before take-off or after landing")
    func airborne() {
        let path = FlightPath(drone: drone("a", .hover(at: SitePoint(bearing: 0, distance: 0), sway: 0), takeoff: 10, landing: 20), seed: 1)
        #expect(path.state(at: 9.99) == nil)
        #expect(path.state(at: 10) != nil)
        #expect(path.state(at: 20) != nil)
        #expect(path.state(at: 20.01) == nil)
    }
}

@Suite("Sensor models")
struct SensorModelTests {
    @Test("The logistic Pd curve: pd_max close in, half at range50, falling with range")
    func pdCurve() {
        let curve = DetectionProbabilityCurve.logistic(pdMax: 0.9, range50: 5000, width: 500)
        #expect(abs(curve.probability(atRange: 5000) - 0.45) < 1e-12)
        #expect(curve.probability(atRange: 0) > 0.8999)
        #expect(curve.probability(atRange: 10_000) < 0.01)
        #expect(curve.probability(atRange: 3000) > curve.probability(atRange: 4000))
    }

    @Test("Detection rate follows Pd, noise has the configured sigma, clutter has its mean")
    func statistics() throws {
        let target = DroneState(position: SIMD3(3000, 4000, 510), velocity: .zero)   // 5 km slant-ish
        var model = SensorModel(spec: radar(clutter: 4, pd: .constant(0.7), sigma: 1), seed: 9)
        var detected = 0, clutter = 0
        var rangeErrors: [Double] = []
        let truth = PolarMeasurement(of: target.position, from: SIMD3(0, 0, 10))
        let scans = 4000
        for k in 0..<scans {
            let found = model.scan(time: Timestamp(nanosecondsSinceEpoch: Int64(k)), scanID: UInt64(k), targets: [(id: "d", state: target)])
            for d in found {
                if d.isClutter { clutter += 1 } else {
                    detected += 1
                    rangeErrors.append(try #require(d.detection.range) - truth.range)
                }
            }
        }
        let rate = Double(detected) / Double(scans)
        #expect(abs(rate - 0.7) < 0.03)
        let mean = rangeErrors.reduce(0, +) / Double(rangeErrors.count)
        let sd = (rangeErrors.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(rangeErrors.count - 1)).squareRoot()
        #expect(abs(mean) < 0.5)
        #expect(abs(sd - 5) < 0.3)
        #expect(abs(Double(clutter) / Double(scans) - 4) < 0.15)
    }

    @Test("A drone below the minimum elevation is not seen by radar, but is by RF")
    func elevationFence() {
        let low = DroneState(position: SIMD3(3000, 0, 12), velocity: .zero)
        var fenced = SensorModel(spec: radar(minElevation: 1), seed: 1)
        #expect(fenced.scan(time: Timestamp(nanosecondsSinceEpoch: 0), scanID: 0, targets: [(id: "d", state: low)]).isEmpty)
        let rf = SensorSpec(id: "rf", kind: .rf, position: SIMD3(0, 0, 10), scanRateHz: 1, scanOffset: 0, sigmaRange: 0, sigmaAzimuth: 2,
                            sigmaElevation: 0, maximumRange: 5000, minimumElevation: 1, clutterPerScan: 0, clutterRadius: 1,
                            clutterCeiling: 1, detectionProbability: .constant(1))
        var df = SensorModel(spec: rf, seed: 1)
        let seen = df.scan(time: Timestamp(nanosecondsSinceEpoch: 0), scanID: 0, targets: [(id: "d", state: low)])
        #expect(seen.count == 1)
        #expect(seen.first?.detection.range == nil && seen.first?.detection.elevation == nil)
    }

    @Test("An EO/IR camera sees only inside its field of view and range, and reports azimuth and elevation without range")
    func camera() {
        var spec = SensorSpec(id: "eo", kind: .eoir, position: SIMD3(0, 0, 10), scanRateHz: 1, scanOffset: 0, sigmaRange: 0,
                              sigmaAzimuth: 0.2, sigmaElevation: 0.2, maximumRange: 3000, minimumElevation: 0, clutterPerScan: 0,
                              clutterRadius: 1, clutterCeiling: 1, detectionProbability: .constant(1))
        spec.fieldOfViewAzimuth = 350     // a 60° sector across north: 320° to 20°
        spec.fieldOfViewWidth = 60
        spec.maximumElevation = 30
        #expect(spec.kind.measures == .azimuthElevation)
        let time = Timestamp(nanosecondsSinceEpoch: 0)
        func seen(_ position: SIMD3<Double>) -> [SimulatedDetection] {
            var model = SensorModel(spec: spec, seed: 1)
            return model.scan(time: time, scanID: 0, targets: [(id: "d", state: DroneState(position: position, velocity: .zero))])
        }
        let north = seen(SIMD3(200, 2000, 110))           // azimuth ≈ 5.7°, elevation ≈ 2.9°
        #expect(north.count == 1)
        if let detection = north.first?.detection {
            #expect(detection.range == nil && abs(detection.azimuth - 5.71) < 1.5 && abs((detection.elevation ?? -99) - 2.85) < 1.5)
        }
        #expect(seen(SIMD3(-1000, 1000, 110)).isEmpty)      // 315°: outside the sector
        #expect(seen(SIMD3(1000, 1000, 110)).isEmpty)       // 45°: outside
        #expect(seen(SIMD3(0, 3500, 110)).isEmpty)          // beyond its range
        #expect(seen(SIMD3(0, 500, 600)).isEmpty)           // 48° up: above its field of view
        // Its clutter falls in the field of view, with an elevation and no range.
        spec.clutterPerScan = 50
        var model = SensorModel(spec: spec, seed: 2)
        let clutter = model.scan(time: time, scanID: 0, targets: [])
        #expect(clutter.count > 20)
        for item in clutter {
            let offset = (item.detection.azimuth - 350 + 540).truncatingRemainder(dividingBy: 360) - 180
            #expect(abs(offset) <= 30.000001 && item.detection.range == nil)
            #expect((0...30).contains(item.detection.elevation ?? -1))
        }
    }
}

@Suite("Simulator")
struct SimulatorTests {
    let spec = scenario(drones: [
        drone("a", .approach(start: SitePoint(bearing: 45, distance: 3000), target: SitePoint(bearing: 0, distance: 0)), speed: 15),
        drone("b", .orbit(center: SitePoint(bearing: 270, distance: 1000), radius: 300, clockwise: false), takeoff: 5, landing: 50),
    ], sensors: [radar("radar-0", clutter: 3, pd: .logistic(pdMax: 0.95, range50: 6000, width: 600), sigma: 1),
                 radar("radar-1", clutter: 1, pd: .constant(0.8), sigma: 1)])

    func run(_ spec: ScenarioSpec) -> [SimulationStep] {
        var simulator = ScenarioSimulator(spec: spec)
        var steps: [SimulationStep] = []
        while let step = simulator.next() { steps.append(step) }
        return steps
    }

    @Test("The same seed gives the same steps; another seed does not")
    func determinism() {
        #expect(run(spec) == run(spec))
        var other = spec
        other.seed = 2
        #expect(run(spec) != run(other))
    }

    @Test("Steps come in time order, with truth before heartbeats before scans at equal times")
    func ordering() {
        func rank(_ s: SimulationStep) -> (Int64, Int) {
            switch s {
            case .truth(let t, _): (t.nanosecondsSinceEpoch, 0)
            case .status(_, let st): (st.time.nanosecondsSinceEpoch, 1)
            case .scan(_, let sc, _): (sc.time.nanosecondsSinceEpoch, 2)
            }
        }
        let ranks = run(spec).map(rank)
        #expect(zip(ranks, ranks.dropFirst()).allSatisfy { $0 <= $1 })
    }

    @Test("Adding a sensor does not change the drones' flights or another sensor's detections")
    func independentStreams() {
        var fewer = spec
        fewer.sensors = [spec.sensors[0]]
        func radar0(_ steps: [SimulationStep]) -> [ScanReport] {
            steps.compactMap { if case .scan(0, let s, _) = $0 { s } else { nil } }
        }
        // The measurements must not change; det_ids are numbered across the run, so they may.
        func detections0(_ steps: [SimulationStep]) -> [[SimulatedDetection]] {
            steps.compactMap { step -> [SimulatedDetection]? in
                guard case .scan(0, _, var d) = step else { return nil }
                for i in d.indices { d[i].detection.detectionID = nil }
                return d
            }
        }
        #expect(detections0(run(spec)) == detections0(run(fewer)))
        #expect(radar0(run(spec)) == radar0(run(fewer)))
    }

    @Test("det_id is unique across the run and increases in step order, as in the peer's scenario files")
    func detectionIDs() {
        let ids = run(spec).flatMap { step -> [UInt64] in
            if case .scan(_, _, let d) = step { d.compactMap(\.detection.detectionID) } else { [] }
        }
        #expect(!ids.isEmpty)
        #expect(ids == Array(0..<UInt64(ids.count)))
    }

    @Test("The wire renderer numbers each sensor topic's messages and tallies what it sends")
    func wire() throws {
        var renderer = SimulationWireRenderer(spec: spec)
        var messages = renderer.header()
        var simulator = ScenarioSimulator(spec: spec)
        while let step = simulator.next() { renderer.render(step, into: &messages) }
        #expect(UInt64(messages.count) == renderer.tally.messages)
        var perTopic: [String: Int] = [:]
        let decoder = TelemetryJSONDecoder()
        for message in messages where message.topic.hasPrefix("json/radar") {
            let record = try decoder.decode(message.payload)
            #expect(record.sequenceNumber == UInt64(perTopic[message.topic, default: 0]))
            perTopic[message.topic, default: 0] += 1
        }
        for message in messages where message.topic.hasPrefix("mavlink/") {
            let events = MAVLinkFrameParser.parse(message.payload)
            #expect(events.count == 1)
            guard case .message(let header, _) = events.first else { Issue.record("bad frame on \(message.topic)"); continue }
            #expect(header.systemID == (message.topic == "mavlink/a" ? 1 : 2))
        }
        #expect(renderer.tally.topics["mavlink/b"]?.records[.systemTime] == 6)   // take-off at 5 s, then 10, 20, 30, 40 and 50 (landing is inclusive)
        #expect(renderer.tally.topics["json/scenario"]?.records == [.meta: 1])
    }
}

@Suite("Documented figures")
struct DocumentedFigureTests {
    @Test("The Pd table in docs/scenarios.md is what the curve computes", arguments: [
        (1000.0, 0.950), (3000, 0.944), (4800, 0.837), (6000, 0.475), (7200, 0.113), (8000, 0.033),
    ])
    func pdTable(range: Double, documented: Double) {
        let curve = DetectionProbabilityCurve.logistic(pdMax: 0.95, range50: 6000, width: 600)
        #expect(abs(curve.probability(atRange: range) - documented) < 0.0005)
    }
}
