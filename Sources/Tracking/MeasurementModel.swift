// What a sensor measures of a target's state: the measurement models.
public import TelemetryModel
import Foundation
public import TrackingMath

/// z = h(x) + v, v ~ N(0, R): how one sensor sees a target.
///
/// Measurements are padded to three elements. A model of `dimension` d < 3 leaves elements d..<3 of
/// h(x), of its Jacobian and of every residual at zero, and R's padded diagonal at one, so the padded
/// rows change neither a Kalman update nor a Mahalanobis distance.
public protocol MeasurementModel: Sendable {
    /// How many elements of a measurement are used (1...3).
    var dimension: Int { get }
    /// R: the measurement noise covariance, padded.
    var noiseCovariance: MeasurementCovariance { get }
    /// h(x): the noise-free measurement of a state.
    func measure(_ state: StateVector) -> MeasurementVector
    /// H = ∂h/∂x at `state`.
    func jacobian(at state: StateVector) -> MeasurementJacobian
    /// h(x) and ∂h/∂x together, sharing their work.
    func linearised(at state: StateVector) -> (measurement: MeasurementVector, jacobian: MeasurementJacobian)
    /// `linearised(at:)` written into `measurement` and `jacobian` (every element of both is set): for
    /// the measurement prediction, which returned 168 bytes through the existential and copied them twice.
    func linearise(at state: StateVector, measurement: inout MeasurementVector, jacobian: inout MeasurementJacobian)
    /// z − ẑ, with angles wrapped into (−π, π].
    func residual(_ z: MeasurementVector, _ predicted: MeasurementVector) -> MeasurementVector
    /// The ENU position a measurement points at, with its covariance (J R Jᵀ for a nonlinear model), or
    /// `nil` when the measurement does not fix a position (a bearing).
    func positionEstimate(of z: MeasurementVector) -> (position: Vector<3>, covariance: Matrix<3, 3>)?
    /// The measurement vector of a detection, or why it cannot be one. Non-finite values, values out of
    /// their domain and missing fields are refused here, so none reaches a filter.
    func measurement(of detection: Detection, maximumRange: Double) -> Result<MeasurementVector, TrackerRejection>
}

extension MeasurementModel {
    public func linearised(at state: StateVector) -> (measurement: MeasurementVector, jacobian: MeasurementJacobian) {
        (measure(state), jacobian(at: state))
    }

    public func linearise(at state: StateVector, measurement: inout MeasurementVector, jacobian: inout MeasurementJacobian) {
        (measurement, jacobian) = linearised(at: state)
    }

    /// A model whose measurements a `Detection` cannot carry (a position fix) refuses every detection.
    public func measurement(of detection: Detection, maximumRange: Double) -> Result<MeasurementVector, TrackerRejection> {
        .failure(.missingField)
    }
}

/// Wraps an angle into (−π, π].
/// An innovation of a compass angle in [0, 2π) against an `atan2` in (−π, π] lies within (−π, 3π),
/// so one shift by 2π wraps it; the remainder (a division) is taken only for larger inputs.
@inline(__always) func wrapAngle(_ a: Double) -> Double {
    var x = abs(a) > 3 * .pi ? a.truncatingRemainder(dividingBy: 2 * .pi) : a
    if x > .pi { x -= 2 * .pi } else if x <= -.pi { x += 2 * .pi }
    return x
}

/// A radar's plot: slant range, compass azimuth and elevation from the radar's site.
///
/// z = [r, α, ε]: r in metres, α clockwise from north in radians, ε above the horizontal in radians.
/// With d = (E, N, U) − s for the site s, and ρ = √(dE² + dN²):
///
///     r = |d|,   α = atan2(dE, dN),   ε = atan2(dU, ρ)
///
///     ∂r/∂d = dᵀ / r
///     ∂α/∂d = [dN, −dE, 0] / ρ²
///     ∂ε/∂d = [−dE dU / ρ, −dN dU / ρ, ρ] / r²
///
/// The radar's horizontal plane is taken parallel to the site's (the `cuas-scenario/1` convention);
/// `Geodesy.SensorFrame` gives the exact frame of a distant sensor.
public struct RadarPolarMeasurementModel: MeasurementModel {
    /// The radar's site in the site's ENU frame, metres.
    public let sensorPosition: ENUVector
    /// R = diag(σr², σα², σε²).
    public let noiseCovariance: MeasurementCovariance
    public var dimension: Int { 3 }

