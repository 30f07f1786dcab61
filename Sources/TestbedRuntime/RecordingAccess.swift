// Opening a recording for the commands that read one (`info`, `cat`, `doctor`), with errors that name
// the file and say what to do.
public import SessionRecording
import Foundation
public import TestbedConfiguration

/// Opens recordings for reading, with errors a person can act on.
public enum RecordingAccess {
    /// Opens `path`: a missing file, a file that is not MCAP, and an MCAP file Haechi did not record
    /// each get their own message.
    public static func open(_ path: String) throws(RuntimeError) -> RecordedSession {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw RuntimeError(code: .io, file: path, message: "no such recording (recordings are Replays/run-<UTC start>.mcap; "
                               + "haechi runs list names them)")
        }
        guard !isDirectory.boolValue else {
            throw RuntimeError(code: .io, file: path, message: "is a folder; name one recording in it (Replays/run-<UTC start>.mcap)")
        }
        do {
            return try RecordedSession(path: path)
        } catch {
            let advice = error.code == .notAHaechiRecording ? "" : " (haechi doctor checks it; haechi recover rebuilds a damaged one)"
            throw RuntimeError(code: .io, file: path, message: error.message + advice)
        }
    }

    /// The ingest config the recording was made with (its `haechi.run` metadata).
    public static func configuration(of session: RecordedSession) throws(RuntimeError) -> IngestConfiguration {
        try IngestConfiguration.parse(session.provenance.configText, file: session.provenance.configFile,
                                      recordedTrackerText: session.provenance.trackerText)
    }
}
