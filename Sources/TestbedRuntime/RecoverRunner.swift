// `haechi recover`: an unfinished recording rebuilt, indexed, beside the original.
import MCAPCodec
import SessionRecording
import Foundation
public import TestbedConfiguration

/// Runs `haechi recover`.
public enum RecoverRunner {
    /// The default output name: `x.mcap` → `x.recovered.mcap`.
    public static func defaultOutput(for path: String) -> String {
        (path.hasSuffix(".mcap") ? String(path.dropLast(5)) : path) + ".recovered.mcap"
    }

    /// Rebuilds `path` into `output` (by default beside it); never overwrites.
    public static func run(path: String, output: String? = nil) throws(RuntimeError) -> RecoverReport {
        let target = output ?? defaultOutput(for: path)
        // Mapped, not read: a long trial's recording can be larger than memory.
        guard let bytes = try? MappedFile(path: path) else {
            throw RuntimeError(code: .io, file: path, message: "cannot read the recording")
        }
        let descriptor = open(target, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let code = errno
            throw RuntimeError(code: .io, file: target, message: "cannot create the recovered file: \(String(cString: strerror(code)))"
                               + (code == EEXIST ? " (it exists; nothing is overwritten)" : ""))
        }
        let out = FileDescriptorOutput(fileDescriptor: descriptor)
        do {
            let report = try MCAPRecovery.rebuild(reading: bytes, into: out,
                                                  options: MCAPWriterOptions(profile: RecordingLayout.profile, library: "haechi recover",
                                                                             summarySpillDirectory: URL(fileURLWithPath: target).deletingLastPathComponent().path))
            try out.synchronize()
            close(descriptor)
            return RecoverReport(input: path, output: target, details: report.description, messages: report.messagesRecovered,
                                 chunksSkipped: report.chunksSkipped, bytesSkipped: report.bytesSkipped,
                                 messagesSkipped: report.messagesSkipped,
                                 skipped: report.skippedRegions.isEmpty ? nil : report.skippedSummary)
        } catch {
            close(descriptor)
            unlink(target)
            throw RuntimeError(code: .io, file: path, message: error.message.hasPrefix("cannot recover") ? error.message : "cannot recover: \(error.message)")
        }
    }
}
