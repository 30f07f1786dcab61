// Differential tests: every fast kernel on elements against the plain matrix form it replaces, over
// random well-conditioned inputs. Where a kernel keeps the matrix form's operations in the same order,
// the two must agree bit for bit; where it computes the same quantity another way (by blocks), they
// must agree to a few units in the last place of the result's scale.
import Foundation
import Testing
import TelemetryModel
import TestSupport
@testable import Tracking
import TrackingMath

@Suite("Kernels against the matrix form")
struct KernelDifferentialTests {
    static let trials = 200

    // MARK: random inputs

    /// A uniform double in [lo, hi).
    static func uniform(_ lo: Double, _ hi: Double, _ rng: inout SeededGenerator) -> Double {
        Double.random(in: lo..<hi, using: &rng)
    }

    /// A random symmetric positive-definite covariance A Aᵀ + εI, with position variances of tens to
    /// thousands of m² and velocity variances of units to hundreds, and random correlations.
    static func covariance(_ rng: inout SeededGenerator) -> StateCovariance {
        var a = StateCovariance()
        for i in 0..<6 {
            let scale = i < 3 ? uniform(3, 40, &rng) : uniform(0.5, 10, &rng)
            for j in 0..<6 { a[i, j] = scale * uniform(-1, 1, &rng) }
        }
        var p = a * a.transposed
        for i in 0..<6 { p[i, i] += i < 3 ? 1 : 0.1 }
        return p.symmetrised
    }

    static func state(_ rng: inout SeededGenerator) -> GaussianState {
        var x = StateVector()
        for i in 0..<3 { x[i] = uniform(-3000, 3000, &rng) }
        x[2] = uniform(20, 400, &rng)
        for i in 3..<6 { x[i] = uniform(-40, 40, &rng) }
        return GaussianState(mean: x, covariance: covariance(&rng))
    }

    /// Whether `a` and `b` agree to `ulps` units in the last place of the larger magnitude in `a`.
    static func close<let R: Int, let C: Int>(_ a: Matrix<R, C>, _ b: Matrix<R, C>, ulps: Double = 64) -> Bool {
        var scale = 0.0
        for i in 0..<R { for j in 0..<C { scale = max(scale, abs(a[i, j])) } }
        let tolerance = ulps * scale.ulp
        for i in 0..<R { for j in 0..<C where !(abs(a[i, j] - b[i, j]) <= tolerance) { return false } }
        return true
    }

    /// Whether every element is the same double.
    static func identical<let R: Int, let C: Int>(_ a: Matrix<R, C>, _ b: Matrix<R, C>) -> Bool {
        for i in 0..<R { for j in 0..<C where a[i, j].bitPattern != b[i, j].bitPattern { return false } }
        return true
    }

    static let motionModels: [any TransitionModel] = [
        ConstantVelocityTransitionModel(horizontalNoise: 5, verticalNoise: 1),
        CoordinatedTurnTransitionModel(turnRate: 45 * .pi / 180, horizontalNoise: 60, verticalNoise: 4),
        CoordinatedTurnTransitionModel(turnRate: -12 * .pi / 180, horizontalNoise: 5, verticalNoise: 1),
    ]

    // MARK: the prediction

    @Test("The prediction by blocks equals F P Fᵀ + Q, and the block formulas in matrix form bit for bit")
    func predictionByBlocks() {
        var rng = SeededGenerator(state: 16)
        for trial in 0..<Self.trials {
            let model = Self.motionModels[trial % Self.motionModels.count]
            let motion = model.motion(over: Self.uniform(0.05, 3, &rng))
            let before = Self.state(&rng)
            var after = before
            motion.apply(to: &after)

            // The plain form: x⁻ = F x, P⁻ = F P Fᵀ + Q.
            let f = motion.transition
            #expect(Self.close(f * before.mean, after.mean))
            #expect(Self.close(f * before.covariance * f.transposed + motion.noiseCovariance, after.covariance))

            // The block formulas, written with `Matrix` arithmetic in the kernel's order.
            let b = motion.positionFromVelocity, d = motion.velocityFromVelocity, q = motion.noiseCovariance
            var ppp = Matrix<3, 3>(), ppv = Matrix<3, 3>(), pvv = Matrix<3, 3>(), v = Vector<3>(), p = Vector<3>()
            for i in 0..<3 {
                p[i] = before.mean[i]
                v[i] = before.mean[i + 3]
                for j in 0..<3 {
                    ppp[i, j] = before.covariance[i, j]
                    ppv[i, j] = before.covariance[i, j + 3]
                    pvv[i, j] = before.covariance[i + 3, j + 3]
                }
            }
            let m = b * pvv, bPvp = b * ppv.transposed
            var expectedPpp = ppp + bPvp + bPvp.transposed + m * b.transposed
            var expectedPvv = d * pvv * d.transposed
            var expectedPpv = (ppv + m) * d.transposed
            for i in 0..<3 {
                expectedPpp[i, i] += q[i, i]
                expectedPvv[i, i] += q[i + 3, i + 3]
                expectedPpv[i, i] += q[i, i + 3]
            }
            var expected = StateCovariance()
            for i in 0..<3 {
                for j in 0..<3 {
                    // The kernel computes the upper triangle of each symmetric block and mirrors it.
                    expected[i, j] = i <= j ? expectedPpp[i, j] : expectedPpp[j, i]
                    expected[i + 3, j + 3] = i <= j ? expectedPvv[i, j] : expectedPvv[j, i]
                    expected[i, j + 3] = expectedPpv[i, j]
                    expected[j + 3, i] = expectedPpv[i, j]
                }
            }
            let pNext = p + b * v, vNext = d * v
            var expectedMean = StateVector()
            for i in 0..<3 {
                expectedMean[i] = pNext[i]
                expectedMean[i + 3] = vNext[i]
            }
            #expect(Self.identical(expected, after.covariance))
            #expect(Self.identical(expectedMean, after.mean))
        }
    }

