// What the recorder did in a run: the `recording` object of the ingest summary.
import SessionRecording

/// What the recorder did (the `recording` object of the ingest summary).
public struct RecordingCounters: Sendable, Encodable {
    /// The file.
    public var path: String
    /// The run's id in the run log (`haechi runs`, `haechi report RUN_ID`).
    public var runID: String
    /// Frames written.
    public var framesRecorded: UInt64
    /// Frames not written because writing had failed.
    public var framesLost: UInt64
    /// Frames recorded on an endpoint's overflow channel, the frame channels being at their cap.
    public var framesOverflowed: UInt64
    /// Truth and track fixes recorded on `/truth/!overflow` or `/tracks/!overflow`.
    public var fixesOverflowed: UInt64
    /// Sensor records whose sensor was left off `/sites`, which was at its cap.
    public var sitesLeftOut: UInt64
    /// Whether the file was finalised (summary and footer written).
    public var finalised: Bool
    /// Why writing failed, if it did.
    public var failure: String?

    enum CodingKeys: String, CodingKey {
        case path, runID = "run_id", framesRecorded = "frames_recorded", framesLost = "frames_lost", finalised, failure
        case framesOverflowed = "frames_overflowed", fixesOverflowed = "fixes_overflowed", sitesLeftOut = "sites_left_out"
    }

    init(recorder: SessionRecorder, finalised: Bool) {
        path = recorder.path
        runID = recorder.run.runID
        framesRecorded = recorder.framesRecorded
        framesLost = recorder.framesLost
        framesOverflowed = recorder.framesOverflowed
        fixesOverflowed = recorder.fixesOverflowed
        sitesLeftOut = recorder.sitesLeftOut
        self.finalised = finalised
        failure = recorder.failure?.message
    }
}
