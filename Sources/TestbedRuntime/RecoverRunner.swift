// `haechi recover`: an unfinished recording rebuilt, indexed, beside the original.
import MCAPCodec
import SessionRecording
import Foundation
public import TestbedConfiguration

/// What `haechi recover` did.
public struct RecoverReport: Sendable {
    /// The input and the rebuilt file.
    public var input: String
    public var output: String
    /// The codec's account: what was kept and where the input stopped.
    public var details: String
    /// Frames (and other messages) kept.
    public var messages: UInt64
    /// Damaged chunks skipped, the bytes of the damaged stretches skipped, and the messages they
    /// held (`nil` when that cannot be known).
    public var chunksSkipped: Int
    public var bytesSkipped: UInt64
    public var messagesSkipped: UInt64?
    /// The line on what was skipped; `nil` when nothing was.
    public var skipped: String?

    /// A report for people.
    public var text: String {
        "recovered \(messages) messages from \(input) into \(output)\n" + (skipped.map { $0 + "\n" } ?? "") + "\(details)\n"
    }
}

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
