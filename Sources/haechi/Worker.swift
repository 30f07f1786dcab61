// `haechi worker`: scores the archive's queued re-evaluation jobs, on any number of machines.
import ArgumentParser
import TestbedRuntime
import TestbedConfiguration
import Foundation

struct Worker: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Take re-evaluation jobs from the archive's queue and score them from the shared store.",
        discussion: """
            Run one or more on any machines that reach the archive's database and store. A job is \
            leased for --lease seconds of the database server's clock; a worker that dies leaves its \
            job to be taken again when the lease expires, and a job done twice writes one result. \
            Reference: docs/archive.md. Exit status: 0 when stopped idle (--exit-when-idle), 1 on a \
            failure, 2 on a bad config.
            """)

    @Option(name: .long, help: ArgumentHelp("The config file with an archive: section.", valueName: "file.yaml"))
    var config: String

    @Option(name: .long, help: ArgumentHelp("This worker's name in the queue (default: host-pid).", valueName: "name"))
    var name: String?

    @Option(name: .long, help: ArgumentHelp("How long a job is leased before another worker may take it.", valueName: "seconds"))
    var lease = 300.0

    @Flag(name: .long, help: "Exit when no job is queued or running, instead of waiting for more.")
    var exitWhenIdle = false

    func validate() throws {
        guard lease.isFinite, lease >= 1, lease <= 86_400 else { throw ValidationError("--lease: 1 to 86400 seconds") }
    }

    func run() throws {
        do {
            let (done, failed) = try WorkerRunner.run(configPath: config, name: name, lease: lease, exitWhenIdle: exitWhenIdle) { line in
                // Straight to the file: a worker's lines are followed as it goes (tail -f, a service's log).
                FileHandle.standardOutput.write(Data((line.text + "\n").utf8))
            }
            FileHandle.standardOutput.write(Data("worker: \(done) job(s) done, \(failed) failed\n".utf8))
        } catch { throw error.reported() }
    }
}
