// How a target moves between two times: the tracker's motion models.
import Foundation
public import TrackingMath

/// A linear-Gaussian motion model: x(t + Δt) = F(Δt) x(t) + w, w ~ N(0, Q(Δt)).
///
/// Every model here moves position by velocity and leaves position out of the velocity's future, so
/// F has the block form [[I, B], [0, D]] (`LinearMotion`), which the prediction exploits.
public protocol TransitionModel: Sendable {
    /// F(Δt) and Q(Δt) for a step of `dt` seconds (dt ≥ 0), in block form.
    func motion(over dt: Double) -> LinearMotion
}

extension TransitionModel {
    /// F(Δt) and Q(Δt) as full 6 × 6 matrices.
    public func matrices(over dt: Double) -> (transition: StateCovariance, noise: StateCovariance) {
        let m = motion(over: dt)
        return (m.transition, m.noiseCovariance)
    }

    /// The white-noise-acceleration process noise of a constant-velocity model, per axis:
    /// Q = q [[Δt³/3, Δt²/2], [Δt²/2, Δt]] on (position, velocity), with q the acceleration noise's
    /// power spectral density (m²/s³): `horizontal` for east and north, `vertical` for up.
    static func whiteNoiseAcceleration(dt: Double, horizontal: Double, vertical: Double) -> AxisNoise {
        var q = AxisNoise()
        let t3 = dt * dt * dt / 3, t2 = dt * dt / 2
        for axis in 0..<3 {
            let psd = axis == 2 ? vertical : horizontal
            q.position[axis] = psd * t3
            q.cross[axis] = psd * t2
            q.velocity[axis] = psd * dt
        }
        return q
    }
}

/// Nearly constant velocity in three dimensions (Stone Soup's `ConstantVelocity` on each axis).
///
/// F = [[I, Δt I], [0, I]]; Q as in `whiteNoiseAcceleration`.
public struct ConstantVelocityTransitionModel: TransitionModel, Codable, Hashable {
    /// Horizontal acceleration noise PSD q, m²/s³ (east and north).
    public let horizontalNoise: Double
    /// Vertical acceleration noise PSD q, m²/s³.
    public let verticalNoise: Double

    /// Creates the model.
    public init(horizontalNoise: Double, verticalNoise: Double) {
        self.horizontalNoise = horizontalNoise
        self.verticalNoise = verticalNoise
    }

    public func motion(over dt: Double) -> LinearMotion {
        var b = Matrix<3, 3>()
        for axis in 0..<3 { b[axis, axis] = dt }
        return LinearMotion(positionFromVelocity: b, velocityFromVelocity: .identity,
                            noise: Self.whiteNoiseAcceleration(dt: dt, horizontal: horizontalNoise, vertical: verticalNoise))
    }
}

/// A coordinated turn at a known rate ω in the horizontal plane, constant velocity vertically.
///
/// With s = sin ωΔt and c = cos ωΔt (ω > 0 turns anticlockwise seen from above, i.e. to the left):
///
///     E' = E + (s/ω) vE − ((1 − c)/ω) vN        vE' = c vE − s vN
///     N' = N + ((1 − c)/ω) vE + (s/ω) vN        vN' = s vE + c vN
///
/// U and vU follow the constant-velocity model. Q is the constant-velocity model's, which is the usual
/// choice for the fixed-rate turn modes of an IMM (Bar-Shalom, Li and Kirubarajan 2001, §11.7).
public struct CoordinatedTurnTransitionModel: TransitionModel, Codable, Hashable {
    /// The turn rate ω, radians per second (positive: to the left).
    public let turnRate: Double
    /// Horizontal acceleration noise PSD q, m²/s³.
    public let horizontalNoise: Double
    /// Vertical acceleration noise PSD q, m²/s³.
    public let verticalNoise: Double

    /// Creates the model.
    public init(turnRate: Double, horizontalNoise: Double, verticalNoise: Double) {
        self.turnRate = turnRate
        self.horizontalNoise = horizontalNoise
        self.verticalNoise = verticalNoise
    }

