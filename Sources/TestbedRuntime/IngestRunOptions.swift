// How `haechi ingest` runs: when it stops, what it records and reports, and who watches it.
public import SessionRecording

/// When an ingest run stops, and what it reports.
public struct IngestRunOptions: Sendable {
    /// Stop after this many seconds.
    public var duration: Double?
    /// Stop once a frame has arrived and then none for this many seconds.
    public var idleTimeout: Double?
    /// Write the JSON summary here.
    public var summaryPath: String?
    /// Who watches the run (the command line's banner and status line); `nil`: no one.
    public var observer: (any IngestObserver)?
    /// Record the session into this folder (`nil`: do not record).
    public var recordDirectory: String?
    /// How the recording is written.
    public var recording: RecordingOptions
    /// Also write the live tracker's track lines to this file.
    public var tracksOut: String?
    /// The range's key that signs the run-log entry (``RangeKey``; `nil`: the default).
    public var rangeKeyPath: String?
    /// Rewrite the summary (``summaryPath``) this often during the run, with `stop_reason` `running`.
    public var summaryInterval: Double?
    /// Fail when no frame has arrived this many seconds after the start (a sender that never started).
    public var startupTimeout: Double?

    /// Options; with none set, the run lasts until a signal and records into `Replays/`.
    public init(duration: Double? = nil, idleTimeout: Double? = nil, summaryPath: String? = nil, observer: (any IngestObserver)? = nil,
                recordDirectory: String? = SessionFiles.defaultDirectory, recording: RecordingOptions = RecordingOptions(),
                tracksOut: String? = nil, rangeKeyPath: String? = nil, summaryInterval: Double? = nil, startupTimeout: Double? = nil) {
        self.startupTimeout = startupTimeout
        self.rangeKeyPath = rangeKeyPath
        self.summaryInterval = summaryInterval
        self.duration = duration
        self.idleTimeout = idleTimeout
        self.summaryPath = summaryPath
        self.observer = observer
        self.recordDirectory = recordDirectory
        self.recording = recording
        self.tracksOut = tracksOut
    }
}