    // MARK: the mixture

    /// x = Σ wᵢ xᵢ, P = Σ wᵢ (Pᵢ + dᵢ dᵢᵀ), in matrix form.
    static func plainMixture(_ states: [GaussianState], _ weights: [Double]) -> GaussianState {
        var mean = StateVector()
        for (s, w) in zip(states, weights) where w > 0 { mean = mean + w * s.mean }
        var covariance = StateCovariance()
        for (s, w) in zip(states, weights) where w > 0 {
            let d = s.mean - mean
            covariance = covariance + w * (s.covariance + d * d.transposed)
        }
        return GaussianState(mean: mean, covariance: covariance)
    }

    @Test("The IMM mixture equals its matrix form bit for bit, zero weights included")
    func mixture() {
        var rng = SeededGenerator(state: 7)
        for trial in 0..<Self.trials {
            let count = 1 + trial % 3
            let states = (0..<count).map { _ in Self.state(&rng) }
            var weights = (0..<count).map { _ in Self.uniform(0.01, 1, &rng) }
            if count == 3 && trial % 2 == 0 { weights[1] = 0 }
            let total = weights.reduce(0, +)
            weights = weights.map { $0 / total }

            var estimate = TrackEstimate(time: Timestamp(nanosecondsSinceEpoch: 0), state: states[0],
                                         modeProbabilities: weights)
            for j in 0..<count { estimate.setMode(j, states[j]) }
            estimate.recombine()
            let expected = Self.plainMixture(states, weights)
            #expect(Self.identical(expected.mean, estimate.combined.mean))
            #expect(Self.identical(expected.covariance, estimate.combined.covariance))
        }
    }

    // MARK: the measurement prediction and the correction

    /// A model whose Jacobian has velocity columns (a range rate), so the prediction takes its full sums.
    struct RangeAndRangeRateModel: MeasurementModel {
        let noiseCovariance = MeasurementCovariance(diagonal: [25, 0.25, 1])
        var dimension: Int { 2 }

        func measure(_ x: StateVector) -> MeasurementVector {
            let range = (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).squareRoot()
            var z = MeasurementVector()
            z[0] = range
            z[1] = (x[0] * x[3] + x[1] * x[4] + x[2] * x[5]) / range
            return z
        }

        func jacobian(at x: StateVector) -> MeasurementJacobian {
            let range = (x[0] * x[0] + x[1] * x[1] + x[2] * x[2]).squareRoot()
            let rate = (x[0] * x[3] + x[1] * x[4] + x[2] * x[5]) / range
            var h = MeasurementJacobian()
            for i in 0..<3 {
                h[0, i] = x[i] / range
                h[1, i] = (x[i + 3] - rate * x[i] / range) / range
                h[1, i + 3] = x[i] / range
            }
            return h
        }

        func residual(_ z: MeasurementVector, _ predicted: MeasurementVector) -> MeasurementVector { z - predicted }
        func positionEstimate(of z: MeasurementVector) -> (position: Vector<3>, covariance: Matrix<3, 3>)? { nil }
        func measurement(of detection: Detection, maximumRange: Double) -> Result<MeasurementVector, TrackerRejection> {
            .failure(.outOfRange)
        }
    }