    public func motion(over dt: Double) -> LinearMotion {
        var b = Matrix<3, 3>(), d = Matrix<3, 3>.identity
        let w = turnRate
        if abs(w * dt) < 1e-9 {
            for axis in 0..<3 { b[axis, axis] = dt }
        } else {
            let s = sin(w * dt), c = cos(w * dt)
            b[0, 0] = s / w;        b[0, 1] = -(1 - c) / w
            b[1, 0] = (1 - c) / w;  b[1, 1] = s / w
            d[0, 0] = c;            d[0, 1] = -s
            d[1, 0] = s;            d[1, 1] = c
            b[2, 2] = dt
        }
        return LinearMotion(positionFromVelocity: b, velocityFromVelocity: d,
                            noise: Self.whiteNoiseAcceleration(dt: dt, horizontal: horizontalNoise, vertical: verticalNoise))
    }
}

/// One step of a motion model: F = [[I, B], [0, D]] on x = [p, v], and the process noise Q.
///
/// With P = [[Ppp, Ppv], [Pvp, Pvv]] the prediction F P Fᵀ + Q is computed by blocks,
///
///     M = B Pvv
///     Ppp⁻ = Ppp + B Pvp + (B Pvp)ᵀ + M Bᵀ
///     Ppv⁻ = (Ppv + M) Dᵀ
///     Pvv⁻ = D Pvv Dᵀ
///
/// five 3 × 3 products instead of two 6 × 6 ones: the tracker predicts every mode of every track on
/// every scan, and this was most of its time.
///
/// B, D and Q's per-axis terms live in one `Matrix<9, 3>`, the elements the kernel reads: B at 0, D at
/// 9, then Q's position, cross and velocity terms at 18, 21 and 24.
public struct LinearMotion: Sendable {
    /// B (rows 0 to 2), D (rows 3 to 5), Q's position, cross and velocity terms (rows 6, 7, 8).
    package var storage: Matrix<9, 3>

    /// Creates a step.
    public init(positionFromVelocity: Matrix<3, 3>, velocityFromVelocity: Matrix<3, 3>, noise: AxisNoise) {
        storage = Matrix()
        self.positionFromVelocity = positionFromVelocity
        self.velocityFromVelocity = velocityFromVelocity
        self.noise = noise
    }

    /// B: position change per unit of velocity (Δt I for constant velocity).
    public var positionFromVelocity: Matrix<3, 3> {
        get { block(row: 0) }
        set { setBlock(newValue, row: 0) }
    }
    /// D: the velocity's transition (I for constant velocity, a rotation for a turn).
    public var velocityFromVelocity: Matrix<3, 3> {
        get { block(row: 3) }
        set { setBlock(newValue, row: 3) }
    }
    /// Q.
    public var noise: AxisNoise {
        get {
            var q = AxisNoise()
            for axis in 0..<3 {
                q.position[axis] = storage[6, axis]
                q.cross[axis] = storage[7, axis]
                q.velocity[axis] = storage[8, axis]
            }
            return q
        }
        set {
            for axis in 0..<3 {
                storage[6, axis] = newValue.position[axis]
                storage[7, axis] = newValue.cross[axis]
                storage[8, axis] = newValue.velocity[axis]
            }
        }
    }

    private func block(row: Int) -> Matrix<3, 3> {
        var m = Matrix<3, 3>()
        storage.withElements { x in m.withMutableElements { $0.copy(from: x + row * 3, count: 9) } }
        return m
    }

    private mutating func setBlock(_ m: Matrix<3, 3>, row: Int) {
        storage.withMutableElements { x in m.withElements { (x + row * 3).copy(from: $0, count: 9) } }
    }

    /// Q as a full matrix.
    public var noiseCovariance: StateCovariance {
        let noise = noise
        var q = StateCovariance()
        for axis in 0..<3 {
            q[axis, axis] = noise.position[axis]
            q[axis, axis + 3] = noise.cross[axis]
            q[axis + 3, axis] = noise.cross[axis]
            q[axis + 3, axis + 3] = noise.velocity[axis]
        }
        return q
    }

    /// F as a full matrix.
    public var transition: StateCovariance {
        let b = positionFromVelocity, d = velocityFromVelocity
        var f = StateCovariance.identity
        for i in 0..<3 {
            for j in 0..<3 {
                f[i, j + 3] = b[i, j]
                f[i + 3, j + 3] = d[i, j]
            }
        }
        return f
    }

    /// x⁻ = F x, P⁻ = F P Fᵀ + Q, exactly symmetric (only the upper triangle is computed).
    public func apply(to state: inout GaussianState) {
        storage.withElements { motion in
            state.storage.withMutableElements { Self.apply(motion, to: $0) }
        }
    }

