// A WGS84 position.

/// A position on the WGS84 ellipsoid.
public struct GeodeticPosition: Hashable, Sendable, Codable {
    /// Latitude, degrees north, in [-90, 90].
    public var latitude: Double
    /// Longitude, degrees east, in [-180, 180].
    public var longitude: Double
    /// Height above the WGS84 ellipsoid, metres (not above mean sea level).
    public var ellipsoidalHeight: Double

    /// Creates a position.
    public init(latitude: Double, longitude: Double, ellipsoidalHeight: Double) {
        self.latitude = latitude
        self.longitude = longitude
        self.ellipsoidalHeight = ellipsoidalHeight
    }

    /// Whether every component is finite and the angles are in range.
    public var isValid: Bool {
        latitude.isFinite && longitude.isFinite && ellipsoidalHeight.isFinite
            && (-90...90).contains(latitude) && (-180...180).contains(longitude)
    }
}

/// A vector in the site's local east-north-up frame: metres, or metres per second.
public typealias ENUVector = SIMD3<Double>
