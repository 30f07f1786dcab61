// The ingest config file: site, endpoints, known sensors and limits (reference: docs/config.md).
public import TelemetryModel
public import TelemetryIngest
import Tracking
import Foundation
import Yams

/// A parsed and checked `haechi ingest` config file.
public struct IngestConfiguration: Hashable, Sendable {
    /// The file it came from.
    public var file: String
    /// The file's full text, kept for the run's provenance.
    public var text: String
    /// The test site.
    public var site: SiteConfiguration
    /// Where to listen, in order.
    public var endpoints: [IngestEndpoint]
    /// The sensors the range expects.
    public var sensors: [SensorDescription]
    /// Payloads above this size are counted as `oversize_frame`, bytes.
    public var maximumFrameBytes: Int
    /// Sources counted apart before new topics go to `!overflow@<endpoint>`.
    public var maximumSources: Int
    /// The ring-buffer core's sizes, wait strategy and overload policy.
    public var pipeline: PipelineSettings
    /// The live tracking stage.
    public var tracking = TrackingConfiguration()
    /// The checks every truth fix passes before it is a drone's truth.
    public var truthIntegrity = TruthIntegritySettings()

    /// The settings for the ingest thread.
    public var ingestSettings: IngestSettings {
        var settings = IngestSettings(endpoints: endpoints, maximumFrameBytes: maximumFrameBytes, siteGeoidSeparation: site.geoidSeparation,
                                      maximumSources: maximumSources, pipeline: pipeline)
        settings.truthIntegrity = truthIntegrity
        return settings
    }

    /// Reads and checks a config file.
    public static func load(path: String) throws(RuntimeError) -> IngestConfiguration {
        try parse(ConfigNode.text(ofFile: path, noun: "config file"), file: path)
    }

    /// Parses and checks config text; `file` names it in errors.
    ///
    /// `recordedTrackerText`: the tracker file's text as a recording kept it; when given, it is used
    /// instead of reading the file `tracking.tracker` names (which may have changed since).
    public static func parse(_ text: String, file: String, recordedTrackerText: String? = nil) throws(RuntimeError) -> IngestConfiguration {
        let root = try ConfigNode.root(yaml: text, file: file).mapping(allowing: ["site", "endpoints", "sensors", "limits", "pipeline", "tracking", "truth"])

        let siteNode = try root.required("site").mapping(allowing: ["name", "origin", "geoid_separation_m"])
        let site = SiteConfiguration(
            name: try siteNode.optional("name")?.string() ?? "unnamed site",
            origin: try siteNode.required("origin").geodeticPosition(),
            geoidSeparation: try siteNode.required("geoid_separation_m").double(in: -120...120))

        let endpointNodes = try root.required("endpoints").sequence()
        if endpointNodes.isEmpty { throw try root.required("endpoints").error("list at least one endpoint") }
        var endpoints: [IngestEndpoint] = []
        var names: Set<String> = []
        var bound: Set<String> = []
        for entry in endpointNodes {
            let endpoint = try self.endpoint(entry)
            guard names.insert(endpoint.name).inserted else {
                throw try entry.required("name").error("another endpoint is already named '\(endpoint.name)'")
            }
            if endpoint.mode == .bind, !bound.insert(endpoint.address).inserted {
                throw try entry.required("address").error("another endpoint already binds \(endpoint.address)")
            }
            endpoints.append(endpoint)
        }

        var sensors: [SensorDescription] = []
        var sensorIDs: Set<String> = []
        for entry in try root.optional("sensors")?.sequence() ?? [] {
            let sensor = try self.sensor(entry)
            guard sensorIDs.insert(sensor.sensorID).inserted else {
                throw try entry.required("id").error("another sensor already has id '\(sensor.sensorID)'")
            }
            sensors.append(sensor)
        }

        var maximumFrameBytes = 1 << 20
        var maximumSources = 4096
        if let limits = try root.optional("limits")?.mapping(allowing: ["max_frame_bytes", "max_sources"]) {
            maximumFrameBytes = try limits.optional("max_frame_bytes")?.integer(atLeast: 1) ?? maximumFrameBytes
            maximumSources = try limits.optional("max_sources")?.integer(atLeast: 1) ?? maximumSources
        }
        var pipeline = PipelineSettings()
        if let node = try root.optional("pipeline")?.mapping(allowing: ["ring_slots", "arena_bytes", "tracking_overload", "shed_lag", "wait"]) {
            if let slotsNode = node.optional("ring_slots") {
                let slots = try slotsNode.integer(atLeast: 1024)
                guard slots & (slots - 1) == 0, slots <= 1 << 24 else {
                    throw slotsNode.error("\(slots) is not a power of two between 1024 and 16777216")
                }
                pipeline.ringSlots = slots
            }
            let budget = IngestSettings.minimumArenaBytes(maximumFrameBytes: maximumFrameBytes)
            if let arenaNode = node.optional("arena_bytes") {
                let bytes = try arenaNode.integer(atLeast: 1)
                guard bytes >= budget else {
                    throw arenaNode.error("\(bytes) bytes cannot hold four frames of limits.max_frame_bytes; at least \(budget)")
                }
                pipeline.arenaBytes = bytes
            } else {
                pipeline.arenaBytes = max(pipeline.arenaBytes, budget)
            }
            pipeline.trackingOverload = try node.optional("tracking_overload")?.choice(TrackingOverloadPolicy.self, noun: "overload policy")
                ?? pipeline.trackingOverload
            pipeline.shedLag = try node.optional("shed_lag")?.double(in: 0.01...1) ?? pipeline.shedLag
            pipeline.wait = try node.optional("wait")?.choice(PipelineWait.self, noun: "wait strategy") ?? pipeline.wait
        } else {
            pipeline.arenaBytes = max(pipeline.arenaBytes, IngestSettings.minimumArenaBytes(maximumFrameBytes: maximumFrameBytes))
        }
        var configuration = IngestConfiguration(file: file, text: text, site: site, endpoints: endpoints, sensors: sensors,
                                                maximumFrameBytes: maximumFrameBytes, maximumSources: maximumSources, pipeline: pipeline)
        if let node = try root.optional("truth")?.mapping(allowing: ["max_speed_mps", "position_slack_m", "handover_s", "max_drones"]) {
            let defaults = TruthIntegritySettings()
            configuration.truthIntegrity = TruthIntegritySettings(
                maximumSpeed: try node.optional("max_speed_mps")?.double(in: 1...10_000) ?? defaults.maximumSpeed,
                positionSlack: try node.optional("position_slack_m")?.double(in: 0...100_000) ?? defaults.positionSlack,
                handoverSeconds: try node.optional("handover_s")?.double(in: 0...86_400) ?? defaults.handoverSeconds,
                maximumDrones: try node.optional("max_drones")?.integer(atLeast: 1) ?? defaults.maximumDrones)
        }
        if let node = try root.optional("tracking")?.mapping(allowing: ["enabled", "tracker", "publish"]) {
            var tracking = TrackingConfiguration()
            tracking.enabled = try node.optional("enabled")?.boolean() ?? true
            if let trackerNode = node.optional("tracker") {
                var path = try trackerNode.string()
                if !path.hasPrefix("/") {
                    path = URL(fileURLWithPath: file).deletingLastPathComponent().appendingPathComponent(path).standardized.path
                }
                tracking.trackerFile = path
                let trackerText: String
                if let recordedTrackerText {
                    trackerText = recordedTrackerText
                } else {
                    trackerText = try ConfigNode.text(ofFile: path, noun: "tracker config")
                }
                tracking.trackerText = trackerText
                tracking.settings = try TrackerConfiguration.parse(yaml: trackerText, file: path)
            }
            if let publishNode = node.optional("publish") {
                let address = try zmqAddress(publishNode, example: "tcp://127.0.0.1:7003")
                if endpoints.contains(where: { $0.mode == .bind && $0.address == address }) {
                    throw publishNode.error("an ingest endpoint already binds \(address)")
                }
                tracking.publish = address
            }
            configuration.tracking = tracking
        }
        return configuration
    }

