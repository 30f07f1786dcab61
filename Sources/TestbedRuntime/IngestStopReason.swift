// Why an ingest run (or a replay) ended: the `stop_reason` of its summary.

/// Why an ingest run ended.
public enum IngestStopReason: String, Sendable, Codable {
    /// SIGINT (Ctrl-C) or SIGTERM.
    case signal
    /// `--duration` elapsed.
    case duration
    /// `--idle-timeout` elapsed without a frame.
    case idle
    /// `--startup-timeout` elapsed before the first frame: nothing was sending.
    case noFrames = "no_frames"
    /// A socket failed.
    case failure
    /// Writing the recording failed (a full disk).
    case recordingFailure = "recording_failure"
    /// Not stopped: an interim summary (`--summary-every`), `ended_utc` being when it was written.
    case running
    /// A replay reached the end of the recording (or of `--to`).
    case endOfRecording = "end_of_recording"
}
