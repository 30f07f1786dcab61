// `haechi doctor`: check a recording's structure without writing anything.
import ArgumentParser
import TestbedRuntime
import Foundation

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check a recording's structure, as haechi recover reads it, without writing anything.",
        discussion: """
            Reads every record with its CRCs checked, skipping damaged chunks as haechi recover \
            would, and for a finalised file reads it again through its summary and index. Reports \
            a file never finalised, damaged chunks (where, how many bytes and messages), bytes \
            after the last complete record, a summary or index that disagrees with what can be \
            read, and a run that did not end cleanly. Reference: docs/cli.md. Exit status: 0 when \
            the recording is sound, 1 when a problem was found or it cannot be read.
            """
    )

    @Argument(help: ArgumentHelp("The recording.", valueName: "file.mcap"))
    var file: String

    @Flag(name: .long, help: "Print the diagnosis as JSON.")
    var json = false

    @Flag(name: [.short, .long], help: "Print nothing but errors; the exit status says.")
    var quiet = false

    func run() throws {
        let diagnosis: RecordingDiagnosis
        do { diagnosis = try RecordingDoctorRunner.run(path: file) } catch { throw error.reported() }
        if json {
            print(try diagnosis.jsonText(), terminator: "")
        } else if !quiet {
            print("\(diagnosis.path): \(diagnosis.bytes) bytes, \(diagnosis.messagesReadable) messages readable in "
                  + "\(diagnosis.chunksReadable) chunk(s)" + (diagnosis.finalised ? ", finalised" : ", not finalised"))
            for note in diagnosis.notes { print("note: \(note)") }
            if diagnosis.healthy {
                print("ok: no problem found")
            } else {
                for problem in diagnosis.problems { print("problem: \(problem)") }
            }
        }
        if !diagnosis.healthy { throw ExitCode(1) }
    }
}
