// What a replay did: the `replay` object of the regenerated ingest summary.

/// What a replay did (the `replay` object of the regenerated ingest summary).
public struct ReplayCounters: Sendable, Encodable {
    /// The recording and its run.
    public var recording: String
    public var runID: String
    /// The pacing, `max` or a factor.
    public var speed: String
    /// Frames fed through the pipeline, and frames outside `--from`/`--to`.
    public var framesReplayed: UInt64
    public var framesSkipped: UInt64
    /// Frames re-emitted with `--publish`.
    public var framesPublished: UInt64
    /// Track lines the replay produced, and the lines the live run recorded.
    public var trackLines: UInt64
    public var recordedTrackLines: UInt64
    /// Whether the replay's track lines equal the recorded ones, byte for byte (`nil` when a
    /// `--from`/`--to` window makes them incomparable, or the live run did not track).
    public var tracksMatchRecording: Bool?
    /// The first line (1-based) where they differ, when they do.
    public var firstTrackDifference: UInt64?
    /// Recorded span and wall time, seconds; their ratio.
    public var recordedSeconds: Double
    public var wallSeconds: Double
    public var realTimeFactor: Double?
    /// Whether the recording was finalised (else it was read up to its last complete chunk).
    public var recordingFinalised: Bool

    enum CodingKeys: String, CodingKey {
        case recording, runID = "run_id", speed, framesReplayed = "frames_replayed", framesSkipped = "frames_skipped"
        case framesPublished = "frames_published", trackLines = "track_lines", recordedTrackLines = "recorded_track_lines"
        case tracksMatchRecording = "tracks_match_recording", firstTrackDifference = "first_track_difference"
        case recordedSeconds = "recorded_seconds", wallSeconds = "wall_seconds", realTimeFactor = "real_time_factor"
        case recordingFinalised = "recording_finalised"
    }
}
