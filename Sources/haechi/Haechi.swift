// The `haechi` command: lists its subcommands, nothing more.
import ArgumentParser

@main
struct Haechi: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "haechi",
        abstract: "Telemetry ingestor of a counter-UAS test range.",
        discussion: """
            Haechi ingests live ZeroMQ telemetry from the sensors under test and the cooperative \
            target drones, counts and checks every frame, tracks the drones, records every session \
            as MCAP under Replays/, replays a recording through the same pipeline, and scores a run \
            against the drones' truth into signed Korean and English certification reports.
            """,
        version: "0.1.0",
        subcommands: [Ingest.self, Simulate.self, Track.self, Evaluate.self, Replay.self, Info.self, Cat.self, Doctor.self, Recover.self, Runs.self, Report.self, Campaign.self, Keys.self, Sign.self, Verify.self, ArchiveCommand.self, Worker.self]
    )
}
