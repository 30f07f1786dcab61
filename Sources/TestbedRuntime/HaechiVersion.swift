// The software's name and version, as written into summaries and (later) recordings.

/// Haechi's identity.
public enum HaechiVersion {
    /// The release version.
    public static let version = "0.1.0"
    /// The program name.
    public static let name = "haechi"
}