    /// A radar at `sensorPosition` with the given standard deviations (metres, degrees, degrees).
    public init(sensorPosition: ENUVector, sigmaRange: Double, sigmaAzimuthDegrees: Double, sigmaElevationDegrees: Double) {
        self.sensorPosition = sensorPosition
        let az = sigmaAzimuthDegrees * .pi / 180, el = sigmaElevationDegrees * .pi / 180
        noiseCovariance = MeasurementCovariance(diagonal: [sigmaRange * sigmaRange, az * az, el * el])
    }

    public func measure(_ x: StateVector) -> MeasurementVector {
        let dE = x[0] - sensorPosition.x, dN = x[1] - sensorPosition.y, dU = x[2] - sensorPosition.z
        let rho2 = dE * dE + dN * dN
        var z = MeasurementVector()
        z[0] = (rho2 + dU * dU).squareRoot()
        z[1] = atan2(dE, dN)
        z[2] = atan2(dU, rho2.squareRoot())
        return z
    }

    public func jacobian(at x: StateVector) -> MeasurementJacobian {
        let dE = x[0] - sensorPosition.x, dN = x[1] - sensorPosition.y, dU = x[2] - sensorPosition.z
        let rho2 = max(dE * dE + dN * dN, 1e-9), rho = rho2.squareRoot()
        let r2 = rho2 + dU * dU, r = r2.squareRoot()
        var h = MeasurementJacobian()
        h[0, 0] = dE / r;                h[0, 1] = dN / r;                h[0, 2] = dU / r
        h[1, 0] = dN / rho2;             h[1, 1] = -dE / rho2
        h[2, 0] = -dE * dU / (rho * r2); h[2, 1] = -dN * dU / (rho * r2); h[2, 2] = rho / r2
        return h
    }

    public func linearised(at x: StateVector) -> (measurement: MeasurementVector, jacobian: MeasurementJacobian) {
        var z = MeasurementVector(), h = MeasurementJacobian()
        linearise(at: x, measurement: &z, jacobian: &h)
        return (z, h)
    }

    public func linearise(at x: StateVector, measurement z: inout MeasurementVector, jacobian h: inout MeasurementJacobian) {
        let dE = x[0] - sensorPosition.x, dN = x[1] - sensorPosition.y, dU = x[2] - sensorPosition.z
        let exactRho2 = dE * dE + dN * dN
        z[0] = (exactRho2 + dU * dU).squareRoot()
        z[1] = atan2(dE, dN)
        z[2] = atan2(dU, exactRho2.squareRoot())
        let rho2 = max(exactRho2, 1e-9), rho = rho2.squareRoot()
        let r2 = rho2 + dU * dU, r = r2.squareRoot()
        h[0, 0] = dE / r;                h[0, 1] = dN / r;                h[0, 2] = dU / r
        h[1, 0] = dN / rho2;             h[1, 1] = -dE / rho2;            h[1, 2] = 0
        h[2, 0] = -dE * dU / (rho * r2); h[2, 1] = -dN * dU / (rho * r2); h[2, 2] = rho / r2
        for i in 0..<3 { for j in 3..<6 { h[i, j] = 0 } }
    }

    public func residual(_ z: MeasurementVector, _ predicted: MeasurementVector) -> MeasurementVector {
        var d = z - predicted
        d[1] = wrapAngle(d[1])
        d[2] = wrapAngle(d[2])
        return d
    }

    /// [r, α, ε] from a plot; r in (0, `maximumRange`], α in [0°, 360°], ε in [−90°, 90°].
    public func measurement(of detection: Detection, maximumRange: Double) -> Result<MeasurementVector, TrackerRejection> {
        guard let range = detection.range, let elevation = detection.elevation else { return .failure(.missingField) }
        let azimuth = detection.azimuth
        guard range.isFinite, azimuth.isFinite, elevation.isFinite else { return .failure(.nonFinite) }
        guard range > 0, range <= maximumRange, (0...360).contains(azimuth), (-90...90).contains(elevation) else {
            return .failure(.outOfRange)
        }
        var z = MeasurementVector()
        z[0] = range
        z[1] = azimuth * .pi / 180
        z[2] = elevation * .pi / 180
        return .success(z)
    }

