// `haechi ingest`: listen to the configured endpoints and count every frame.
import ArgumentParser
import Logging
import TestbedRuntime
import SessionRecording
import Foundation
import TestbedConfiguration

struct Ingest: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ingest live telemetry from the configured ZeroMQ endpoints.",
        discussion: """
            Runs until Ctrl-C, SIGTERM, --duration or --idle-timeout, then prints a report per \
            source. On a terminal a status line shows frames per second per source. Every frame is \
            recorded to Replays/<run-id>.mcap (docs/recording.md) unless --no-record; an existing \
            file is never overwritten, and recordings a crash left unfinished are listed at start. \
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

    @Option(name: .long, help: ArgumentHelp("Fail (exit status 1) when no frame has arrived this many seconds after the start.", valueName: "seconds"))
    var startupTimeout: Double?

    @Option(name: .long, help: ArgumentHelp("Write the JSON summary to this file.", valueName: "file.json"))
    var summary: String?

    @Option(name: .long, help: ArgumentHelp("Rewrite the summary this often during the run (stop_reason running).", valueName: "seconds"))
    var summaryEvery: Double?

    @Option(name: .long, help: ArgumentHelp("Record into this folder.", valueName: "dir"))
    var recordDir = "Replays"

    @Flag(name: .long, help: "Do not record the session.")
    var noRecord = false

    @Option(name: .long, help: ArgumentHelp("Chunk compression of the recording: none, zstd or lz4.", valueName: "kind"))
    var compression = "none"

    @Option(name: .long, help: ArgumentHelp("The range's signing key for the run log (default: ~/.config/haechi/range-signing.key, made on first use).", valueName: "range.key"))
    var key: String?

    @Option(name: .long, help: ArgumentHelp("Also write the live tracker's track lines to this file.", valueName: "tracks.jsonl"))
    var tracksOut: String?

    @Flag(name: [.short, .long], help: "Print no status line and no report.")
    var quiet = false

    func validate() throws {
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds") }
        if let idleTimeout, !(idleTimeout > 0) { throw ValidationError("--idle-timeout must be a positive number of seconds") }
        if RecordingCompression(compression) == nil { throw ValidationError("--compression must be none, zstd or lz4") }
        if let summaryEvery {
            guard summaryEvery >= 0.1 && summaryEvery.isFinite else { throw ValidationError("--summary-every must be at least 0.1 seconds") }
            guard summary != nil else { throw ValidationError("--summary-every rewrites the --summary file: give --summary") }
        }
    }

    func run() throws {
        var logger = Logger(label: "haechi.ingest")
        logger.logLevel = .warning
        let report: IngestSummary
        do {
            let configuration = try IngestConfiguration.load(path: config)
            report = try IngestRunner.run(
                configuration: configuration,
                options: IngestRunOptions(duration: duration, idleTimeout: idleTimeout, summaryPath: summary, observer: quiet ? nil : IngestTerminal(),
                                          recordDirectory: noRecord ? nil : recordDir,
                                          recording: RecordingOptions(compression: RecordingCompression(compression)!.codec),
                                          tracksOut: tracksOut, rangeKeyPath: key, summaryInterval: summaryEvery,
                                          startupTimeout: startupTimeout),
                logger: logger)
        } catch {
            throw error.reported()
        }
        if !quiet { print(report.textReport, terminator: "") }
    }
}
