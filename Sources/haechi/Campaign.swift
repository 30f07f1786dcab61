// `haechi campaign`: several runs of one plan, and the runs still needed to claim its Pd.
import ArgumentParser
import TestbedRuntime
import Foundation
import TestbedConfiguration

struct Campaign: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Evaluate several runs of one plan: run-level Pd with Clopper-Pearson bounds, and the runs needed.",
        discussion: """
            Each run is one trial per pd criterion of the plan: it succeeds when that run's own Pd meets \
            the requirement. Prints the run-level Pd with its interval, the verdict under the plan's \
            one-sided rule, and how many runs in all a campaign with the failures seen so far needs. \
            Reference: docs/evaluation.md (Statistics). Exit status: 0 on success, 1 on a failure, 2 on a \
            bad plan, 64 on a bad command line.
            """)

    @Argument(help: ArgumentHelp("Run ids (haechi runs list) or recordings; none with --archive.", valueName: "run-id|file.mcap"))
    var targets: [String] = []

    @Option(name: .long, help: ArgumentHelp("The test plan.", valueName: "plan.yaml"))
    var plan: String

    @Option(name: .long, help: ArgumentHelp("The run log, to find run ids.", valueName: "runlog.sqlite"))
    var log = "Replays/runlog.sqlite"

    @Option(name: [.short, .long], help: ArgumentHelp("Also write the campaign as JSON here.", valueName: "file.json"))
    var out: String?

    @Flag(name: [.short, .long], help: "Print nothing but errors.")
    var quiet = false

    @Flag(name: .long, help: "Take every archived run of --system evaluated under the plan, from every range (docs/archive.md).")
    var archive = false

    @Option(name: .long, help: ArgumentHelp("With --archive: the config file with an archive: section.", valueName: "file.yaml"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("With --archive: the system under test.", valueName: "name"))
    var system: String?

    @OptionGroup var filters: ArchiveCommand.RunFilterOptions

    @Flag(name: .long, help: "With --archive: score every run from the store here, taking no worker's result.")
    var scoreHere = false

    func validate() throws {
        if archive {
            if !targets.isEmpty { throw ValidationError("--archive takes its runs from the archive: name no run") }
            if config == nil { throw ValidationError("--archive needs --config (the archive: section)") }
            if system == nil { throw ValidationError("--archive needs --system") }
        } else {
            if targets.isEmpty { throw ValidationError("name at least one run") }
            if config != nil || system != nil || scoreHere || filters.site != nil || filters.range != nil || filters.from != nil || filters.to != nil {
                throw ValidationError("--config, --system, --score-here, --site, --range, --from and --to go with --archive")
            }
        }
    }

    func run() throws {
        let summary: CampaignSummary
        do {
            if archive, let config, let system {
                summary = try CampaignRunner.runArchive(configPath: config, planPath: plan, system: system, filter: filters.filter(),
                                                        scoreHere: scoreHere)
            } else {
                summary = try CampaignRunner.run(targets: targets, planPath: plan, logPath: log)
            }
        } catch {
            throw error.reported()
        }
        if let out {
            do {
                try OutputFile.write(summary.jsonText(), to: out)
            } catch {
                throw RuntimeError(code: .io, file: out, message: "cannot write the campaign: \(RuntimeError.reason(error))").reported()
            }
        }
        if !quiet { print(summary.text, terminator: "") }
    }
}
