// `haechi info`: what a recording holds.
import ArgumentParser
import TestbedRuntime
import TelemetryIngest
import TelemetryModel
import Foundation

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show what a recording holds: its run, time span, sources, channels, truth and tracks.",
        discussion: """
            Reads the recording through, feeding its frames to the decode stage its recorded config \
            describes (as a replay does, without the tracker), so the per-source counts are the ones \
            the live run counted: frames, records, malformed frames by reason. Prints the run id, \
            the span in receive time and in data time (the records' own times), every channel with \
            its message count, whether truth and tracks are present, whether the file was \
            finalised or rebuilt by haechi recover, and its SHA-256. Reference: docs/cli.md. Exit \
            status: 0, or 1 when the file cannot be read.
            """
    )

    @Argument(help: ArgumentHelp("The recording.", valueName: "file.mcap"))
    var file: String

    @Flag(name: .long, help: "Print the report as JSON.")
    var json = false

    func run() throws {
        let info: RecordingInfo
        do { info = try RecordingInfoRunner.run(path: file) } catch { throw error.reported() }
        if json {
            print(try info.jsonText(), terminator: "")
            return
        }
        print(Self.text(info), terminator: "")
    }

    static func text(_ info: RecordingInfo) -> String {
        var out = "recording: \(info.path)\n"
        let state = info.finalised ? (info.recovered ? "finalised (rebuilt by haechi recover)" : "finalised")
            : "NOT finalised (haechi recover \(info.path) rebuilds it)"
        out += "  \(info.bytes) bytes, \(state)\n  sha256: \(info.sha256)\n"
        if let stop = info.readStopped { out += "  read up to: \(stop)\n" }
        out += "run: \(info.runID), started \(info.started), haechi \(info.version) (\(info.commit)), config \(info.configFile)"
            + (info.site.isEmpty ? "" : ", site \(info.site)") + "\n"
        func span(_ name: String, _ span: RecordingInfo.Span?) -> String {
            guard let span else { return "  \(name): none\n" }
            return "  \(name): \(span.first) .. \(span.last) (\(String(format: "%.3f", span.seconds)) s)\n"
        }
        out += "time:\n" + span("receive time", info.receiveTime) + span("data time", info.dataTime)
        out += "frames: \(info.frames) (\(info.totals.framesMalformed) malformed, \(info.totals.framesShed) shed) from \(info.sources.count) sources\n"
        var rows = [["source", "frames", "records", "malformed", "first record", "last record", "malformed by reason"]]
        for name in info.sources.keys.sorted() {
            let s = info.sources[name]!
            let reasons = s.malformed.sorted { $0.key < $1.key }.map { "\($0.key.rawValue)=\($0.value)" }.joined(separator: " ")
            rows.append([name, "\(s.framesReceived)", "\(s.records.values.reduce(0, +))", "\(s.framesMalformed)",
                         s.firstRecordTime.map { Self.clock($0.secondsSinceEpoch) } ?? "-",
                         s.lastRecordTime.map { Self.clock($0.secondsSinceEpoch) } ?? "-", reasons.isEmpty ? "-" : reasons])
        }
        out += Self.table(rows, rightAligned: [1, 2, 3])
        out += "channels: \(info.channels.count)\n"
        var channelRows = [["topic", "encoding", "schema", "messages"]]
        for channel in info.channels {
            channelRows.append([channel.topic, channel.encoding, channel.schema.isEmpty ? "-" : channel.schema, "\(channel.messages)"])
        }
        out += Self.table(channelRows, rightAligned: [3])
        out += "truth: " + (info.truthFixes == 0 ? "none\n" : "\(info.truthDrones) drones, \(info.truthFixes) fixes\n")
        out += "tracks: " + (info.trackFixes == 0 && info.trackLines == 0 ? "none\n"
            : "\(info.trackChannels) track channels, \(info.trackFixes) fixes, \(info.trackLines) lines from the live tracker\n")
        return out
    }

    /// HH:MM:SS.mmm UTC of a time.
    static func clock(_ seconds: Double) -> String {
        let day = seconds.truncatingRemainder(dividingBy: 86_400)
        let h = Int(day / 3600), m = Int(day.truncatingRemainder(dividingBy: 3600) / 60)
        let s = day.truncatingRemainder(dividingBy: 60)
        return String(format: "%02d:%02d:%06.3fZ", h, m, s)
    }

    /// Rows as columns, two spaces apart, indented by two; a rule under the header.
    static func table(_ rows: [[String]], rightAligned: Set<Int>) -> String {
        let widths = (0..<rows[0].count).map { column in rows.map { $0[column].count }.max() ?? 0 }
        var out = ""
        for (index, row) in rows.enumerated() {
            let cells = row.enumerated().map { column, cell in
                let pad = String(repeating: " ", count: widths[column] - cell.count)
                return rightAligned.contains(column) ? pad + cell : cell + pad
            }
            var line = "  " + cells.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            out += line + "\n"
            if index == 0 { out += "  " + widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n" }
        }
        return out
    }
}
