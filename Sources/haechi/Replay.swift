// `haechi replay`: a recording back through the same decoders and tracker.
import ArgumentParser
import Logging
import TestbedRuntime
import Foundation

struct Replay: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Replay a recorded session through the same decoders and tracker.",
        discussion: """
            Feeds the recorded frames, in receive order and with their recorded receive times, \
            through the decoders and the tracker the recorded config describes. The tracks equal \
            the live run's byte for byte at any speed; the regenerated summary says whether they do \
            (replay.tracks_match_recording). --publish re-emits the raw frames on a PUB socket at \
            the replay's pacing. Times for --from and --to are seconds after the first frame. \
            Reference: docs/recording.md. Exit status: 0 on success, 1 on an unreadable recording \
            or a failure, 64 on a bad command line.
            """
    )

    @Argument(help: ArgumentHelp("The recording.", valueName: "file.mcap"))
    var file: String

    @Option(name: .long, help: ArgumentHelp("1 (as recorded), N (N times faster) or max.", valueName: "speed"))
    var speed = "max"

    @Option(name: .long, help: ArgumentHelp("Start this many seconds after the first frame.", valueName: "seconds"))
    var from: Double?

    @Option(name: .long, help: ArgumentHelp("Stop this many seconds after the first frame.", valueName: "seconds"))
    var to: Double?

    @Option(name: .long, help: ArgumentHelp("Write the replayed tracks here.", valueName: "tracks.jsonl"))
    var tracksOut: String?

    @Option(name: .long, help: ArgumentHelp("Re-emit the raw frames on a PUB socket bound here.", valueName: "endpoint"))
    var publish: String?

    @Option(name: .long, help: ArgumentHelp("Write the regenerated ingest summary here.", valueName: "file.json"))
    var summary: String?

    @Option(name: .long, help: ArgumentHelp("Serve the live web view here while replaying.", valueName: "address:port"))
    var web: String?

    @Flag(name: [.short, .long], help: "Print no progress bar and no report.")
    var quiet = false

    func validate() throws {
        if ReplaySpeed(speed) == nil { throw ValidationError("--speed must be a positive number or max") }
        if let from, !(from >= 0) { throw ValidationError("--from must be 0 or more seconds") }
        if let to, !(to >= 0) { throw ValidationError("--to must be 0 or more seconds") }
        if let from, let to, to < from { throw ValidationError("--to must not be before --from") }
        if let web, ReplayOptions.webAddress(web) == nil {
            throw ValidationError("--web takes <IPv4 address>:<port> (127.0.0.1:8620)")
        }
    }

    func run() throws {
        var logger = Logger(label: "haechi.replay")
        logger.logLevel = .warning
        let report: IngestSummary
        do {
            report = try ReplayRunner.run(path: file, options: ReplayOptions(speed: ReplaySpeed(speed)!, from: from, to: to,
                                                                             tracksOut: tracksOut, publish: publish,
                                                                             summaryPath: summary, progress: ProgressBar.unlessQuiet("replay", quiet: quiet), web: web),
                                          logger: logger)
        } catch {
            throw error.reported()
        }
        if !quiet { print(report.textReport, terminator: "") }
    }
}
