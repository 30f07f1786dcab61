// `haechi ingest`: listen to the configured endpoints and count every frame.
import ArgumentParser
import Logging
import TestbedRuntime
import Foundation

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest live telemetry from the configured ZeroMQ endpoints.",
        discussion: """
            Runs until Ctrl-C, SIGTERM, --duration or --idle-timeout, then prints a report per \
            source. On a terminal a status line shows frames per second per source. \
            Config reference: docs/config.md. Exit status: 0 on a clean stop, 1 on a run \
            failure, 2 on a bad config file, 64 on a bad command line.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The ingest config file.", valueName: "file.yaml"))
    var config: String

    @Option(name: .long, help: ArgumentHelp("Stop after this many seconds.", valueName: "seconds"))
    var duration: Double?

    @Option(name: .long, help: ArgumentHelp("Stop once frames have arrived and then none for this many seconds.", valueName: "seconds"))
    var idleTimeout: Double?

    @Option(name: .long, help: ArgumentHelp("Write the JSON summary to this file.", valueName: "file.json"))
    var summary: String?

    @Flag(name: .long, help: "Print no status line and no report.")
    var quiet = false

    func validate() throws {
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds") }
        if let idleTimeout, !(idleTimeout > 0) { throw ValidationError("--idle-timeout must be a positive number of seconds") }
    }

    func run() throws {
        var logger = Logger(label: "haechi.ingest")
        logger.logLevel = .warning
        let report: IngestSummary
        do {
            let configuration = try IngestConfiguration.load(path: config)
            report = try IngestRunner.run(
                configuration: configuration,
                options: IngestRunOptions(duration: duration, idleTimeout: idleTimeout, summaryPath: summary, showStatus: !quiet),
                logger: logger)
        } catch {
            throw error.reported()
        }
        if !quiet { print(report.textReport, terminator: "") }
    }
}
