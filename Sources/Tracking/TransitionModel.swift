// How a target moves between two times: the tracker's motion models.
import Foundation

/// A linear-Gaussian motion model: x(t + Δt) = F(Δt) x(t) + w, w ~ N(0, Q(Δt)).
public protocol TransitionModel: Sendable {
    /// F(Δt) and Q(Δt) for a step of `dt` seconds (dt ≥ 0).
    func matrices(over dt: Double) -> (transition: StateCovariance, noise: StateCovariance)
}

extension TransitionModel {
    /// The white-noise-acceleration process noise of a constant-velocity model, per axis:
    /// Q = q [[Δt³/3, Δt²/2], [Δt²/2, Δt]] on (position, velocity), with q the acceleration noise's
    /// power spectral density (m²/s³): `horizontal` for east and north, `vertical` for up.
    static func whiteNoiseAcceleration(dt: Double, horizontal: Double, vertical: Double) -> StateCovariance {
        var q = StateCovariance()
        let t3 = dt * dt * dt / 3, t2 = dt * dt / 2
        for axis in 0..<3 {
            let psd = axis == 2 ? vertical : horizontal
            q[axis, axis] = psd * t3
            q[axis, axis + 3] = psd * t2
            q[axis + 3, axis] = psd * t2
            q[axis + 3, axis + 3] = psd * dt
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

    public func matrices(over dt: Double) -> (transition: StateCovariance, noise: StateCovariance) {
        var f = StateCovariance.identity
        for axis in 0..<3 { f[axis, axis + 3] = dt }
        return (f, Self.whiteNoiseAcceleration(dt: dt, horizontal: horizontalNoise, vertical: verticalNoise))
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

    public func matrices(over dt: Double) -> (transition: StateCovariance, noise: StateCovariance) {
        var f = StateCovariance.identity
        let w = turnRate
        if abs(w * dt) < 1e-9 {
            for axis in 0..<3 { f[axis, axis + 3] = dt }
        } else {
            let s = sin(w * dt), c = cos(w * dt)
            f[0, 3] = s / w;        f[0, 4] = -(1 - c) / w
            f[1, 3] = (1 - c) / w;  f[1, 4] = s / w
            f[3, 3] = c;            f[3, 4] = -s
            f[4, 3] = s;            f[4, 4] = c
            f[2, 5] = dt
        }
        return (f, Self.whiteNoiseAcceleration(dt: dt, horizontal: horizontalNoise, vertical: verticalNoise))
    }
}
