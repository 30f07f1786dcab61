// The WGS84 ellipsoid and conversions between geodetic and Earth-centred coordinates.
public import TelemetryModel
import Foundation

/// The WGS84 reference ellipsoid (NIMA TR8350.2).
public enum WGS84 {
    /// Semi-major axis, metres.
    public static let semiMajorAxis = 6_378_137.0
    /// Flattening.
    public static let flattening = 1.0 / 298.257_223_563
    /// First eccentricity squared, e² = f(2 − f).
    public static let eccentricitySquared = flattening * (2 - flattening)
    /// Semi-minor axis, metres.
    public static let semiMinorAxis = semiMajorAxis * (1 - flattening)
    /// Second eccentricity squared, e'² = (a² − b²) / b².
    public static let secondEccentricitySquared = (semiMajorAxis * semiMajorAxis - semiMinorAxis * semiMinorAxis) / (semiMinorAxis * semiMinorAxis)

    /// Earth-centred, Earth-fixed coordinates of a geodetic position, metres.
    ///
    /// x = (N + h) cos φ cos λ, y = (N + h) cos φ sin λ, z = (N (1 − e²) + h) sin φ,
    /// with the prime-vertical radius N = a / √(1 − e² sin² φ).
    public static func ecef(_ p: GeodeticPosition) -> SIMD3<Double> {
        let lat = p.latitude * .pi / 180, lon = p.longitude * .pi / 180
        let sinLat = sin(lat), cosLat = cos(lat)
        let n = semiMajorAxis / (1 - eccentricitySquared * sinLat * sinLat).squareRoot()
        return SIMD3((n + p.ellipsoidalHeight) * cosLat * cos(lon),
                     (n + p.ellipsoidalHeight) * cosLat * sin(lon),
                     (n * (1 - eccentricitySquared) + p.ellipsoidalHeight) * sinLat)
    }

    /// The geodetic position of ECEF coordinates.
    ///
    /// Bowring's (1976) closed form for the first latitude, then fixed-point refinements of
    /// φ = atan2(z, p (1 − e² N / (N + h))), with p = √(x² + y²): sub-millimetre from the Earth's
    /// surface to well above any drone.
    ///
    /// The height is h = p cos φ + z sin φ − a √(1 − e² sin² φ), which holds at every latitude; the
    /// textbook h = p / cos φ − N loses precision as 1 / cos φ near the poles (0.4 mm a metre
    /// from the polar axis, 17 cm a millimetre from it).
    public static func geodetic(ecef r: SIMD3<Double>) -> GeodeticPosition {
        let a = semiMajorAxis, b = semiMinorAxis, e2 = eccentricitySquared
        let lon = atan2(r.y, r.x)
        let p = (r.x * r.x + r.y * r.y).squareRoot()
        let theta = atan2(r.z * a, p * b)
        var lat = atan2(r.z + secondEccentricitySquared * b * pow(sin(theta), 3), p - e2 * a * pow(cos(theta), 3))
        func height(_ lat: Double) -> (h: Double, n: Double) {
            let sinLat = sin(lat)
            let w = (1 - e2 * sinLat * sinLat).squareRoot()
            return (p * cos(lat) + r.z * sinLat - a * w, a / w)
        }
        for _ in 0..<3 {
            let (h, n) = height(lat)
            lat = atan2(r.z, p * (1 - e2 * n / (n + h)))
        }
        return GeodeticPosition(latitude: lat * 180 / .pi, longitude: lon * 180 / .pi, ellipsoidalHeight: height(lat).h)
    }
}
