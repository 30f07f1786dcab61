// Angle-only sensors: the camera model, the passive initiator's crossings and ghost test, and tracks
// from direction finders and cameras alone.
import Foundation
import Testing
import TelemetryModel
import TestSupport
@testable import Tracking
import TrackingMath

@Suite("Passive sensors")
struct PassiveTrackingTests {
    static let epoch: Int64 = 1_748_736_000_000_000_000
    static func time(_ seconds: Double) -> Timestamp { Timestamp(nanosecondsSinceEpoch: epoch + Int64((seconds * 1e9).rounded())) }

    /// Three direction finders on a triangle about 3 km a side.
    static let finders = [ENUVector(0, 1800, 12), ENUVector(1560, -900, 12), ENUVector(-1560, -900, 12)]

    static func line(from site: ENUVector, to target: ENUVector, sigmaDegrees: Double = 1.5, elevation: Bool = false,
                     error: Double = 0) -> LineOfSight {
        let polar = PolarMeasurementFromSite(target, site)
        return LineOfSight(origin: Vector(site: site), azimuth: (polar.azimuth + error) * .pi / 180, sigmaAzimuth: sigmaDegrees * .pi / 180,
                           elevation: elevation ? polar.elevation * .pi / 180 : nil, sigmaElevation: sigmaDegrees * .pi / 180)
    }

    @Test("The camera model's Jacobian matches finite differences; a camera detection needs its elevation and ignores a range")
    func cameraModel() throws {
        let camera = AzimuthElevationMeasurementModel(sensorPosition: ENUVector(100, -200, 15), sigmaAzimuthDegrees: 0.2,
                                                      sigmaElevationDegrees: 0.3)
        #expect(camera.dimension == 2)
        expectJacobianMatchesFiniteDifferences(camera, rows: 2)
        let x = StateVector([300, -900, 120, 5, -3, 1])
        let linearised = camera.linearised(at: x)
        #expect(linearised.measurement[0] == camera.measure(x)[0] && linearised.measurement[1] == camera.measure(x)[1])
        #expect(linearised.jacobian[1, 2] == camera.jacobian(at: x)[1, 2])
        #expect(camera.positionEstimate(of: MeasurementVector()) == nil)
        let time = Self.time(0)
        let noElevation = Detection(time: time, sensorID: "eo", scanID: 1, range: nil, azimuth: 10, elevation: nil)
        #expect(camera.measurement(of: noElevation, maximumRange: 1e5).failureValue == .missingField)
        let withRange = Detection(time: time, sensorID: "eo", scanID: 1, range: 900, azimuth: 90, elevation: 5)
        let z = try #require(camera.measurement(of: withRange, maximumRange: 1e5).successValue)
        #expect(abs(z[0] - .pi / 2) < 1e-12 && abs(z[1] - 5 * .pi / 180) < 1e-12 && z[2] == 0)
        let high = Detection(time: time, sensorID: "eo", scanID: 1, range: nil, azimuth: 90, elevation: 91)
        #expect(camera.measurement(of: high, maximumRange: 1e5).failureValue == .outOfRange)
        let nan = Detection(time: time, sensorID: "eo", scanID: 1, range: nil, azimuth: .nan, elevation: 3)
        #expect(camera.measurement(of: nan, maximumRange: 1e5).failureValue == .nonFinite)
        // A sensor description that says azimuth_elevation gets this model, with its own noise.
        let description = SensorDescription(sensorID: "eo-1", kind: "eo_ir", measures: .azimuthElevation, enu: ENUVector(0, 0, 5),
                                            sigmaAzimuth: 0.2, sigmaElevation: 0.4)
        let sensor = try #require(TrackerSensor(description, plane: nil, defaults: TrackerSettings.SensorDefaults()))
        let model = try #require(sensor.model as? AzimuthElevationMeasurementModel)
        #expect(!sensor.canInitiate)
        #expect(abs(model.noiseCovariance[1, 1].squareRoot() - 0.4 * .pi / 180) < 1e-15)
    }

    @Test("The bearing model's Jacobian matches finite differences")
    func bearingModel() {
        expectJacobianMatchesFiniteDifferences(BearingMeasurementModel(sensorPosition: ENUVector(-150, 400, 12), sigmaAzimuthDegrees: 2), rows: 1)
    }

