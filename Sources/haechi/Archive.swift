// `haechi archive`: the shared archive of runs on PostgreSQL (push, runs, rescore, jobs, verify).
import ArgumentParser
import Archive
import TestbedRuntime
import TestbedConfiguration
import Foundation

struct ArchiveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "archive",
        abstract: "The shared archive of runs on PostgreSQL: push a range's log and recordings, query, re-score, verify.",
        discussion: """
            Every subcommand reads the archive: section of --config (the database URL, the password's \
            source, the shared recordings store, this range's name). Reference: docs/archive.md. Exit \
            status: 0 on success, 1 on a failure or a problem found, 2 on a bad config, 64 on a bad \
            command line.
            """,
        subcommands: [Push.self, Runs.self, Rescore.self, Jobs.self, Verify.self])

    struct ConfigOption: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("The config file with an archive: section.", valueName: "file.yaml"))
        var config: String

        @Flag(name: .long, help: "Print JSON instead of text.")
        var json = false
    }

    /// The filters of the runs a query or a re-evaluation takes.
    struct RunFilterOptions: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("Only runs of this site.", valueName: "site"))
        var site: String?
        @Option(name: .long, help: ArgumentHelp("Only runs of this range.", valueName: "range"))
        var range: String?
        @Option(name: .long, help: ArgumentHelp("Only runs logged at or after this date or time (UTC).", valueName: "2026-12-01"))
        var from: String?
        @Option(name: .long, help: ArgumentHelp("Only runs logged up to this date (inclusive) or before this time.", valueName: "2026-12-31"))
        var to: String?

        func validate() throws {
            if let from, ArchiveRunner.timeBound(from, isEnd: false) == nil { throw ValidationError("--from: '\(from)' is not a date or an ISO 8601 time") }
            if let to, ArchiveRunner.timeBound(to, isEnd: true) == nil { throw ValidationError("--to: '\(to)' is not a date or an ISO 8601 time") }
        }

        func filter(system: String? = nil, plan: String? = nil) -> ArchiveRunFilter {
            ArchiveRunFilter(system: system, plan: plan, site: site, range: range, from: from.flatMap { ArchiveRunner.timeBound($0, isEnd: false) },
                             until: to.flatMap { ArchiveRunner.timeBound($0, isEnd: true) })
        }
    }

    struct Push: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Push this range's run-log entries, recordings and signed report manifests to the archive.",
            discussion: """
                Sends the entries the archive does not hold yet, unchanged (their chain and signatures \
                verify in the archive as here), after copying each entry's recording into the store by \
                its SHA-256. Pushing again sends nothing twice; a push that failed can be repeated.
                """)
        @OptionGroup var options: ConfigOption
        @Option(name: .long, help: ArgumentHelp("The range's run log.", valueName: "runlog.sqlite"))
        var log = "Replays/runlog.sqlite"
        @Option(name: .long, help: ArgumentHelp("A signed report folder whose manifest to push (repeatable).", valueName: "folder"))
        var report: [String] = []

        func run() throws {
            do {
                let summary = try ArchiveRunner.push(configPath: options.config, logPath: log, reportFolders: report)
                print(options.json ? try summary.jsonText() : summary.text, terminator: "")
            } catch let error as RuntimeError { throw error.reported() }
        }
    }

    struct Runs: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the archived runs, oldest first, with the plans and systems they were evaluated under.")
        @OptionGroup var options: ConfigOption
        @Option(name: .long, help: ArgumentHelp("Only runs evaluated for this system under test.", valueName: "name"))
        var system: String?
        @Option(name: .long, help: ArgumentHelp("Only runs evaluated under this plan (its name).", valueName: "name"))
        var plan: String?
        @OptionGroup var filters: RunFilterOptions

        func run() throws {
            do {
                let runs = try ArchiveRunner.runs(configPath: options.config, filter: filters.filter(system: system, plan: plan))
                print(options.json ? ArchivedRunListing.json(runs) : ArchivedRunListing.text(runs), terminator: "")
            } catch { throw error.reported() }
        }
    }

    struct Rescore: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Queue a re-evaluation of archived runs under a plan, for haechi worker to take.",
            discussion: """
                One job per recording the filters take (every archived recording without filters), \
                for the plan's text and this build of Haechi; a job queued or done before is not \
                queued again unless --again. haechi archive jobs shows the progress.
                """)
        @OptionGroup var options: ConfigOption
        @Option(name: .long, help: ArgumentHelp("The test plan to score under.", valueName: "plan.yaml"))
        var plan: String
        @Option(name: .long, help: ArgumentHelp("Only runs evaluated before for this system under test.", valueName: "name"))
        var system: String?
        @OptionGroup var filters: RunFilterOptions
        @Flag(name: .long, help: "Queue these runs' done and failed jobs again; a new result replaces the old.")
        var again = false

        func run() throws {
            do {
                let summary = try ArchiveRunner.rescore(configPath: options.config, planPath: plan, filter: filters.filter(system: system),
                                                        again: again)
                print(options.json ? try summary.jsonText() : summary.text, terminator: "")
            } catch let error as RuntimeError { throw error.reported() }
        }
    }

    struct Jobs: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "How many re-evaluation jobs are queued, running, done and failed.")
        @OptionGroup var options: ConfigOption
        @Option(name: .long, help: ArgumentHelp("Only the jobs of this plan.", valueName: "plan.yaml"))
        var plan: String?

        func run() throws {
            do {
                let counts = try ArchiveRunner.jobs(configPath: options.config, planPath: plan)
                print(options.json ? ArchivedRunListing.json(counts) : ArchivedRunListing.text(counts), terminator: "")
            } catch { throw error.reported() }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the archive from the database and the store alone: chains, signatures, recordings, reports.",
            discussion: "Exit status: 0 when the archive is intact, 1 when a problem was found.")
        @OptionGroup var options: ConfigOption
        @Option(name: .long, help: ArgumentHelp("A range's public key; signed entries must be signed by one given (repeatable).",
                                                valueName: "range.pub"))
        var key: [String] = []

        func run() throws {
            let result: ArchiveVerification
            do {
                result = try ArchiveVerifier.verify(configPath: options.config, keyPaths: key)
                print(options.json ? try result.jsonText() : result.text, terminator: "")
            } catch let error as RuntimeError { throw error.reported() }
            if !result.problems.isEmpty { throw ExitCode(1) }
        }
    }
}
