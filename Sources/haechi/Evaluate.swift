// `haechi evaluate`: scores a track file against a scenario's truth (OSPA, GOSPA, SIAP).
import ArgumentParser
import TestbedRuntime
import TestbedConfiguration

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score a track file against a scenario's truth: OSPA, GOSPA and SIAP.",
        discussion: """
            Reads the meta and truth records of a cuas-scenario/1 file (or the truth of a recording) and \
            the track records of a track file (the format haechi track writes), scores the tracks on \
            truth's own timeline, and writes OSPA, GOSPA and SIAP as JSON: the keys of the Stone Soup \
            scorer's summary, unrounded, with the series over time, and under "figures" every figure \
            of haechi report with its bound, computed by the same code (docs/evaluation.md). A line that does not decode is an error. \
            Exit status: 0 when done, 1 on a file error, 64 on a bad command line.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The scenario whose truth to score against: its JSON lines, or its description, simulated first.",
                                            valueName: "file.jsonl|file.yaml"))
    var scenario: String?

    @Option(name: .long, help: ArgumentHelp("A recording whose truth to score against instead of a scenario's.", valueName: "file.mcap"))
    var recording: String?

    @Option(name: .long, help: ArgumentHelp("A test plan whose evaluation settings to use (they replace --cutoff, --order and --max-hold), so the figures equal haechi report's.", valueName: "plan.yaml"))
    var plan: String?

    @Option(name: .long, help: ArgumentHelp("The track file to score.", valueName: "tracks.jsonl"))
    var tracks: String

    @Option(name: [.short, .long], help: ArgumentHelp("Where to write the scores.", valueName: "metrics.json"))
    var out: String

    @Option(name: [.customLong("cutoff"), .customLong("c")], help: ArgumentHelp("OSPA and GOSPA cut-off c, metres.", valueName: "metres"))
    var cutoff: Double = 100

    @Option(name: [.customLong("order"), .customLong("p")], help: ArgumentHelp("OSPA and GOSPA order p (at least 1).", valueName: "order"))
    var order: Double = 1

    @Option(name: .long, help: ArgumentHelp("hold: the latest track state, moved forward; none: only states on the grid.", valueName: "hold|none"))
    var resample: String = "hold"

    @Option(name: .long, help: ArgumentHelp("The oldest a track state may be and still count at a grid time.", valueName: "seconds"))
    var maxHold: Double = 2

    @Flag(name: [.short, .long], help: "Print nothing at the end.")
    var quiet = false

    func validate() throws {
        guard (scenario == nil) != (recording == nil) else { throw ValidationError("give exactly one of --scenario and --recording") }
        guard cutoff.isFinite && cutoff > 0 else { throw ValidationError("--cutoff (--c) must be a positive number of metres") }
        guard order.isFinite && order >= 1 else { throw ValidationError("--order (--p) must be a number of at least 1") }
        guard EvaluateRunner.Resampling(rawValue: resample) != nil else { throw ValidationError("--resample must be hold or none") }
        guard maxHold.isFinite && maxHold >= 0 else { throw ValidationError("--max-hold must be a number of seconds, at least 0") }
    }

    func run() throws {
        var options = EvaluateRunner.Options(scenarioPath: scenario ?? "", tracksPath: tracks, outputPath: out)
        options.recordingPath = recording
        options.planPath = plan
        options.cutoff = cutoff
        options.order = order
        options.resampling = EvaluateRunner.Resampling(rawValue: resample) ?? .hold
        options.maximumHoldSeconds = maxHold
        options.progress = ProgressBar.unlessQuiet("evaluate", quiet: quiet)
        do throws(RuntimeError) {
            let summary = try EvaluateRunner.run(options)
            if !quiet { print(summary.textReport, terminator: "") }
        } catch {
            throw error.reported()
        }
    }
}
