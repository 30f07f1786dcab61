// What `haechi cat` prints: the source and the receive-time window of the frames it selects.

/// What `haechi cat` prints, and which frames.
public struct RecordingCatOptions: Sendable {
    /// Only frames of this source (a topic such as `json/radar-1`, or a malformed frame's source).
    public var source: String?
    /// Only frames received at or after / at or before these times.
    public var from: RecordingTime?
    public var to: RecordingTime?

    public init(source: String? = nil, from: RecordingTime? = nil, to: RecordingTime? = nil) {
        self.source = source
        self.from = from
        self.to = to
    }
}
