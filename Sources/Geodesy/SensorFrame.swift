// Exact polar measurements in a sensor's own tangent frame.
public import TelemetryModel

/// A sensor's own east-north-up frame: polar measurements taken about the ellipsoid normal and the
/// meridian at the sensor's geodetic position, as a radar levelled and aligned to true north on
/// site measures them.
///
/// For a target T seen from a sensor S, with (e, n, u) = T − S rotated into the tangent frame at S
/// (see ``LocalTangentPlane/enu(ecef:)``):
///
///     range = √(e² + n² + u²),  azimuth = atan2(e, n) (clockwise from north),  elevation = asin(u / range)
///
/// and back, e = range cos(el) sin(az), n = range cos(el) cos(az), u = range sin(el). This is what
/// pymap3d's `geodetic2aer` and `aer2geodetic` compute.
///
/// ``PolarMeasurement/init(of:from:)`` instead measures in the site's ENU axes (the "site-parallel"
/// convention of cuas-scenario/1 files). The two frames differ by a small rotation that grows with
/// the sensor's distance from the site origin:
/// - the up axes tilt by the angle between the two ellipsoid normals, the horizontal distance over
///   the radius of curvature (6335 to 6400 km): about 0.009° per km. Elevations differ by up to
///   that much, 0.045° for a sensor 5 km out, or 8 m of height on a target 10 km away;
/// - the north axes also turn by the meridian convergence Δλ sin φ ≈ (ΔE / R) tan φ, with ΔE the
///   sensor's east offset: 0.0065° per km at Saemangeum (35.85° N), 0.04° per km at 78° N, and
///   without bound toward the poles. Azimuths differ by up to that much.
public struct SensorFrame: Hashable, Sendable {
    /// The tangent frame at the sensor, with its origin at the sensor's position.
    public let plane: LocalTangentPlane

    /// The sensor's position.
    public var position: GeodeticPosition { plane.origin }

    /// The frame of a sensor at `position`.
    public init(position: GeodeticPosition) {
        plane = LocalTangentPlane(origin: position)
    }

    /// The sensor's measurement of `target`.
    public func polar(of target: GeodeticPosition) -> PolarMeasurement {
        PolarMeasurement(of: plane.enu(target), from: .zero)
    }

    /// The position that `measurement` points at.
    public func geodetic(of measurement: PolarMeasurement) -> GeodeticPosition {
        plane.geodetic(measurement.enuOffset)
    }
}
