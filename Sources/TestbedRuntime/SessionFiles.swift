// Where recordings go, what they are called, and which of them a crash left unfinished.
public import SessionRecording
import MCAPCodec
import ZeroMQIngest
import TransportSettings
public import TelemetryModel
import Foundation
public import TestbedConfiguration

/// The recordings folder: new run files, never overwritten, and unfinished ones found at start.
public enum SessionFiles {
    /// The default folder, relative to the working directory.
    public static let defaultDirectory = "Replays"

    /// A run id from the start time: `run-20261125T003512Z`.
    public static func runID(started: Timestamp) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd'T'HHmmss'Z'"
        return "run-" + formatter.string(from: Date(timeIntervalSince1970: started.secondsSinceEpoch))
    }

    /// Creates the recorder of a run in `directory` (created if missing). The file is
    /// `<run-id>.mcap`, or `<run-id>-2.mcap`, … when that exists: a recording is never overwritten.
    /// The recording's frame channels are capped at the config's `limits.max_sources`, as the counters are.
    public static func makeRecorder(directory: String, configuration: IngestConfiguration, started: Timestamp,
                                    options: RecordingOptions) throws(RuntimeError) -> SessionRecorder {
        var options = options
        options.maximumFrameChannels = configuration.maximumSources
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw RuntimeError(code: .io, file: directory, message: "cannot create the recordings folder: \(RuntimeError.reason(error))")
        }
        let base = runID(started: started)
        for attempt in 1...1000 {
            let id = attempt == 1 ? base : "\(base)-\(attempt)"
            let path = (directory as NSString).appendingPathComponent(id + ".mcap")
            if FileManager.default.fileExists(atPath: path) { continue }
            let run = RunProvenance(runID: id, configFile: configuration.file, configText: configuration.text,
                                    trackerText: configuration.tracking.trackerText, version: HaechiVersion.version, commit: HaechiVersion.commit, siteName: configuration.site.name,
                                    siteOrigin: configuration.site.origin, started: started)
            do {
                return try SessionRecorder(path: path, run: run, endpointNames: configuration.endpoints.map(\.name), options: options)
            } catch where error.code == .cannotCreate && FileManager.default.fileExists(atPath: path) {
                continue   // created by someone else in between: take the next name
            } catch {
                throw RuntimeError(code: .io, file: path, message: error.message)
            }
        }
        throw RuntimeError(code: .io, file: directory, message: "no free recording name for \(base)")
    }

    /// The `.mcap` files in `directory` that were never finalised (a crash or a kill), oldest first.
    public static func unfinished(in directory: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        var out: [String] = []
        for name in names.sorted() where name.hasSuffix(".mcap") && !name.hasSuffix(".recovered.mcap") {
            let path = (directory as NSString).appendingPathComponent(name)
            if names.contains(String(name.dropLast(5)) + ".recovered.mcap") { continue }   // already recovered
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard descriptor >= 0 else { continue }
            defer { close(descriptor) }
            // A run still writing it holds an exclusive lock: not unfinished, just not finished yet.
            if flock(descriptor, LOCK_SH | LOCK_NB) != 0 { continue }
            if let status = try? MCAPFileStatus.check(fileDescriptor: descriptor), !status.isFinalised, status != .notMCAP {
                out.append(path)
            }
        }
        return out
    }

    /// Whether a running ingest is writing the recording at `path` (it holds an exclusive `flock(2)`).
    public static func isBeingWritten(_ path: String) -> Bool {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        return flock(descriptor, LOCK_SH | LOCK_NB) != 0
    }
}
