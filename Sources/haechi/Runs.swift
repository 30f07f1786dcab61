// `haechi runs`: the run log (list, show, verify).
import ArgumentParser
import TestbedRuntime
import RunLog
import Foundation

struct Runs: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The run log: every run (from its start), recording and evaluation, append-only and hash-chained.",
        discussion: "Reference: docs/reports.md. The log is Replays/runlog.sqlite unless --log names another.",
        subcommands: [List.self, Show.self, Verify.self, Checkpoint.self])

    struct LogOption: ParsableArguments {
        @Option(name: .long, help: ArgumentHelp("The run log.", valueName: "runlog.sqlite"))
        var log = "Replays/runlog.sqlite"
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the run log's entries; each run's start says whether the run ended, failed, is running or never ended.")
        @OptionGroup var options: LogOption
        @Flag(name: .long, help: "Print the entries as a JSON array.")
        var json = false
        func run() throws {
            do {
                print(try json ? RunLogging.listJSON(log: options.log) : RunLogging.list(log: options.log), terminator: "")
            } catch { throw error.reported() }
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a run's entries (by run id, or an entry by number) as JSON.",
            discussion: "Keys are the run log's columns (docs/security.md); sources, metrics and verdicts are shown as the JSON they hold.")
        @Argument(help: ArgumentHelp("A run id or an entry number.", valueName: "id")) var id: String
        @OptionGroup var options: LogOption
        @Flag(name: .long, help: "The columns exactly as stored and hashed (JSON text as strings).")
        var raw = false
        func run() throws {
            do { print(try RunLogging.show(id, log: options.log, raw: raw), terminator: "") } catch { throw error.reported() }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check every entry's hash, link and signature, every recording's SHA-256, and a checkpoint.",
            discussion: """
                Every entry must be signed by the range's key: the public key given with --key, else \
                that of the default range key (~/.config/haechi/range-signing.key, or $HAECHI_RANGE_KEY). \
                A recording in the log's folder that no entry names is a problem (a removed entry). With \
                --checkpoint (the line haechi runs checkpoint printed earlier), the log must still hold \
                that entry with that hash: truncation and rewriting are found. Exit status: 0 when the \
                log is intact, 1 when not.
                """)
        @OptionGroup var options: LogOption
        @Option(name: .long, help: ArgumentHelp("The range's public key.", valueName: "range.pub"))
        var key: String?
        @Option(name: .long, help: ArgumentHelp("A checkpoint kept outside the log.", valueName: "checkpoint.json"))
        var checkpoint: String?
        @Flag(name: [.short, .long], help: "Print only the problems found; the exit status says.")
        var quiet = false
        func run() throws {
            let result: RunLogging.Verification
            do {
                result = try RunLogging.verify(log: options.log, trustedKeyPath: key, checkpointPath: checkpoint)
            } catch { throw error.reported() }
            if result.problems.isEmpty {
                if quiet { return }
                print("run log \(options.log): \(result.entries) entries, chain intact, every recording matches its SHA-256")
                for fact in result.facts { print("  \(fact)") }
                return
            }
            for problem in result.problems { FileHandle.standardError.write(Data("haechi: \(options.log): \(problem)\n".utf8)) }
            if quiet { throw ExitCode(1) }
            for fact in result.facts { print("  \(fact)") }
            print("run log \(options.log): \(result.problems.count) problem(s) in \(result.entries) entries: NOT intact")
            throw ExitCode(1)
        }
    }

    struct Checkpoint: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the log's head, signed with the range's key, to keep outside the log.",
            discussion: """
                Prints one line of JSON: the last entry's sequence and hash, the time, and an Ed25519 \
                signature by the range's key. Keep it where whoever can write Replays/ cannot (an \
                officer's records, another machine); haechi runs verify --checkpoint FILE then finds any \
                removal or rewrite of the entries up to it. Exit status: 0 printed, 1 on a failure.
                """)
        @OptionGroup var options: LogOption
        @Option(name: .long, help: ArgumentHelp("The range's private key (default: ~/.config/haechi/range-signing.key).", valueName: "range.key"))
        var key: String?
        func run() throws {
            do { print(try RunLogging.checkpoint(log: options.log, keyPath: key).jsonLine()) } catch { throw error.reported() }
        }
    }
}
