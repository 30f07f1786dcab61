// `haechi runs`: the run log (list, show, verify).
import ArgumentParser
import TestbedRuntime
import RunLog
import Foundation

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The run log: every run (from its start), recording and evaluation, append-only and hash-chained.",
        discussion: "Reference: docs/reports.md. The log is Replays/runlog.sqlite unless --log names another.",
        subcommands: [List.self, Show.self, Verify.self])

    struct LogOption: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("The run log.", valueName: "runlog.sqlite"))
        var log = "Replays/runlog.sqlite"
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the run log's entries; each run's start says whether the run ended, failed, is running or never ended.")
        @OptionGroup var options: LogOption
        func run() throws {
            do { print(try RunLogging.list(log: options.log), terminator: "") } catch { throw error.reported() }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a run's entries (by run id, or an entry by number) as JSON.")
        @Argument(help: ArgumentHelp("A run id or an entry number.", valueName: "id")) var id: String
        @OptionGroup var options: LogOption
        func run() throws {
            do { print(try RunLogging.show(id, log: options.log), terminator: "") } catch { throw error.reported() }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every entry's hash and link, and every recording's SHA-256.",
            discussion: "Exit status: 0 when the log is intact, 1 when an entry was edited or a recording changed or is missing.")
        @OptionGroup var options: LogOption
        func run() throws {
            let result: (entries: Int, problems: [RunLogProblemDescription])
            do {
                let verified = try RunLogging.verify(log: options.log)
                result = (verified.entries, verified.problems.map(\.description))
            } catch { throw error.reported() }
            if result.problems.isEmpty {
                print("run log \(options.log): \(result.entries) entries, chain intact, every recording matches its SHA-256")
                return
            }
            for problem in result.problems { FileHandle.standardError.write(Data("haechi: \(options.log): \(problem)\n".utf8)) }
            print("run log \(options.log): \(result.problems.count) problem(s) in \(result.entries) entries: NOT intact")
            throw ExitCode(1)
        }
    }
}

typealias RunLogProblemDescription = String
