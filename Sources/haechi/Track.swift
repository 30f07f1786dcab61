// `haechi track`: the tracker in batch mode over a cuas-scenario/1 file.
import ArgumentParser
import TestbedRuntime
import Tracking
import Foundation
import TestbedConfiguration

struct Track: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Track the detections of a scenario file and write the confirmed tracks.",
        discussion: """
            Reads a cuas-scenario/1 file (docs/wire-formats.md), runs every sensor scan through the \
            tracker in time order (docs/tracking.md), and writes one line per confirmed track per update, \
            from confirmation on (per step with output.report_coasted), in the track-file format the \
            Stone Soup scorer reads. Without \
            --tracker the built-in defaults are used; Config/tracker.yaml lists them. Lines that do \
            not decode and detections the tracker cannot use are counted and skipped. Exit status: 0 \
            when done, 1 on a file error, 2 on a bad tracker config, 64 on a bad command line.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The scenario: its JSON lines (simulate --write), or its description, simulated first.",
                                            valueName: "file.jsonl|file.yaml"))
    var scenario: String

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the tracks.", valueName: "tracks.jsonl"))
    var out: String

    @Option(name: .long, help: ArgumentHelp("The tracker config (default: built-in, as Config/tracker.yaml).", valueName: "file.yaml"))
    var tracker: String?

    @Option(name: .long, help: ArgumentHelp("Write the JSON summary to this file.", valueName: "file.json"))
    var summary: String?

    @Flag(name: [.short, .long], help: "Print no progress and nothing at the end.")
    var quiet = false

    func run() throws {
        do throws(RuntimeError) {
            let settings = try tracker.map { (path) throws(RuntimeError) in try TrackerConfiguration.load(path: path) } ?? TrackerSettings()
            let report = try TrackRunner.run(scenarioPath: scenario, outputPath: out, settings: settings, trackerPath: tracker,
                                             summaryPath: summary, progress: ProgressBar.unlessQuiet("track", quiet: quiet))
            if !quiet { print(report.textReport, terminator: "") }
        } catch {
            throw error.reported()
        }
    }
}