    /// d = r [cos ε sin α, cos ε cos α, sin ε]; covariance J R Jᵀ with J = ∂d/∂(r, α, ε).
    public func positionEstimate(of z: MeasurementVector) -> (position: Vector<3>, covariance: Matrix<3, 3>)? {
        let r = z[0], sa = sin(z[1]), ca = cos(z[1]), se = sin(z[2]), ce = cos(z[2])
        var p = Vector<3>()
        p[0] = sensorPosition.x + r * ce * sa
        p[1] = sensorPosition.y + r * ce * ca
        p[2] = sensorPosition.z + r * se
        var j = Matrix<3, 3>()
        j[0, 0] = ce * sa; j[0, 1] = r * ce * ca;  j[0, 2] = -r * se * sa
        j[1, 0] = ce * ca; j[1, 1] = -r * ce * sa; j[1, 2] = -r * se * ca
        j[2, 0] = se;      j[2, 1] = 0;            j[2, 2] = r * ce
        return (p, (j * noiseCovariance * j.transposed).symmetrised)
    }
}

/// A direction finder's bearing: compass azimuth only (an RF detector).
///
/// z = [α] with α = atan2(dE, dN); ∂α/∂d = [dN, −dE, 0] / ρ². It updates tracks but cannot start one.
public struct BearingMeasurementModel: MeasurementModel {
    /// The sensor's site in the site's ENU frame, metres.
    public let sensorPosition: ENUVector
    /// R = diag(σα², 1, 1) (the padded elements are unused).
    public let noiseCovariance: MeasurementCovariance
    public var dimension: Int { 1 }

    /// A direction finder at `sensorPosition` with bearing standard deviation `sigmaAzimuthDegrees`.
    public init(sensorPosition: ENUVector, sigmaAzimuthDegrees: Double) {
        self.sensorPosition = sensorPosition
        let az = sigmaAzimuthDegrees * .pi / 180
        noiseCovariance = MeasurementCovariance(diagonal: [az * az, 1, 1])
    }

    public func measure(_ x: StateVector) -> MeasurementVector {
        var z = MeasurementVector()
        z[0] = atan2(x[0] - sensorPosition.x, x[1] - sensorPosition.y)
        return z
    }

    public func jacobian(at x: StateVector) -> MeasurementJacobian {
        let dE = x[0] - sensorPosition.x, dN = x[1] - sensorPosition.y
        let rho2 = max(dE * dE + dN * dN, 1e-9)
        var h = MeasurementJacobian()
        h[0, 0] = dN / rho2
        h[0, 1] = -dE / rho2
        return h
    }

    public func residual(_ z: MeasurementVector, _ predicted: MeasurementVector) -> MeasurementVector {
        var d = MeasurementVector()
        d[0] = wrapAngle(z[0] - predicted[0])
        return d
    }

    public func positionEstimate(of z: MeasurementVector) -> (position: Vector<3>, covariance: Matrix<3, 3>)? { nil }

    /// [α] from a detection's azimuth in [0°, 360°]; a range or elevation it carries is ignored.
    public func measurement(of detection: Detection, maximumRange: Double) -> Result<MeasurementVector, TrackerRejection> {
        guard detection.azimuth.isFinite else { return .failure(.nonFinite) }
        guard (0...360).contains(detection.azimuth) else { return .failure(.outOfRange) }
        var z = MeasurementVector()
        z[0] = detection.azimuth * .pi / 180
        return .success(z)
    }
}

/// A position fix in the site's ENU frame (a cooperative target's GNSS, a Remote ID broadcast, or a
/// WGS84 position converted with `Geodesy.LocalTangentPlane`): the linear model z = [I 0] x.
public struct PositionMeasurementModel: MeasurementModel {
    /// R = diag(σh², σh², σv²).
    public let noiseCovariance: MeasurementCovariance
    public var dimension: Int { 3 }

    /// Position fixes with horizontal and vertical standard deviations, metres.
    public init(sigmaHorizontal: Double, sigmaVertical: Double) {
        noiseCovariance = MeasurementCovariance(diagonal: [sigmaHorizontal * sigmaHorizontal, sigmaHorizontal * sigmaHorizontal,
                                                           sigmaVertical * sigmaVertical])
    }

    public func measure(_ x: StateVector) -> MeasurementVector {
        var z = MeasurementVector()
        z[0] = x[0]; z[1] = x[1]; z[2] = x[2]
        return z
    }

    public func jacobian(at x: StateVector) -> MeasurementJacobian {
        var h = MeasurementJacobian()
        h[0, 0] = 1; h[1, 1] = 1; h[2, 2] = 1
        return h
    }

    public func residual(_ z: MeasurementVector, _ predicted: MeasurementVector) -> MeasurementVector { z - predicted }

    public func positionEstimate(of z: MeasurementVector) -> (position: Vector<3>, covariance: Matrix<3, 3>)? {
        (z, noiseCovariance)
    }
}
