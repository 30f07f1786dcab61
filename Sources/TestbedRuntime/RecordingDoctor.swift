// `haechi doctor`: the structural checks of `haechi recover`, without writing anything.
import SessionRecording
import MCAPCodec
import Foundation
public import TestbedConfiguration

/// What `haechi doctor` found.
public struct RecordingDiagnosis: Encodable, Sendable {
    public var path: String
    public var bytes: UInt64
    /// Whether the file ends with its footer.
    public var finalised: Bool
    /// Messages readable (what `haechi recover` would keep), chunks read whole, and damaged chunks.
    public var messagesReadable: UInt64
    public var chunksReadable: Int
    public var chunksDamaged: Int
    /// Bytes of damaged stretches skipped, and bytes after the last complete record.
    public var bytesSkipped: UInt64
    public var bytesAfterLastRecord: UInt64
    /// What the summary section says, for a finalised file: its message count.
    public var summaryMessages: UInt64?
    /// Each problem, in words; none for a healthy recording.
    public var problems: [String]
    /// Facts worth knowing that are not problems (a file rebuilt by `haechi recover`).
    public var notes: [String]
    /// Whether the file is a sound, finalised Haechi recording.
    public var healthy: Bool { problems.isEmpty }

    enum CodingKeys: String, CodingKey {
        case path, bytes, finalised, problems, notes, healthy
        case messagesReadable = "messages_readable", chunksReadable = "chunks_readable", chunksDamaged = "chunks_damaged"
        case bytesSkipped = "bytes_skipped", bytesAfterLastRecord = "bytes_after_last_record", summaryMessages = "summary_messages"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(path, forKey: .path)
        try c.encode(bytes, forKey: .bytes)
        try c.encode(finalised, forKey: .finalised)
        try c.encode(messagesReadable, forKey: .messagesReadable)
        try c.encode(chunksReadable, forKey: .chunksReadable)
        try c.encode(chunksDamaged, forKey: .chunksDamaged)
        try c.encode(bytesSkipped, forKey: .bytesSkipped)
        try c.encode(bytesAfterLastRecord, forKey: .bytesAfterLastRecord)
        try c.encode(summaryMessages, forKey: .summaryMessages)
        try c.encode(problems, forKey: .problems)
        try c.encode(notes, forKey: .notes)
        try c.encode(healthy, forKey: .healthy)
    }

    /// The report as pretty, key-sorted JSON text.
    public func jsonText() throws -> String { try summaryJSON(self) }
}

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
