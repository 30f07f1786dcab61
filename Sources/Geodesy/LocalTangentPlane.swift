// The site's local east-north-up frame, anchored at a WGS84 origin.
public import TelemetryModel
import Foundation

/// The local east-north-up (ENU) tangent frame at a WGS84 origin: the range's working frame.
public struct LocalTangentPlane: Hashable, Sendable {
    /// The origin of the frame.
    public let origin: GeodeticPosition
    private let originECEF: SIMD3<Double>
    /// Rows: the east, north and up unit vectors, in ECEF.
    private let east: SIMD3<Double>, north: SIMD3<Double>, up: SIMD3<Double>

    /// The frame at `origin`.
    public init(origin: GeodeticPosition) {
        self.origin = origin
        originECEF = WGS84.ecef(origin)
        let lat = origin.latitude * .pi / 180, lon = origin.longitude * .pi / 180
        let sinLat = sin(lat), cosLat = cos(lat), sinLon = sin(lon), cosLon = cos(lon)
        east = SIMD3(-sinLon, cosLon, 0)
        north = SIMD3(-sinLat * cosLon, -sinLat * sinLon, cosLat)
        up = SIMD3(cosLat * cosLon, cosLat * sinLon, sinLat)
    }

    /// ENU coordinates (metres) of a geodetic position: `enu(ecef: WGS84.ecef(position))`.
    public func enu(_ position: GeodeticPosition) -> ENUVector {
        enu(ecef: WGS84.ecef(position))
    }

    /// The geodetic position of ENU coordinates (metres): `WGS84.geodetic(ecef: ecef(enu: enu))`.
    public func geodetic(_ enu: ENUVector) -> GeodeticPosition {
        WGS84.geodetic(ecef: ecef(enu: enu))
    }

    /// ENU coordinates (metres) of an ECEF point (metres).
    ///
    /// With d = r − r₀ (r₀ the origin's ECEF position, φ₀ and λ₀ its latitude and longitude),
    ///
    ///     e = −sin λ₀ dx + cos λ₀ dy
    ///     n = −sin φ₀ cos λ₀ dx − sin φ₀ sin λ₀ dy + cos φ₀ dz
    ///     u =  cos φ₀ cos λ₀ dx + cos φ₀ sin λ₀ dy + sin φ₀ dz
    public func enu(ecef r: SIMD3<Double>) -> ENUVector {
        let d = r - originECEF
        return ENUVector((east * d).sum(), (north * d).sum(), (up * d).sum())
    }

    /// The ECEF point (metres) of ENU coordinates (metres): r = r₀ + e·ê + n·n̂ + u·û, the inverse
    /// rotation of ``enu(ecef:)``, with ê, n̂ and û the east, north and up unit vectors in ECEF.
    public func ecef(enu: ENUVector) -> SIMD3<Double> {
        originECEF + east * enu.x + north * enu.y + up * enu.z
    }
}

/// A sensor's polar measurement of a point: slant range, compass azimuth and elevation.
public struct PolarMeasurement: Hashable, Sendable {
    /// Slant range, metres.
    public var range: Double
    /// Compass azimuth, degrees clockwise from north, in [0, 360).
    public var azimuth: Double
    /// Elevation above the sensor's horizontal plane, degrees, in [−90, 90].
    public var elevation: Double

    /// Creates a measurement.
    public init(range: Double, azimuth: Double, elevation: Double) {
        self.range = range
        self.azimuth = azimuth
        self.elevation = elevation
    }

    /// The measurement of `target` from a sensor at `sensor`, both in the same ENU frame.
    ///
    /// range = |d|, azimuth = atan2(dE, dN) (clockwise from north), elevation = asin(dU / range),
    /// with d = target − sensor. The sensor's horizontal plane is taken parallel to the site's,
    /// which holds within a few kilometres of the origin (the tilt is about 0.009° per km); for the
    /// exact measurement in the sensor's own tangent frame, see ``SensorFrame``.
    public init(of target: ENUVector, from sensor: ENUVector) {
        let d = target - sensor
        let r = (d * d).sum().squareRoot()
        var az = atan2(d.x, d.y) * 180 / .pi
        if az < 0 { az += 360 }
        if az >= 360 { az -= 360 }
        range = r
        azimuth = az
        elevation = r > 0 ? asin(max(-1, min(1, d.z / r))) * 180 / .pi : 0
    }

    /// The ENU offset from the sensor that this measurement points at.
    public var enuOffset: ENUVector {
        let az = azimuth * .pi / 180, el = elevation * .pi / 180
        return ENUVector(range * cos(el) * sin(az), range * cos(el) * cos(az), range * sin(el))
    }
}
