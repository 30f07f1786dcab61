// Motion models, measurement models and the Kalman filters.
import Testing
import Foundation
import TelemetryModel
import TestSupport
@testable import Tracking
import TrackingMath

@Suite("Filters")
struct FilterTests {
    let t0 = Timestamp(nanosecondsSinceEpoch: 1_000_000_000_000)

    func state(_ values: [Double], sigma: Double = 10) -> GaussianState {
        GaussianState(mean: StateVector(values), covariance: StateCovariance(diagonal: [sigma * sigma, sigma * sigma, sigma * sigma, 4, 4, 1]))
    }

    @Test("Constant velocity: F and Q are the closed forms, per axis")
    func constantVelocity() {
        let (f, q) = ConstantVelocityTransitionModel(horizontalNoise: 5, verticalNoise: 1).matrices(over: 2)
        #expect(f[0, 3] == 2 && f[1, 4] == 2 && f[2, 5] == 2 && f[3, 3] == 1 && f[3, 0] == 0)
        #expect(abs(q[0, 0] - 5 * 8 / 3) < 1e-12 && q[0, 3] == 5 * 2 && q[3, 3] == 10)
        #expect(abs(q[2, 2] - 8.0 / 3) < 1e-12 && q[2, 5] == 2 && q[5, 5] == 2 && q[0, 1] == 0)
    }

