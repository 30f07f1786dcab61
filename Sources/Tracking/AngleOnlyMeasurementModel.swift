// Sensors that measure angles alone (direction finders, cameras): the rays the passive initiator crosses.
import TelemetryModel
public import TrackingMath

/// A line of sight from a sensor: the geometry of one angle-only measurement.
public struct LineOfSight: Sendable {
    /// The sensor's site in the site's ENU frame, metres.
    public var origin: Vector<3>
    /// Compass azimuth, radians clockwise from north.
    public var azimuth: Double
    /// The azimuth's standard deviation, radians.
    public var sigmaAzimuth: Double
    /// Elevation above the horizontal, radians, when the sensor measures it.
    public var elevation: Double?
    /// The elevation's standard deviation, radians (unused without an elevation).
    public var sigmaElevation: Double

    /// Creates a line of sight.
    public init(origin: Vector<3>, azimuth: Double, sigmaAzimuth: Double, elevation: Double? = nil, sigmaElevation: Double = 0) {
        self.origin = origin
        self.azimuth = azimuth
        self.sigmaAzimuth = sigmaAzimuth
        self.elevation = elevation
        self.sigmaElevation = sigmaElevation
    }
}

/// A measurement model of a sensor that measures direction but not range. Its measurements fix no
/// position, so one sensor alone cannot start a track; the lines of sight of several can
/// (`PassiveInitiator`).
public protocol AngleOnlyMeasurementModel: MeasurementModel {
    /// The line of sight a measurement `z` describes.
    func lineOfSight(of z: MeasurementVector) -> LineOfSight
}

extension BearingMeasurementModel: AngleOnlyMeasurementModel {
    public func lineOfSight(of z: MeasurementVector) -> LineOfSight {
        LineOfSight(origin: Vector(site: sensorPosition), azimuth: z[0], sigmaAzimuth: noiseCovariance[0, 0].squareRoot())
    }
}

extension Matrix where R == 3, C == 1 {
    /// A sensor's site as a column vector.
    init(site: ENUVector) {
        self.init()
        self[0] = site.x
        self[1] = site.y
        self[2] = site.z
    }
}