    static func models(_ rng: inout SeededGenerator) -> [any MeasurementModel] {
        let site = ENUVector(Self.uniform(-500, 500, &rng), Self.uniform(-500, 500, &rng), Self.uniform(0, 30, &rng))
        return [
            RadarPolarMeasurementModel(sensorPosition: site, sigmaRange: 5, sigmaAzimuthDegrees: 0.5, sigmaElevationDegrees: 0.5),
            BearingMeasurementModel(sensorPosition: site, sigmaAzimuthDegrees: 2),
            AzimuthElevationMeasurementModel(sensorPosition: site, sigmaAzimuthDegrees: 0.3, sigmaElevationDegrees: 0.3),
            PositionMeasurementModel(sigmaHorizontal: 5, sigmaVertical: 8),
            RangeAndRangeRateModel(),
        ]
    }

    @Test("The EKF's measurement prediction equals Pxz = P Hᵀ, S = sym(H Pxz + R) and S's Cholesky factor bit for bit")
    func measurementPrediction() throws {
        var rng = SeededGenerator(state: 3)
        let updater = ExtendedKalmanUpdater()
        for _ in 0..<Self.trials {
            let state = Self.state(&rng)
            for model in Self.models(&rng) {
                let prediction = try #require(updater.predictMeasurement(state, model: model))
                let (z, h) = model.linearised(at: state.mean)
                let cross = state.covariance * h.transposed
                let s = (h * cross + model.noiseCovariance).symmetrised
                let factor = try #require(s.choleskyFactor)
                #expect(Self.identical(z, prediction.mean))
                #expect(Self.identical(try #require(prediction.jacobian), h))
                #expect(Self.identical(cross, prediction.crossCovariance))
                #expect(Self.identical(s, prediction.innovationCovariance))
                #expect(Self.identical(factor, prediction.innovationFactor))

                // The squared Mahalanobis distance, |L⁻¹ ν|².
                var innovation = MeasurementVector()
                for i in 0..<3 { innovation[i] = Self.uniform(-3, 3, &rng) * s[i, i].squareRoot() }
                #expect(prediction.squaredMahalanobis(innovation).bitPattern
                        == factor.forwardSubstitute(innovation).squaredNorm.bitPattern)
            }
        }
    }

    @Test("The symmetric-form correction equals K = Pxz S⁻¹, x + K ν, sym(P − K Pxzᵀ) bit for bit; the Joseph form stays close")
    func correction() throws {
        var rng = SeededGenerator(state: 11)
        let updater = ExtendedKalmanUpdater()
        for _ in 0..<Self.trials {
            let state = Self.state(&rng)
            for model in Self.models(&rng) {
                let prediction = try #require(updater.predictMeasurement(state, model: model))
                var z = model.measure(state.mean)
                for i in 0..<model.dimension { z[i] += Self.uniform(-2, 2, &rng) * model.noiseCovariance[i, i].squareRoot() }
                let innovation = model.residual(z, prediction.mean)

                let gain = prediction.innovationFactor.choleskySolve(prediction.crossCovariance.transposed).transposed
                let mean = state.mean + gain * innovation
                let covariance = (state.covariance - gain * prediction.crossCovariance.transposed).symmetrised
                let fast = ExtendedKalmanUpdater.correct(state, z: z, model: model, prediction: prediction, form: .symmetric)
                #expect(Self.identical(mean, fast.mean))
                #expect(Self.identical(covariance, fast.covariance))

                // The Joseph form is written in matrix form; it must agree with the symmetric one to rounding.
                let joseph = ExtendedKalmanUpdater.correct(state, z: z, model: model, prediction: prediction, form: .joseph)
                #expect(Self.close(mean, joseph.mean, ulps: 1e6))
                #expect(Self.close(covariance, joseph.covariance, ulps: 1e8))
            }
        }
    }

    // MARK: the IMM, whole

    @Test("An IMM prediction and update equal the plain mixing, F P Fᵀ + Q, correction and reweighting")
    func immCycle() throws {
        var rng = SeededGenerator(state: 5)
        let stay = 0.9
        let switching = (0..<3).map { i in (0..<3).map { j in i == j ? stay : (1 - stay) / 2 } }
        let predictor = IMMPredictor(models: Self.motionModels, switching: switching)
        let updater = ExtendedKalmanUpdater()
        for _ in 0..<Self.trials / 4 {
            let modes = (0..<3).map { _ in Self.state(&rng) }
            var mu = (0..<3).map { _ in Self.uniform(0.05, 1, &rng) }
            let total = mu.reduce(0, +)
            mu = mu.map { $0 / total }
            var estimate = TrackEstimate(time: Timestamp(nanosecondsSinceEpoch: 0), state: modes[0], modeProbabilities: mu)
            for j in 0..<3 { estimate.setMode(j, modes[j]) }
            estimate.recombine()
            let dt = Self.uniform(0.1, 2, &rng)
            predictor.predict(&estimate, with: predictor.step(over: dt))

            // Plain mixing and prediction.
            var c = [0.0, 0.0, 0.0]
            for j in 0..<3 { for i in 0..<3 { c[j] += switching[i][j] * mu[i] } }
            var predicted: [GaussianState] = []
            for j in 0..<3 {
                let weights = (0..<3).map { i in switching[i][j] * mu[i] / c[j] }
                let mixed = Self.plainMixture(modes, weights)
                let motion = Self.motionModels[j].motion(over: dt)
                let f = motion.transition
                predicted.append(GaussianState(mean: f * mixed.mean,
                                               covariance: f * mixed.covariance * f.transposed + motion.noiseCovariance))
                #expect(Self.close(predicted[j].mean, estimate.mode(j).mean))
                #expect(Self.close(predicted[j].covariance, estimate.mode(j).covariance))
                #expect(estimate.modeProbabilities[j] == c[j])
            }

            // Plain update of every mode and reweighting by likelihood.
            let model = Self.models(&rng)[0]
            var z = model.measure(estimate.combined.mean)
            z[0] += 10
            let combinedPrediction = try #require(updater.predictMeasurement(estimate.combined, model: model))
            var updated = estimate
            updater.update(&updated, measurement: z, model: model, combinedPrediction: combinedPrediction, form: .symmetric,
                           requireFinite: true)
            var logWeights: [Double] = []
            var corrected: [GaussianState] = []
            for j in 0..<3 {
                let mode = estimate.mode(j)
                let prediction = try #require(updater.predictMeasurement(mode, model: model))
                let innovation = model.residual(z, prediction.mean)
                // log N(ν; 0, S) and the correction, in matrix form.
                let factor = prediction.innovationFactor
                var logDeterminant = 0.0
                for i in 0..<3 { logDeterminant += 2 * log(factor[i, i]) }
                let distance = factor.forwardSubstitute(innovation).squaredNorm
                logWeights.append(log(c[j]) - 0.5 * (distance + logDeterminant + Double(model.dimension) * log(2 * .pi)))
                let gain = factor.choleskySolve(prediction.crossCovariance.transposed).transposed
                corrected.append(GaussianState(mean: mode.mean + gain * innovation,
                                               covariance: (mode.covariance - gain * prediction.crossCovariance.transposed).symmetrised))
            }
            let largest = logWeights.max()!
            let unnormalised = logWeights.map { exp($0 - largest) }
            let weights = unnormalised.map { $0 / unnormalised.reduce(0, +) }
            for j in 0..<3 {
                #expect(Self.identical(corrected[j].mean, updated.mode(j).mean))
                #expect(Self.identical(corrected[j].covariance, updated.mode(j).covariance))
                #expect(abs(updated.modeProbabilities[j] - weights[j]) <= 1e-12)
            }
            let mixture = Self.plainMixture(corrected, (0..<3).map { updated.modeProbabilities[$0] })
            #expect(Self.identical(mixture.mean, updated.combined.mean))
            #expect(Self.identical(mixture.covariance, updated.combined.covariance))
        }
    }

    // MARK: the storage

    @Test("A state, a prediction and a motion give back what they were given, and matrices are contiguous")
    func storageRoundTrips() {
        var rng = SeededGenerator(state: 2)
        let state = Self.state(&rng)
        let copy = GaussianState(mean: state.mean, covariance: state.covariance)
        #expect(Self.identical(copy.storage, state.storage))
        #expect(Matrix<7, 6>.isContiguous && Matrix<21, 6>.isContiguous && Matrix<19, 3>.isContiguous && Matrix<1, 1>.isContiguous)
        #expect(MemoryLayout<Matrix<7, 6>>.size == 42 * MemoryLayout<Double>.size)

        let motion = Self.motionModels[1].motion(over: 0.7)
        let rebuilt = LinearMotion(positionFromVelocity: motion.positionFromVelocity,
                                   velocityFromVelocity: motion.velocityFromVelocity, noise: motion.noise)
        #expect(Self.identical(rebuilt.storage, motion.storage))

        var prediction = MeasurementPrediction()
        #expect(prediction.jacobian == nil)
        var h = MeasurementJacobian()
        for i in 0..<3 { for j in 0..<6 { h[i, j] = Double(i * 6 + j) } }
        prediction.jacobian = h
        prediction.crossCovariance = h.transposed
        #expect(Self.identical(prediction.jacobian!, h) && Self.identical(prediction.crossCovariance, h.transposed))
        #expect(Self.identical(prediction.innovationFactor, MeasurementCovariance()))
        prediction.jacobian = nil
        #expect(prediction.jacobian == nil)
    }
}
