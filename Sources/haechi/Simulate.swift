// `haechi simulate`: a seeded test-range simulator that publishes live telemetry over ZeroMQ.
import ArgumentParser
import TestbedRuntime
import Simulation
import Foundation
import TestbedConfiguration

struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Simulate a test run: drones and sensors publishing telemetry over ZeroMQ.",
        discussion: """
            Runs a seeded scenario (docs/scenarios.md): sensors publish JSON on json/<sensor-id>, \
            drones publish MAVLink v2 on mavlink/<drone-id>. The same scenario and seed always give \
            the same messages. --write writes the scenario as a cuas-scenario/1 file instead of, or \
            as well as, publishing it. Exit status: 0 when done, 1 on a publishing or file error, \
            2 on a bad scenario, 64 on a bad command line.
            """
    )

    @Option(name: .long, help: ArgumentHelp("The scenario file.", valueName: "file.yaml"))
    var scenario: String

    @Option(name: .long, help: "Override the scenario's seed.")
    var seed: UInt64?

    @Option(name: .long, help: ArgumentHelp("Publishing speed: max, or a multiple of real time (1, 10, ...).", valueName: "max|factor"))
    var speed: String = "1"

    @Option(name: .long, help: ArgumentHelp("Stop after this many seconds of scenario time.", valueName: "seconds"))
    var duration: Double?

    @Option(name: .long, help: ArgumentHelp("A ZeroMQ endpoint to publish to (repeatable).", valueName: "endpoint"))
    var publish: [String] = []

    @Flag(name: .long, help: "Bind the --publish endpoints instead of connecting to them.")
    var bind = false

    @Option(name: .long, help: ArgumentHelp("pub (fan-out, may drop at the high-water mark) or push (lossless).", valueName: "pub|push"))
    var socket: String = "pub"

    @Option(name: .long, help: ArgumentHelp("With pub: wait up to this long for a subscriber before sending.", valueName: "seconds"))
    var waitSubscribers: Double?

    @Option(name: .long, help: ArgumentHelp("Write the scenario as a cuas-scenario/1 file.", valueName: "file.jsonl"))
    var write: String?

    @Option(name: .long, help: ArgumentHelp("Keep only sensors of these kinds (radar,rf).", valueName: "kinds"))
    var sensorKinds: String?

    @Option(name: .long, help: ArgumentHelp("Override the scenario's start time.", valueName: "UTC time"))
    var epoch: String?

    @Option(name: .long, help: ArgumentHelp("Write the JSON summary to this file.", valueName: "file.json"))
    var summary: String?

    @Flag(name: [.short, .long], help: "Print nothing at the end.")
    var quiet = false

    func validate() throws {
        if publish.isEmpty && write == nil { throw ValidationError("give --publish ENDPOINT, --write FILE, or both") }
        if SimulationSpeed(speed) == nil { throw ValidationError("--speed must be max or a positive number") }
        if SimulationSocket(rawValue: socket) == nil { throw ValidationError("--socket must be pub or push") }
        if let duration, !(duration > 0) { throw ValidationError("--duration must be a positive number of seconds") }
        if waitSubscribers != nil && socket != "pub" { throw ValidationError("--wait-subscribers applies to --socket pub") }
        if let kinds = sensorKinds {
            for kind in kinds.split(separator: ",") where SimulatedSensorKind(rawValue: String(kind)) == nil {
                throw ValidationError("--sensor-kinds: unknown kind '\(kind)'; expected radar, rf or eo_ir")
            }
        }
    }

    func run() throws {
        let options = SimulateOptions(
            seed: seed, speed: SimulationSpeed(speed)!, duration: duration, publish: publish, bind: bind,
            socket: SimulationSocket(rawValue: socket)!, waitSubscribers: waitSubscribers, writePath: write,
            sensorKinds: sensorKinds.map { Set($0.split(separator: ",").compactMap { SimulatedSensorKind(rawValue: String($0)) }) },
            epoch: epoch, summaryPath: summary)
        do {
            let spec = try SimulateRunner.prepare(ScenarioConfiguration.load(path: scenario), options: options)
            let report = try SimulateRunner.run(spec: spec, scenarioPath: scenario, options: options)
            if !quiet { print(report.textReport, terminator: "") }
            for warning in report.warnings { FileHandle.standardError.write(Data("haechi simulate: warning: \(warning)\n".utf8)) }
        } catch {
            throw error.reported()
        }
    }
}
