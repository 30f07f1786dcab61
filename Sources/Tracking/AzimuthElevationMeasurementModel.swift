// An EO/IR camera's measurement: azimuth and elevation of the line of sight, no range.
public import TelemetryModel
import Foundation
public import TrackingMath

/// An angle-only imager (an EO/IR camera): compass azimuth and elevation from the sensor's site.
///
/// z = [α, ε] with d = (E, N, U) − s for the site s, ρ = √(dE² + dN²) and r = |d|:
///
///     α = atan2(dE, dN),   ε = atan2(dU, ρ)
///
///     ∂α/∂d = [dN, −dE, 0] / ρ²
///     ∂ε/∂d = [−dE dU / ρ, −dN dU / ρ, ρ] / r²
///
/// the radar's angle rows without its range row. One camera fixes a line, not a point: it updates
/// tracks, and the lines of two or more start them (`PassiveInitiator`).
public struct AzimuthElevationMeasurementModel: AngleOnlyMeasurementModel {
    /// The sensor's site in the site's ENU frame, metres.
    public let sensorPosition: ENUVector
    /// R = diag(σα², σε², 1) (the padded element is unused).
    public let noiseCovariance: MeasurementCovariance
    public var dimension: Int { 2 }

    /// A camera at `sensorPosition` with azimuth and elevation standard deviations in degrees.
    public init(sensorPosition: ENUVector, sigmaAzimuthDegrees: Double, sigmaElevationDegrees: Double) {
        self.sensorPosition = sensorPosition
        let az = sigmaAzimuthDegrees * .pi / 180, el = sigmaElevationDegrees * .pi / 180
        noiseCovariance = MeasurementCovariance(diagonal: [az * az, el * el, 1])
    }

    public func measure(_ x: StateVector) -> MeasurementVector {
        let dE = x[0] - sensorPosition.x, dN = x[1] - sensorPosition.y, dU = x[2] - sensorPosition.z
        var z = MeasurementVector()
        z[0] = atan2(dE, dN)
        z[1] = atan2(dU, (dE * dE + dN * dN).squareRoot())
        return z
    }

    public func jacobian(at x: StateVector) -> MeasurementJacobian {
        let dE = x[0] - sensorPosition.x, dN = x[1] - sensorPosition.y, dU = x[2] - sensorPosition.z
        let rho2 = max(dE * dE + dN * dN, 1e-9), rho = rho2.squareRoot()
        let r2 = rho2 + dU * dU
        var h = MeasurementJacobian()
        h[0, 0] = dN / rho2;             h[0, 1] = -dE / rho2
        h[1, 0] = -dE * dU / (rho * r2); h[1, 1] = -dN * dU / (rho * r2); h[1, 2] = rho / r2
        return h
    }

    public func residual(_ z: MeasurementVector, _ predicted: MeasurementVector) -> MeasurementVector {
        var d = MeasurementVector()
        d[0] = wrapAngle(z[0] - predicted[0])
        d[1] = wrapAngle(z[1] - predicted[1])
        return d
    }

    public func positionEstimate(of z: MeasurementVector) -> (position: Vector<3>, covariance: Matrix<3, 3>)? { nil }

    /// [α, ε] from a detection's azimuth in [0°, 360°] and elevation in [−90°, 90°]; a range it
    /// carries is ignored, a missing elevation refused.
    public func measurement(of detection: Detection, maximumRange: Double) -> Result<MeasurementVector, TrackerRejection> {
        guard let elevation = detection.elevation else { return .failure(.missingField) }
        guard detection.azimuth.isFinite, elevation.isFinite else { return .failure(.nonFinite) }
        guard (0...360).contains(detection.azimuth), (-90...90).contains(elevation) else { return .failure(.outOfRange) }
        var z = MeasurementVector()
        z[0] = detection.azimuth * .pi / 180
        z[1] = elevation * .pi / 180
        return .success(z)
    }

    public func lineOfSight(of z: MeasurementVector) -> LineOfSight {
        LineOfSight(origin: Vector(site: sensorPosition), azimuth: z[0], sigmaAzimuth: noiseCovariance[0, 0].squareRoot(),
                    elevation: z[1], sigmaElevation: noiseCovariance[1, 1].squareRoot())
    }
}
