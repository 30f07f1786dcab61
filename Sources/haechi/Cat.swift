// `haechi cat`: a recording's frames as JSON lines.
import ArgumentParser
import TestbedRuntime
import Foundation

struct Cat: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a recording's frames, one JSON line each, in receive order.",
        discussion: """
            Each line has the frame's receive sequence (seq), receive time (t_ns, and t in UTC), \
            endpoint, source, kind (decoded, malformed or shed), the reason a malformed frame was \
            rejected, and its parts as received: text as utf8, anything else as hex. --from and \
            --to take seconds after the first frame (12.5) or a UTC time (2026-12-07T10:00:05Z). \
            Reference: docs/cli.md. Exit status: 0, or 1 when the file cannot be read.
            """
    )

    @Argument(help: ArgumentHelp("The recording.", valueName: "file.mcap"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("Only this source's frames (a topic such as json/radar-1).", valueName: "source"))
    var source: String?

    @Option(name: .long, help: ArgumentHelp("Only frames received from this time on.", valueName: "time"))
    var from: String?

    @Option(name: .long, help: ArgumentHelp("Only frames received up to this time.", valueName: "time"))
    var to: String?

    func validate() throws {
        for (name, value) in [("--from", from), ("--to", to)] {
            if let value, RecordingTime(value) == nil {
                throw ValidationError("\(name) \(value): give seconds after the first frame (12.5) or a UTC time (2026-12-07T10:00:05Z)")
            }
        }
    }

    func run() throws {
        let options = RecordingCatOptions(source: source, from: from.flatMap(RecordingTime.init), to: to.flatMap(RecordingTime.init))
        var buffer = ""
        do {
            try RecordingCatRunner.run(path: file, options: options) { line in
                buffer += line
                buffer += "\n"
                if buffer.utf8.count >= 1 << 16 {
                    FileHandle.standardOutput.write(Data(buffer.utf8))
                    buffer.removeAll(keepingCapacity: true)
                }
            }
        } catch {
            FileHandle.standardOutput.write(Data(buffer.utf8))
            throw error.reported()
        }
        FileHandle.standardOutput.write(Data(buffer.utf8))
    }
}
