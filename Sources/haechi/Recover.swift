// `haechi recover`: rebuild a valid, indexed recording from one a crash left unfinished.
import ArgumentParser
import TestbedRuntime
import Foundation

struct Recover: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Rebuild a valid, indexed recording from one a crash left unfinished.",
        discussion: """
            Reads every complete record of FILE (every chunk closed before the crash: all frames \
            but at most the last second's) and writes them, indexed and finalised, to \
            FILE.recovered.mcap (or --out) beside it. A damaged chunk is skipped, and reading \
            goes on with the next intact one; the output says how many chunks, bytes and messages \
            were skipped. FILE is left as it is, and no file is overwritten. Reference: docs/recording.md. Exit status: 0 on success, 1 when FILE is \
            not MCAP or the output cannot be written, 64 on a bad command line.
            """
    )

    @Argument(help: ArgumentHelp("The unfinished recording.", valueName: "file.mcap"))
    var file: String

    @Option(name: [.short, .long], help: ArgumentHelp("Write the rebuilt recording here.", valueName: "out.mcap"))
    var out: String?

    @Flag(name: [.short, .long], help: "Print nothing but errors.")
    var quiet = false

    func run() throws {
        let report: RecoverReport
        do {
            report = try RecoverRunner.run(path: file, output: out)
        } catch {
            throw error.reported()
        }
        if !quiet { print(report.text, terminator: "") }
    }
}