    /// `apply(to:)` of the motion whose elements (`storage`) are `motion`, on a state's 42 elements
    /// (`GaussianState.storage`), in place.
    ///
    /// Written on elements with the operations of the block formulas above, in the same order as
    /// `Matrix` arithmetic would do them (each product's sums from zero, k ascending), so the result is
    /// bit for bit the same; the matrix form spent more time in its temporaries and calls than in the
    /// arithmetic, and it runs for every mode of every track on every scan.
    static func apply(_ motion: MatrixElements, to x: MutableMatrixElements) {
        let b = motion, d = motion + 9
        let qp = motion + 18, qc = motion + 21, qv = motion + 24
        let p = x + GaussianState.covarianceOffset   // P, row-major
        var scratch = Matrix<15, 3>()
        scratch.withMutableElements { t in
            // m = B Pvv, bPvp = B Ppvᵀ (Ppv[j, k] = p[j * 6 + k + 3]), dPvv = D Pvv, sum = Ppv + m.
            let m = t, bPvp = t + 9, dPvv = t + 18, sum = t + 27, v = t + 36, bv = t + 39, vNext = t + 42
            for i in 0..<3 { v[i] = x[i + 3] }
            for i in 0..<3 {
                bv[i] = 0 + b[i * 3] * v[0] + b[i * 3 + 1] * v[1] + b[i * 3 + 2] * v[2]
                vNext[i] = 0 + d[i * 3] * v[0] + d[i * 3 + 1] * v[1] + d[i * 3 + 2] * v[2]
                for j in 0..<3 {
                    let pvv0 = p[3 * 6 + j + 3], pvv1 = p[4 * 6 + j + 3], pvv2 = p[5 * 6 + j + 3]
                    bPvp[i * 3 + j] = 0 + b[i * 3] * p[j * 6 + 3] + b[i * 3 + 1] * p[j * 6 + 4] + b[i * 3 + 2] * p[j * 6 + 5]
                    m[i * 3 + j] = 0 + b[i * 3] * pvv0 + b[i * 3 + 1] * pvv1 + b[i * 3 + 2] * pvv2
                    dPvv[i * 3 + j] = 0 + d[i * 3] * pvv0 + d[i * 3 + 1] * pvv1 + d[i * 3 + 2] * pvv2
                }
            }
            for i in 0..<3 { for j in 0..<3 { sum[i * 3 + j] = p[i * 6 + j + 3] + m[i * 3 + j] } }
            for i in 0..<3 {
                for j in i..<3 {
                    let mbT = 0 + m[i * 3] * b[j * 3] + m[i * 3 + 1] * b[j * 3 + 1] + m[i * 3 + 2] * b[j * 3 + 2]
                    let ppp = p[i * 6 + j] + bPvp[i * 3 + j] + bPvp[j * 3 + i] + mbT
                    let pvv = 0 + dPvv[i * 3] * d[j * 3] + dPvv[i * 3 + 1] * d[j * 3 + 1] + dPvv[i * 3 + 2] * d[j * 3 + 2]
                    let pp = ppp + (i == j ? qp[i] : 0), vv = pvv + (i == j ? qv[i] : 0)
                    p[i * 6 + j] = pp
                    p[j * 6 + i] = pp
                    p[(i + 3) * 6 + j + 3] = vv
                    p[(j + 3) * 6 + i + 3] = vv
                }
            }
            // Ppv⁻ = (Ppv + M) Dᵀ, from `sum` (Ppv is overwritten as it goes).
            for i in 0..<3 {
                x[i] = x[i] + bv[i]
                x[i + 3] = vNext[i]
                for j in 0..<3 {
                    let ppv = 0 + sum[i * 3] * d[j * 3] + sum[i * 3 + 1] * d[j * 3 + 1] + sum[i * 3 + 2] * d[j * 3 + 2]
                    let pv = ppv + (i == j ? qc[i] : 0)
                    p[i * 6 + j + 3] = pv
                    p[(j + 3) * 6 + i] = pv
                }
            }
        }
    }
}

/// A process noise Q with no correlation between axes: per axis (east, north, up), the variances of
/// position and velocity and their covariance.
public struct AxisNoise: Sendable {
    /// Q[axis, axis].
    public var position = Vector<3>()
    /// Q[axis, axis + 3] = Q[axis + 3, axis].
    public var cross = Vector<3>()
    /// Q[axis + 3, axis + 3].
    public var velocity = Vector<3>()

    /// No noise.
    public init() {}
}
