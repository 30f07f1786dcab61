// Scenario files: the samples hold what they promise, and mistakes name file, line and field.
import Testing
import TestbedConfiguration
import Simulation
import Foundation

func sampleScenario(_ name: String) throws -> ScenarioSpec {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../Config/scenarios/\(name).yaml").standardized.path
    return try ScenarioConfiguration.load(path: path)
}

@Suite("Scenario files")
struct ScenarioConfigurationTests {
    @Test("quickstart: 3 drones, 1 radar, 120 s")
    func quickstart() throws {
        let s = try sampleScenario("quickstart")
        #expect(s.drones.count == 3 && s.sensors.count == 1 && s.duration == 120)
        #expect(s.sensors[0].kind == .radar)
    }

    @Test("profiles: approach, orbit, hover and pop-up (and zig-zag); 2 radars and 1 RF sensor")
    func profiles() throws {
        let s = try sampleScenario("profiles")
        #expect(Set(s.drones.map(\.profile.name)) == ["approach", "orbit", "hover", "popup", "zigzag"])
        #expect(s.sensors.filter { $0.kind == .radar }.count == 2)
        #expect(s.sensors.filter { $0.kind == .rf }.count == 1)
    }

    @Test("swarm: 20 drones in one formation")
    func swarm() throws {
        let s = try sampleScenario("swarm")
        #expect(s.drones.count == 20)
        #expect(Set(s.drones.compactMap(\.formationStream)) == ["swarm-a"])
        #expect(s.drones.first?.id == "swarm-a-01" && s.drones.last?.id == "swarm-a-20")
    }

    @Test("dense: 200 drones, 4 radars, clutter 50 per scan")
    func dense() throws {
        let s = try sampleScenario("dense")
        #expect(s.drones.count == 200)
        #expect(s.sensors.count == 4 && s.sensors.allSatisfy { $0.kind == .radar && $0.clutterPerScan == 50 })
        #expect(Set(s.drones.map(\.id)).count == 200)
    }

    @Test("rf-only: three direction finders and no radar")
    func rfOnly() throws {
        let s = try sampleScenario("rf-only")
        #expect(s.sensors.count == 3 && s.sensors.allSatisfy { $0.kind == .rf })
        #expect(s.drones.count >= 3)
    }

    @Test("An EO/IR camera's field of view: a sector and an elevation band")
    func camera() throws {
        let yaml = """
            name: eo
            duration_s: 10
            site:
              origin: {lat: 35.85, lon: 126.55, alt: 5.0}
              geoid_separation_m: 23.0
            drones:
              - id: d1
                profile: hover
                at: {bearing_deg: 90, distance_m: 1000}
                speed_mps: 0.5
                altitude_m: 100
            sensors:
              - id: eo-1
                kind: eo_ir
                position: {east_m: 0, north_m: 0, up_m: 10}
                sigma_azimuth_deg: 0.2
                sigma_elevation_deg: 0.3
                max_range_m: 4000
                min_elevation_deg: 0
                max_elevation_deg: 40
                fov_azimuth_deg: 90
                fov_width_deg: 60
                pd: 0.9
            """
        let s = try ScenarioConfiguration.parse(yaml, file: "eo.yaml")
        let camera = try #require(s.sensors.first)
        #expect(camera.kind == .eoir && camera.sigmaElevation == 0.3 && camera.sigmaRange == 0)
        #expect(camera.maximumElevation == 40 && camera.fieldOfViewAzimuth == 90 && camera.fieldOfViewWidth == 60)
        #expect(throws: (any Error).self) {
            try ScenarioConfiguration.parse(yaml.replacingOccurrences(of: "max_elevation_deg: 40", with: "max_elevation_deg: -5"),
                                            file: "eo.yaml")
        }
    }

    @Test("Sensors are staggered through one scan period unless told otherwise")
    func stagger() throws {
        #expect(try sampleScenario("dense").sensors.map(\.scanOffset) == [0, 0.25, 0.5, 0.75])
    }

    @Test("Mistakes name the file, line, column and field", arguments: [
        ("profile: approach", "profile: teleport",
         "s.yaml:9:14: error: drones[0].profile: unknown profile 'teleport'; expected agile, approach, hover, orbit, popup, zigzag, swarm"),
        ("speed_mps: [12, 18]", "speed_mps: [18, 12]", "s.yaml:11:16: error: drones[0].speed_mps: [18.0, 12.0]: low is above high"),
        ("kind: radar", "kind: lidar", "s.yaml:16:11: error: sensors[0].kind: unknown sensor kind 'lidar'; expected radar, rf or eo_ir"),
        ("    pd: 0.9", "    pd: {model: gaussian}", "s.yaml:21:17: error: sensors[0].pd.model: unknown Pd model; expected constant or logistic"),
        ("    start: {bearing_deg: 45, distance_m: 3000}", "    start: {bearing_deg: 45}",
         "s.yaml:10:12: error: drones[0].start.distance_m: required field is missing"),
        ("    landing_s: 100", "    landing_s: 5\n    takeoff_s: 10", "s.yaml:12:16: error: drones[0].landing_s: landing (5.0 s) must come after take-off (10.0 s)"),
    ])
    func mistakes(original: String, replacement: String, expected: String) {
        let valid = """
            name: s
            duration_s: 120
            site:
              origin: {lat: 35.85, lon: 126.55, alt: 5.0}
              geoid_separation_m: 23.0
            truth_rate_hz: 2
            drones:
              - id: d1
                profile: approach
                start: {bearing_deg: 45, distance_m: 3000}
                speed_mps: [12, 18]
                landing_s: 100
                altitude_m: 100
            sensors:
              - id: r0
                kind: radar
                position: {east_m: 0, north_m: 0, up_m: 10}
                sigma_range_m: 5
                sigma_azimuth_deg: 0.5
                sigma_elevation_deg: 0.5
                pd: 0.9
                max_range_m: 8000
            """
        #expect(valid.contains(original))
        #expect(throws: Never.self) { _ = try ScenarioConfiguration.parse(valid, file: "s.yaml") }
        #expect {
            _ = try ScenarioConfiguration.parse(valid.replacingOccurrences(of: original, with: replacement), file: "s.yaml")
        } throws: { error in
            if "\(error)" != expected { Issue.record("got: \(error)") }
            return "\(error)" == expected
        }
    }
}
