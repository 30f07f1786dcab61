// What a progress amount counts: seconds of a recording or bytes of a file.

/// What a progress amount counts.
public enum ProgressUnit: Sendable {
    /// Seconds of a recording.
    case seconds
    /// Bytes of a file.
    case bytes
}