    /// Transports libzmq offers on this platform for Haechi's receiving sockets.
    static let transports = ["tcp", "ipc", "inproc", "pgm", "epgm", "ws", "wss"]

    /// A ZeroMQ endpoint address on one of `transports`.
    private static func zmqAddress(_ node: ConfigNode, example: String) throws(RuntimeError) -> String {
        let address = try node.string()
        let scheme = address.split(separator: ":", maxSplits: 1).first.map(String.init) ?? ""
        guard address.contains("://"), transports.contains(scheme) else {
            throw node.error("'\(address)' is not a ZeroMQ endpoint such as \(example) (transports: \(transports.joined(separator: ", ")))")
        }
        return address
    }

    private static func endpoint(_ node: ConfigNode) throws(RuntimeError) -> IngestEndpoint {
        let entry = try node.mapping(allowing: ["name", "address", "socket", "mode", "topics", "receive_hwm",
                                                "reconnect_interval_ms", "max_message_bytes"])
        let name = try entry.required("name").string()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw try entry.required("name").error("use letters, digits, '-', '_' or '.'")
        }
        let address = try zmqAddress(entry.required("address"), example: "tcp://127.0.0.1:7001")
        let socket = try entry.required("socket").choice(IngestEndpoint.SocketKind.self, noun: "socket type")
        let mode = try entry.required("mode").choice(IngestEndpoint.Mode.self, noun: "mode")
        var topics = [""]
        if let topicsNode = entry.optional("topics") {
            guard socket == .sub else { throw topicsNode.error("topics apply to sub endpoints only; a pull socket receives everything") }
            topics = try topicsNode.sequence().map { (topic) throws(RuntimeError) in try topic.string() }
            if topics.isEmpty { throw topicsNode.error("an empty list subscribes to nothing; leave it out to receive every topic") }
        }
        return IngestEndpoint(
            name: name, address: address, socket: socket, mode: mode, topics: topics,
            receiveHighWaterMark: try entry.optional("receive_hwm")?.integer(atLeast: 0),
            reconnectIntervalMilliseconds: try entry.optional("reconnect_interval_ms")?.integer(atLeast: 1),
            maximumMessageSize: try entry.optional("max_message_bytes")?.integer(atLeast: 1))
    }

    private static func sensor(_ node: ConfigNode) throws(RuntimeError) -> SensorDescription {
        let entry = try node.mapping(allowing: ["id", "kind", "position", "measures"])
        let idNode = try entry.required("id")
        let id = try idNode.string()
        guard SourceTopic(formatName: "json", sourceID: id) != nil else {
            throw idNode.error("'\(id)' is not a valid source id (1-64 of A-Z a-z 0-9 . _ : -)")
        }
        return SensorDescription(
            sensorID: id, kind: try entry.required("kind").string(),
            measures: try entry.optional("measures")?.choice(MeasurementKind.self, noun: "measurement kind") ?? .rangeAzimuthElevation,
            position: try entry.optional("position").map { (node) throws(RuntimeError) in try node.geodeticPosition() })
    }
}