    @Test("Two lines cross where they meet, in front of both sites; parallel and backward crossings are refused")
    func crossing() throws {
        let target = ENUVector(400, 600, 100)
        let a = Self.line(from: Self.finders[0], to: target), b = Self.line(from: Self.finders[1], to: target)
        let point = try #require(PassiveInitiator.crossing(a, b, minimumSine: sin(10 * .pi / 180)))
        #expect(abs(point.x - 400) < 1e-6 && abs(point.y - 600) < 1e-6)
        // Turned round, the lines cross behind both sites.
        var backward = a, other = b
        backward.azimuth += .pi
        other.azimuth += .pi
        #expect(PassiveInitiator.crossing(backward, other, minimumSine: 0.1) == nil)
        // Nearly parallel lines (the target far out on the baseline's extension) are refused.
        let far = ENUVector(-90_000, 54_000, 100)
        #expect(PassiveInitiator.crossing(Self.line(from: Self.finders[0], to: far), Self.line(from: Self.finders[2], to: far),
                                          minimumSine: sin(10 * .pi / 180)) == nil)
    }

    @Test("Three bearings through one point start a track there, with the geometry's covariance; a third bearing elsewhere rejects the ghost")
    func threeBearings() throws {
        let target = ENUVector(400, 600, 100)
        var initiator = PassiveInitiator(settings: TrackerSettings())
        var result = initiator.initiate(sensor: "df0", time: Self.time(0), lines: [Self.line(from: Self.finders[0], to: target, error: 0.5)],
                                        overdetermined: true)
        #expect(result.starts.isEmpty && initiator.waitingCount == 1)
        result = initiator.initiate(sensor: "df1", time: Self.time(0.3), lines: [Self.line(from: Self.finders[1], to: target, error: -0.4)],
                                    overdetermined: true)
        // Two lines always cross: with a third sensor registered, that is not enough.
        #expect(result.starts.isEmpty && initiator.waitingCount == 2)
        result = initiator.initiate(sensor: "df2", time: Self.time(0.6), lines: [Self.line(from: Self.finders[2], to: target, error: 0.3)],
                                    overdetermined: true)
        let start = try #require(result.starts.first)
        #expect(result.starts.count == 1 && start.lineCount == 3 && initiator.waitingCount == 0)
        let state = start.state
        let error = hypot(state.mean[0] - target.x, state.mean[1] - target.y)
        let sigma = (state.covariance[0, 0] + state.covariance[1, 1]).squareRoot()
        // Bearing errors of 0.3° to 0.5° at 1.5 to 2 km put the point some 10 to 20 m off; the fit's
        // own spread (σ 1.5° on each line) covers it.
        #expect(error < 3 * sigma && sigma > 10 && sigma < 200, "error \(error) m, σ \(sigma) m")
        #expect(state.mean[2] == 100 && state.covariance[2, 2] == 100 * 100)    // no elevation: the height prior
        #expect(state.mean[3] == 0 && state.covariance[3, 3] == 400 && state.covariance[5, 5] == 9)

        // A ghost: the first two lines aim at one point, the third at another, 25° off from its site.
        var ghosts = PassiveInitiator(settings: TrackerSettings())
        _ = ghosts.initiate(sensor: "df0", time: Self.time(0), lines: [Self.line(from: Self.finders[0], to: target)], overdetermined: true)
        _ = ghosts.initiate(sensor: "df1", time: Self.time(0.3), lines: [Self.line(from: Self.finders[1], to: target)], overdetermined: true)
        let elsewhere = ENUVector(1200, -300, 100)
        result = ghosts.initiate(sensor: "df2", time: Self.time(0.6), lines: [Self.line(from: Self.finders[2], to: elsewhere)],
                                 overdetermined: true)
        #expect(result.starts.isEmpty && ghosts.waitingCount == 3)
        // Without the over-determination rule (two direction finders only), a pair starts a track.
        var pair = PassiveInitiator(settings: TrackerSettings())
        _ = pair.initiate(sensor: "df0", time: Self.time(0), lines: [Self.line(from: Self.finders[0], to: target)], overdetermined: false)
        result = pair.initiate(sensor: "df1", time: Self.time(0.3), lines: [Self.line(from: Self.finders[1], to: target)], overdetermined: false)
        #expect(result.starts.count == 1 && result.starts[0].lineCount == 2)
    }

    @Test("Lines wait for the window only, never from the same sensor, and a flood is bounded")
    func windowAndFlood() throws {
        let target = ENUVector(400, 600, 100)
        var initiator = PassiveInitiator(settings: TrackerSettings())
        _ = initiator.initiate(sensor: "df0", time: Self.time(0), lines: [Self.line(from: Self.finders[0], to: target)], overdetermined: false)
        // The same sensor's next scan is never crossed with its own line.
        var result = initiator.initiate(sensor: "df0", time: Self.time(0.5), lines: [Self.line(from: Self.finders[0], to: target)],
                                        overdetermined: false)
        #expect(result.starts.isEmpty && initiator.waitingCount == 2)
        // 1.6 s after the first line (window 1.5 s) only the second still waits: one start, from it.
        result = initiator.initiate(sensor: "df1", time: Self.time(1.6), lines: [Self.line(from: Self.finders[1], to: target)],
                                    overdetermined: false)
        #expect(result.starts.count == 1 && initiator.waitingCount == 0)

        // 1000 clutter bearings in one scan: 64 are crossed, the rest counted, and at most 256 wait.
        var flood = PassiveInitiator(settings: TrackerSettings())
        var rng = SeededGenerator(state: 5)
        for (index, sensor) in ["df0", "df1", "df2"].enumerated() {
            let lines = (0..<1000).map { _ in
                LineOfSight(origin: Vector(site: Self.finders[index]), azimuth: Double.random(in: 0..<(2 * .pi), using: &rng),
                            sigmaAzimuth: 0.03)
            }
            result = flood.initiate(sensor: sensor, time: Self.time(Double(index) * 0.2), lines: lines, overdetermined: true)
            #expect(result.untried == 1000 - PassiveInitiator.maximumLinesPerScan)
            #expect(flood.waitingCount <= PassiveInitiator.maximumWaiting)
        }
    }

    @Test("Two cameras fix a point in three dimensions; a height that disagrees is a ghost")
    func twoCameras() throws {
        let target = ENUVector(300, 900, 140)
        let cameras = [ENUVector(-800, 0, 20), ENUVector(900, -100, 25)]
        var initiator = PassiveInitiator(settings: TrackerSettings())
        let sigma = 0.3
        _ = initiator.initiate(sensor: "eo0", time: Self.time(0),
                               lines: [Self.line(from: cameras[0], to: target, sigmaDegrees: sigma, elevation: true, error: 0.1)],
                               overdetermined: true)
        let result = initiator.initiate(sensor: "eo1", time: Self.time(0.1),
                                        lines: [Self.line(from: cameras[1], to: target, sigmaDegrees: sigma, elevation: true, error: -0.1)],
                                        overdetermined: true)
        let state = try #require(result.starts.first?.state)
        #expect(abs(state.mean[0] - target.x) < 15 && abs(state.mean[1] - target.y) < 15, "\(state.mean)")
        #expect(abs(state.mean[2] - target.z) < 10 && state.covariance[2, 2] < 30 * 30, "height \(state.mean[2]) ± \(state.covariance[2, 2].squareRoot())")

        // The same azimuths, but the second camera looks 8° higher: the heights disagree.
        var ghost = PassiveInitiator(settings: TrackerSettings())
        _ = ghost.initiate(sensor: "eo0", time: Self.time(0),
                           lines: [Self.line(from: cameras[0], to: target, sigmaDegrees: sigma, elevation: true)], overdetermined: true)
        var high = Self.line(from: cameras[1], to: target, sigmaDegrees: sigma, elevation: true)
        high.elevation = high.elevation! + 8 * .pi / 180
        #expect(ghost.initiate(sensor: "eo1", time: Self.time(0.1), lines: [high], overdetermined: true).starts.isEmpty)
    }

    /// Scans of angle-only sensors at 1 Hz each, staggered, seeing `paths` with Pd 0.9 and uniform clutter.
    static func passiveScans(sites: [ENUVector], cameras: Bool, sigmaDegrees: Double, duration: Int, clutter: Int,
                             paths: [(Double) -> ENUVector], seed: UInt64) -> (sensors: [TrackerSensor], scans: [SensorScan]) {
        var rng = SeededGenerator(state: seed)
        let sensors = sites.enumerated().map { index, site in
            TrackerSensor(id: "p\(index)", model: cameras
                ? AzimuthElevationMeasurementModel(sensorPosition: site, sigmaAzimuthDegrees: sigmaDegrees, sigmaElevationDegrees: sigmaDegrees)
                : BearingMeasurementModel(sensorPosition: site, sigmaAzimuthDegrees: sigmaDegrees))
        }
        var scans: [SensorScan] = []
        for second in 0..<duration {
            for (s, site) in sites.enumerated() {
                let t = Double(second) + Double(s) / Double(sites.count)
                var detections: [Detection] = []
                for path in paths where Double.random(in: 0..<1, using: &rng) < 0.9 {
                    let polar = PolarMeasurementFromSite(path(t), site)
                    detections.append(Detection(time: time(t), sensorID: "p\(s)", scanID: UInt64(second), range: nil,
                                                azimuth: (polar.azimuth + sigmaDegrees * rng.gaussian() + 360).truncatingRemainder(dividingBy: 360),
                                                elevation: cameras ? polar.elevation + sigmaDegrees * rng.gaussian() : nil))
                }
                for _ in 0..<clutter {
                    detections.append(Detection(time: time(t), sensorID: "p\(s)", scanID: UInt64(second), range: nil,
                                                azimuth: Double.random(in: 0..<360, using: &rng),
                                                elevation: cameras ? Double.random(in: 0...20, using: &rng) : nil))
                }
                detections.shuffle(using: &rng)
                scans.append(SensorScan(time: time(t), sensorID: "p\(s)", scanID: UInt64(second), detections: detections))
            }
        }
        return (sensors, scans)
    }

    @Test("Three direction finders and no radar: one track per drone, held on it, at its prior height")
    func directionFindersAlone() throws {
        let paths = [circle(center: ENUVector(200, 500, 90), radius: 300, speed: 12),
                     straight(from: ENUVector(-1500, -200, 120), velocity: ENUVector(15, 5, 0))]
        let run = Self.passiveScans(sites: Self.finders, cameras: false, sigmaDegrees: 1.5, duration: 90, clutter: 1, paths: paths, seed: 11)
        var tracker = MultiTargetTracker(settings: TrackerSettings(), sensors: run.sensors)
        var last: TrackerStep?
        for scan in run.scans { last = tracker.process(scan) ?? last }
        let step = try #require(last)
        #expect(tracker.statistics.confirmed == 2 && tracker.statistics.passiveStarted >= 2, "\(tracker.statistics)")
        #expect(tracker.statistics.deleted.isEmpty, "\(tracker.statistics.deleted)")
        let t = 89 + 2.0 / 3
        for path in paths {
            let truth = path(t)
            let nearest = try #require(step.tracks.min { hypot($0.state.mean[0] - truth.x, $0.state.mean[1] - truth.y)
                < hypot($1.state.mean[0] - truth.x, $1.state.mean[1] - truth.y) })
            #expect(hypot(nearest.state.mean[0] - truth.x, nearest.state.mean[1] - truth.y) < 100, "\(nearest.state.mean) vs \(truth)")
            // The height is the prior's: azimuths carry none, and the prior keeps its variance bounded.
            #expect(abs(nearest.state.mean[2] - 100) < 60 && nearest.state.covariance[2, 2] <= 100 * 100 + 1e-6)
        }
        // An initiator given with its own height prior: tracks start and are held at that height.
        var high = TrackerSettings()
        high.initiation.passive.heightMetres = 300
        var components = TrackerComponents(settings: TrackerSettings())
        components.passiveInitiator = PassiveInitiator(settings: high)
        var given = MultiTargetTracker(settings: TrackerSettings(), components: components, sensors: run.sensors)
        var lastGiven: TrackerStep?
        for scan in run.scans { lastGiven = given.process(scan) ?? lastGiven }
        let heights = (lastGiven?.tracks ?? []).map { $0.state.mean[2] }
        #expect(heights.count == 2 && heights.allSatisfy { abs($0 - 300) < 60 }, "\(heights)")
        // Passive initiation off: the same scans give no track at all.
        var settings = TrackerSettings()
        settings.initiation.passive.enabled = false
        var off = MultiTargetTracker(settings: settings, sensors: run.sensors)
        for scan in run.scans { _ = off.process(scan) }
        #expect(off.statistics.confirmed == 0 && off.statistics.tentativeStarted == 0)
    }

    @Test("Two cameras and no radar: a track in three dimensions, height included")
    func camerasAlone() throws {
        let path = circle(center: ENUVector(100, 800, 150), radius: 200, speed: 10)
        let run = Self.passiveScans(sites: [ENUVector(-800, 0, 20), ENUVector(900, -100, 25)], cameras: true, sigmaDegrees: 0.3,
                                    duration: 60, clutter: 1, paths: [path], seed: 3)
        var tracker = MultiTargetTracker(settings: TrackerSettings(), sensors: run.sensors)
        var last: TrackerStep?
        for scan in run.scans { last = tracker.process(scan) ?? last }
        let track = try #require(last?.tracks.first)
        #expect(tracker.statistics.confirmed == 1, "\(tracker.statistics)")
        let truth = path(59.5)
        #expect(distance(track.state.position, truth) < 30, "\(track.state.position) vs \(truth)")
    }
}

extension Result {
    var successValue: Success? { if case .success(let value) = self { value } else { nil } }
    var failureValue: Failure? { if case .failure(let error) = self { error } else { nil } }
}
