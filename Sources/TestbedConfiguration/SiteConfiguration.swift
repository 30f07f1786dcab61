// The test site of a config file.
public import TelemetryModel

/// The test site.
public struct SiteConfiguration: Hashable, Sendable {
    /// A name for reports.
    public var name: String
    /// The origin of the local east-north-up frame.
    public var origin: GeodeticPosition
    /// The geoid separation N at the site (WGS84 ellipsoid minus mean sea level), metres.
    public var geoidSeparation: Double
}
