// The human-readable end-of-run report of `haechi ingest`.
import TelemetryModel
import TelemetryIngest
import Foundation

extension IngestSummary {
    /// A table per source: frames, records by kind, rejections by reason, sequence loss.
    public var textReport: String {
        var rows: [[String]] = [["source", "frames", "records", "malformed", "seq gaps/missing", "rejected by reason"]]
        func row(_ name: String, _ s: SourceStatistics) -> [String] {
            let records = s.records.values.reduce(0, +)
            let reasons = s.malformed.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " ")
            return [name, "\(s.framesReceived)", "\(records)", "\(s.framesMalformed)",
                    "\(s.sequence.gaps)/\(s.sequence.missing)", reasons.isEmpty ? "-" : reasons]
        }
        for key in sources.keys.sorted() { rows.append(row(key, sources[key]!)) }
        rows.append(row("TOTAL", totals))
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var text = replay == nil
            ? "haechi ingest: stopped (\(stopReason.rawValue)) after \(totals.framesReceived) frames from \(sources.count) sources\n"
            : "haechi replay: \(totals.framesReceived) frames from \(sources.count) sources\n"
        for (index, row) in rows.enumerated() {
            let cells = row.enumerated().map { column, cell in
                column == 0 || column == row.count - 1
                    ? cell + String(repeating: " ", count: widths[column] - cell.count)
                    : String(repeating: " ", count: widths[column] - cell.count) + cell
            }
            text += cells.joined(separator: "  ").trimmingTrailingSpaces + "\n"
            if index == 0 || index == rows.count - 2 {
                text += widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n"
            }
        }
        let totalRecords = totals.records.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " ")
        text += "records by kind: \(totalRecords.isEmpty ? "none" : totalRecords)\n"
        if let recording {
            text += "recording: \(recording.path), \(recording.framesRecorded) frames"
                + (recording.finalised ? "" : " (NOT finalised: haechi recover \(recording.path))") + "\n"
        }
        if let replay {
            text += "replayed \(replay.framesReplayed) frames of \(replay.recording) in \(String(format: "%.2f", replay.wallSeconds)) s"
            if let match = replay.tracksMatchRecording {
                text += match ? "; tracks identical to the live run's" : "; tracks DIFFER from the live run's"
            }
            text += "\n"
        }
        return text
    }
}

private extension String {
    var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
