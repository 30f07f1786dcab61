// `haechi doctor`: the structural checks of `haechi recover`, without writing anything.
import SessionRecording
import MCAPCodec
import Foundation
public import TestbedConfiguration

/// Runs `haechi doctor`.
public enum RecordingDoctorRunner {
    /// Reads `path` as `haechi recover` would (every record, CRCs checked, damaged chunks skipped)
    /// into nothing, then, for a finalised file, reads it again strictly through its summary and
    /// index. Throws only when the file cannot be read or is not MCAP at all.
    public static func run(path: String) throws(RuntimeError) -> RecordingDiagnosis {
        var isDirectory: ObjCBool = false
        // Mapped, not read: a long trial's recording can be larger than memory.
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let bytes = try? MappedFile(path: path) else {
            throw RuntimeError(code: .io, file: path, message: "no such recording, or it cannot be read")
        }
        let report: MCAPRecoveryReport
        do {
            var options = MCAPWriterOptions()
            options.compression = .none
            report = try MCAPRecovery.rebuild(reading: bytes, into: DiscardingOutput(), options: options)
        } catch {
            throw RuntimeError(code: .io, file: path, message: error.code == .invalidMagic
                               ? "is not an MCAP file (it does not start with the MCAP magic)" : "cannot be read: \(error.message)")
        }
        var problems: [String] = []
        if !report.wasFinalised {
            problems.append("not finalised: the run was killed or the disk filled before the recording was closed; "
                            + "haechi recover rebuilds it from its \(report.messagesRecovered) readable messages")
        }
        for region in report.skippedRegions {
            problems.append("damaged at byte \(region.offset): \(region.length) bytes skipped (\(region.chunks) chunk(s)"
                            + (region.messages.map { ", \($0) message(s)" } ?? "") + "): \(region.error.message)")
        }
        if report.wasFinalised, report.bytesDiscarded > 0, let stop = report.stopReason {
            problems.append("unreadable after byte \(report.readLength) of \(report.inputSize): \(stop.message)")
        }
        var summaryMessages: UInt64?
        if report.wasFinalised {
            let reader = MCAPReader(source: bytes, options: MCAPReaderOptions(validateCRCs: true))
            do {
                if let summary = try reader.readSummary() {
                    summaryMessages = summary.statistics?.messageCount
                    if let counted = summaryMessages, counted != report.messagesRecovered {
                        problems.append("the summary counts \(counted) messages, and \(report.messagesRecovered) can be read")
                    }
                    var messages = try reader.messages(order: .logTime)
                    var indexed: UInt64 = 0
                    while try messages.next() != nil { indexed += 1 }
                    if indexed != report.messagesRecovered {
                        problems.append("the chunk index reaches \(indexed) messages, and \(report.messagesRecovered) can be read")
                    }
                } else {
                    problems.append("finalised without a summary section: nothing is indexed")
                }
            } catch {
                problems.append("the summary or index does not read: \(error.message)")
            }
        }
        var notes: [String] = []
        do {
            let session = try RecordedSession(path: path)
            let rebuilt = session.library.hasPrefix("haechi recover")
            if rebuilt { notes.append("rebuilt by haechi recover from a recording that was never finalised") }
            if report.wasFinalised && session.end == nil {
                // A rebuilt file never has it: its run was killed. Any other finalised file should.
                if rebuilt {
                    notes.append("no haechi.run_end metadata: the run did not end cleanly")
                } else {
                    problems.append("no haechi.run_end metadata: the run did not end cleanly")
                }
            }
        } catch {
            problems.append(error.message)
        }
        return RecordingDiagnosis(path: path, bytes: report.inputSize, finalised: report.wasFinalised,
                                  messagesReadable: report.messagesRecovered, chunksReadable: report.chunksRecovered,
                                  chunksDamaged: report.chunksSkipped, bytesSkipped: report.bytesSkipped,
                                  bytesAfterLastRecord: report.bytesDiscarded, summaryMessages: summaryMessages, problems: problems,
                                  notes: notes)
    }
}

/// An MCAP output that keeps nothing: `doctor` runs the recovery for what it finds, not what it writes.
private final class DiscardingOutput: MCAPOutput {
    private(set) var position: UInt64 = 0
    func write(_ bytes: UnsafeRawBufferPointer) throws { position += UInt64(bytes.count) }
}