    @Test("Coordinated turn: ω → 0 is constant velocity, and a quarter turn turns the velocity by 90°")
    func coordinatedTurn() {
        let cv = ConstantVelocityTransitionModel(horizontalNoise: 5, verticalNoise: 1).matrices(over: 1.5).transition
        let straight = CoordinatedTurnTransitionModel(turnRate: 1e-12, horizontalNoise: 5, verticalNoise: 1).matrices(over: 1.5).transition
        for i in 0..<6 { for j in 0..<6 { #expect(abs(cv[i, j] - straight[i, j]) < 1e-9) } }
        let w = 0.1, dt = Double.pi / 2 / w
        let f = CoordinatedTurnTransitionModel(turnRate: w, horizontalNoise: 5, verticalNoise: 1).matrices(over: dt).transition
        let x = f * StateVector([0, 0, 0, 10, 0, 0])   // east at 10 m/s, turning left
        #expect(abs(x[3]) < 1e-9 && abs(x[4] - 10) < 1e-9)           // now north
        #expect(abs(x[0] - 100) < 1e-9 && abs(x[1] - 100) < 1e-9)   // radius v/ω = 100 m
    }

    @Test("The radar Jacobian matches finite differences, everywhere around the radar")
    func radarJacobian() {
        expectJacobianMatchesFiniteDifferences(testRadar, rows: 3)
    }

    @Test("Azimuth innovations wrap at north: 359.9° against 0.1° is −0.2°, and the update stays put")
    func azimuthWrap() throws {
        let truth = ENUVector(3.49, 2000, 100)   // azimuth ≈ 0.1°
        let prior = state([truth.x, truth.y, truth.z, 0, 0, 0])
        let updater = ExtendedKalmanUpdater()
        let prediction = try #require(updater.predictMeasurement(prior, model: testRadar))
        var z = testRadar.measure(prior.mean)
        z[1] = 359.9 * .pi / 180
        let nu = testRadar.residual(z, prediction.mean)
        #expect(abs(nu[1] * 180 / .pi - (359.9 - 360 - 0.1)) < 0.01)
        let updated = updater.update(TrackEstimate(time: t0, state: prior), measurement: z, model: testRadar,
                                     combinedPrediction: prediction, form: .symmetric)
        // The correction is a small step west, not a trip round the radar.
        #expect(abs(updated.combined.mean[0] - truth.x) < 10 && abs(updated.combined.mean[1] - truth.y) < 1)
    }

    @Test("On a linear model the EKF, the UKF and both covariance forms agree with the Kalman filter")
    func linearAgreement() throws {
        let model = PositionMeasurementModel(sigmaHorizontal: 3, sigmaVertical: 5)
        let prior = GaussianState(mean: StateVector([10, 20, 30, 1, 2, 3]),
                                  covariance: StateCovariance(diagonal: [100, 64, 49, 9, 9, 4]) + {
                                      var c = StateCovariance()
                                      c[0, 3] = 5; c[3, 0] = 5; c[1, 4] = -4; c[4, 1] = -4
                                      return c
                                  }())
        let z = MeasurementVector([14, 17, 33])
        var results: [GaussianState] = []
        for updater in [ExtendedKalmanUpdater(), UnscentedKalmanUpdater()] as [any Updater] {
            for form in CovarianceUpdateForm.allCases {
                let prediction = try #require(updater.predictMeasurement(prior, model: model))
                results.append(updater.update(TrackEstimate(time: t0, state: prior), measurement: z, model: model,
                                              combinedPrediction: prediction, form: form).combined)
            }
        }
        // The textbook gain: K = P Hᵀ (H P Hᵀ + R)⁻¹ with H = [I 0]; for E alone, K = 100 / (100 + 9).
        #expect(abs(results[0].mean[0] - (10 + 100.0 / 109 * 4)) < 1e-9)
        for r in results.dropFirst() {
            for i in 0..<6 {
                #expect(abs(r.mean[i] - results[0].mean[i]) < 1e-8)
                for j in 0..<6 { #expect(abs(r.covariance[i, j] - results[0].covariance[i, j]) < 1e-7) }
            }
        }
    }

    @Test("An hour of 1 Hz radar updates: the covariance stays exactly symmetric, positive definite and bounded",
          arguments: CovarianceUpdateForm.allCases)
    func longRunStability(form: CovarianceUpdateForm) throws {
        var rng = SeededGenerator(state: 7)
        let predictor = KalmanPredictor(model: ConstantVelocityTransitionModel(horizontalNoise: 5, verticalNoise: 1))
        let updater = ExtendedKalmanUpdater()
        var estimate = TrackEstimate(time: t0, state: state([2000, 1000, 100, 10, 0, 0], sigma: 30))
        for k in 1...3600 {
            let time = Timestamp(nanosecondsSinceEpoch: t0.nanosecondsSinceEpoch + Int64(k) * 1_000_000_000)
            predictor.predict(&estimate, to: time)
            let t = Double(k)
            let truth = StateVector([2000 + 1500 * sin(t / 600), 1000 + 1500 * cos(t / 600), 100, 0, 0, 0])
            var z = testRadar.measure(truth)
            z[0] += 5 * rng.gaussian()
            z[1] += 0.5 * .pi / 180 * rng.gaussian()
            z[2] += 0.5 * .pi / 180 * rng.gaussian()
            let prediction = try #require(updater.predictMeasurement(estimate.combined, model: testRadar))
            estimate = updater.update(estimate, measurement: z, model: testRadar, combinedPrediction: prediction, form: form)
        }
        let p = estimate.combined.covariance
        for i in 0..<6 { for j in 0..<6 { #expect(p[i, j] == p[j, i]) } }
        #expect(p.choleskyFactor != nil)
        #expect(estimate.combined.positionCovarianceTrace < 3 * 30 * 30)
        #expect(distance(estimate.combined.position, ENUVector(2000 + 1500 * sin(6), 1000 + 1500 * cos(6), 100)) < 60)
    }

    /// A gentle turn (8°/s) under turn modes of 8°/s, and a hard one (40°/s, an FPV drone's) under the
    /// default settings, whose turn modes are for hard manoeuvres (45°/s).
    @Test("IMM: through a coordinated turn, a turn mode takes over and the IMM's error beats constant velocity",
          arguments: [(8.0, 8.0), (40.0, nil)])
    func immOnTurn(turnDegreesPerSecond: Double, modeRate: Double?) throws {
        var settings = TrackerSettings()
        if let modeRate {
            settings.motion.turnRateDegreesPerSecond = modeRate
            settings.motion.turnQHorizontal = 5
            settings.motion.turnQVertical = 1
            settings.motion.modeStayProbability = 0.9
        }
        let imm = settings.makePredictor()
        settings.motion.model = .cv
        let cv = settings.makePredictor()
        let updater = ExtendedKalmanUpdater()
        var rng = SeededGenerator(state: 11)
        // 60 s straight east at 20 m/s, then a left turn for 40 s, at 1.5 km from the radar.
        func truth(_ t: Double) -> ENUVector {
            if t <= 60 { return ENUVector(-600 + 20 * t, -1500, 120) }
            let w = turnDegreesPerSecond * Double.pi / 180, r = 20 / w, a = w * (t - 60)
            return ENUVector(600 + r * sin(a), -1500 + r * (1 - cos(a)), 120)
        }
        let start = state([-600, -1500, 120, 20, 0, 0])
        var estimates = [TrackEstimate(time: t0, state: start, modeProbabilities: [0.8, 0.1, 0.1]), TrackEstimate(time: t0, state: start)]
        var squaredErrors = [0.0, 0.0]
        var leftTurnProbability = 0.0
        for k in 1...100 {
            let time = Timestamp(nanosecondsSinceEpoch: t0.nanosecondsSinceEpoch + Int64(k) * 1_000_000_000)
            let p = truth(Double(k))
            var z = testRadar.measure(StateVector([p.x, p.y, p.z, 0, 0, 0]))
            z[0] += 5 * rng.gaussian()
            z[1] += 0.5 * .pi / 180 * rng.gaussian()
            z[2] += 0.5 * .pi / 180 * rng.gaussian()
            for (index, predictor) in [imm, cv].enumerated() {
                predictor.predict(&estimates[index], to: time)
                let prediction = try #require(updater.predictMeasurement(estimates[index].combined, model: testRadar))
                estimates[index] = updater.update(estimates[index], measurement: z, model: testRadar,
                                                  combinedPrediction: prediction, form: .symmetric)
                if k > 65 { squaredErrors[index] += pow(distance(estimates[index].combined.position, p), 2) }
            }
            if k == 90 { leftTurnProbability = estimates[0].modeProbabilities[1] }
        }
        #expect(leftTurnProbability > 0.5)
        #expect(squaredErrors[0] < squaredErrors[1])
    }
}
