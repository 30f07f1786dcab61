// The ingest config file: site, endpoints, known sensors and limits (reference: docs/config.md).
public import TelemetryModel
public import TelemetryIngest
public import TransportSettings
public import Asterix
public import LiveView
import Sapient
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
    /// Each cooperative drone's registered identity (its Remote ID serial number, say), by drone id:
    /// what a system's claimed identities are scored against (`truth.identities`).
    public var truthIdentities: [String: String] = [:]
    /// The known ASTERIX radars' sensor ids, by SAC/SIC (the sensors' `asterix` fields).
    public var asterixSensors: [AsterixSource: SensorDescription] = [:]
    /// The SAPIENT nodes the range knows (the sensors' `sapient` fields and `sapient.nodes`), the ICD's
    /// time window, and Haechi's own node id (`sapient`).
    public var sapient = SapientSettings()
    public var sapientDecisionModuleID = IngestSettings.defaultSapientDecisionModuleID
    /// Payloads above this size are counted as `oversize_frame`, bytes.
    public var maximumFrameBytes: Int
    /// Sources counted apart before new topics go to `!overflow@<endpoint>`.
    public var maximumSources: Int
    /// The ring-buffer core's sizes, wait strategy and overload policy.
    public var pipeline: PipelineSettings
    /// The live tracking stage.
    public var tracking = TrackingConfiguration()
    /// The live web view (`web`; off by default).
    public var web = LiveViewSettings()
    /// The shared archive (`archive`), for `haechi archive` and `haechi worker`; ingest does not use it.
    public var archive: ArchiveSettings?
    /// Tracks out as Cursor-on-Target (`outputs.cot`; off by default).
    public var cot = CotSettings()
    /// Tracks out as ASTERIX CAT062 (`outputs.asterix062`; off by default).
    public var asterix062 = Asterix062Settings()
    /// Tracks out to a SAPIENT decision module (`outputs.sapient`; off by default).
    public var sapientOutput = SapientOutputSettings()
    /// The checks every truth fix passes before it is a drone's truth.
    public var truthIntegrity = TruthIntegritySettings()

    /// The settings for the ingest thread.
    public var ingestSettings: IngestSettings {
        var settings = IngestSettings(endpoints: endpoints, maximumFrameBytes: maximumFrameBytes, siteGeoidSeparation: site.geoidSeparation,
                                      maximumSources: maximumSources, pipeline: pipeline)
        settings.truthIntegrity = truthIntegrity
        settings.asterixSensors = asterixSensors
        settings.sapient = sapient
        settings.sapientDecisionModuleID = sapientDecisionModuleID
        settings.siteOrigin = site.origin
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
        let root = try ConfigNode.root(yaml: text, file: file).mapping(allowing: ["site", "endpoints", "sensors", "limits", "pipeline", "tracking", "truth",
                                                                                                   "sapient", "outputs", "web", "archive"])

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
            let endpoint = try self.endpoint(entry, configFile: file)
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
        var asterixSensors: [AsterixSource: SensorDescription] = [:]
        var sapientSensors: [String: SensorDescription] = [:]
        for entry in try root.optional("sensors")?.sequence() ?? [] {
            let sensor = try self.sensor(entry)
            let fields = try entry.mapping(allowing: ["id", "kind", "position", "measures", "asterix", "sapient"])
            if let sapientNode = fields.optional("sapient") {
                let node = try sapientNode.mapping(allowing: ["node_id"]).required("node_id")
                let id = try node.string()
                guard SapientIdentifier.isUUIDv4(id) else { throw node.error("'\(id)' is not a SAPIENT node id (a lower-case UUID v4)") }
                if let other = sapientSensors[id] { throw node.error("sensor '\(other.sensorID)' already has node id \(id)") }
                sapientSensors[id] = sensor
            }
            if let asterixNode = fields.optional("asterix") {
                let identity = try asterixNode.mapping(allowing: ["sac", "sic"])
                let source = AsterixSource(sac: UInt8(try identity.required("sac").integer(atLeast: 0, atMost: 255)),
                                           sic: UInt8(try identity.required("sic").integer(atLeast: 0, atMost: 255)))
                if let other = asterixSensors[source] {
                    throw asterixNode.error("sensor '\(other.sensorID)' already has SAC \(source.sac) SIC \(source.sic)")
                }
                asterixSensors[source] = sensor
            }
            guard sensorIDs.insert(sensor.sensorID).inserted else {
                throw try entry.required("id").error("another sensor already has id '\(sensor.sensorID)'")
            }
            sensors.append(sensor)
        }

        var maximumFrameBytes = 1 << 20
        var maximumSources = 4096
        if let limits = try root.optional("limits")?.mapping(allowing: ["max_frame_bytes", "max_sources"]) {
            maximumFrameBytes = try limits.optional("max_frame_bytes")?.integer(atLeast: 1, atMost: IngestSettings.maximumFrameBytesLimit)
                ?? maximumFrameBytes
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
            let budget = IngestPipeline.minimumArenaBytes(maximumFrameBytes: maximumFrameBytes)
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
            pipeline.arenaBytes = max(pipeline.arenaBytes, IngestPipeline.minimumArenaBytes(maximumFrameBytes: maximumFrameBytes))
        }
        var configuration = IngestConfiguration(file: file, text: text, site: site, endpoints: endpoints, sensors: sensors,
                                                maximumFrameBytes: maximumFrameBytes, maximumSources: maximumSources, pipeline: pipeline)
        configuration.asterixSensors = asterixSensors
        configuration.sapient.sensors = sapientSensors
        if let node = try root.optional("sapient")?.mapping(allowing: ["decision_module_id", "nodes", "time_window_ms"]) {
            if let idNode = node.optional("decision_module_id") {
                let id = try idNode.string()
                guard SapientIdentifier.isUUIDv4(id) else { throw idNode.error("'\(id)' is not a node id (a lower-case UUID v4)") }
                configuration.sapientDecisionModuleID = id
            }
            if let nodesNode = node.optional("nodes") {
                var allowed: Set<String> = []
                for entry in try nodesNode.sequence() {
                    let id = try entry.string()
                    guard SapientIdentifier.isUUIDv4(id) else { throw entry.error("'\(id)' is not a SAPIENT node id (a lower-case UUID v4)") }
                    allowed.insert(id)
                }
                configuration.sapient.allowedNodes = allowed
            }
            if let window = try node.optional("time_window_ms")?.mapping(allowing: ["past", "future"]) {
                configuration.sapient.timeWindow = SapientTimeWindow(
                    pastNanoseconds: Int64(try window.required("past").integer(atLeast: 0, atMost: 86_400_000)) * 1_000_000,
                    futureNanoseconds: Int64(try window.required("future").integer(atLeast: 0, atMost: 86_400_000)) * 1_000_000)
            }
        }
        if let node = try root.optional("truth")?.mapping(allowing: ["max_speed_mps", "position_slack_m", "handover_s", "max_drones",
                                                                     "identities"]) {
            if let identities = node.optional("identities") {
                for drone in try identities.mappingKeys() {
                    let valueNode = try identities.required(drone)
                    let value = try valueNode.string()
                    guard !value.isEmpty else { throw valueNode.error("give the drone's registered identity, as its Remote ID declares it") }
                    configuration.truthIdentities[drone] = value
                }
            }
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
        if let node = root.optional("archive") { configuration.archive = try ArchiveSettings.parse(node, file: file) }
        if let node = try root.optional("web")?.mapping(allowing: ["enabled", "address", "port", "tiles", "leaflet", "push_interval_s",
                                                                    "max_clients"]) {
            configuration.web = try webSettings(node, file: file)
        }
        let outputs = try root.optional("outputs")?.mapping(allowing: ["cot", "asterix062", "sapient"])
        if let node = try outputs?.optional("sapient")?.mapping(allowing: ["enabled", "tcp", "node_id", "name", "status_interval_s"]) {
            var settings = SapientOutputSettings()
            settings.enabled = try node.optional("enabled")?.boolean() ?? true
            let tcp = try node.required("tcp")
            let text = try tcp.string()
            guard UDPAddress(text, scheme: "tcp") != nil else { throw tcp.error("give tcp://<IPv4 address>:<port> of the decision module") }
            settings.tcp = text
            if let id = node.optional("node_id") {
                let value = try id.string()
                guard SapientIdentifier.isUUIDv4(value) else { throw id.error("a SAPIENT node id is a version-4 UUID (xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx)") }
                settings.nodeID = value
            }
            settings.name = try node.optional("name")?.string() ?? settings.name
            settings.statusIntervalSeconds = try node.optional("status_interval_s")?.double(in: 0.1...3600) ?? settings.statusIntervalSeconds
            if settings.enabled && !configuration.tracking.enabled {
                throw node.error("outputs.sapient sends confirmed tracks: it needs tracking.enabled: true")
            }
            configuration.sapientOutput = settings
        }
        if let node = try outputs?.optional("asterix062")?.mapping(allowing: ["enabled", "udp", "sac", "sic", "service_id", "multicast_ttl"]) {
            var settings = Asterix062Settings()
            settings.enabled = try node.optional("enabled")?.boolean() ?? true
            if let udp = node.optional("udp") {
                let text = try udp.string()
                guard UDPAddress(text) != nil else { throw udp.error("give udp://<IPv4 address>:<port>") }
                settings.udp = text
            }
            let sac = try node.optional("sac")?.integer(atLeast: 0, atMost: 255) ?? Int(settings.source.sac)
            let sic = try node.optional("sic")?.integer(atLeast: 0, atMost: 255) ?? Int(settings.source.sic)
            settings.source = AsterixSource(sac: UInt8(sac), sic: UInt8(sic))
            settings.serviceID = UInt8(try node.optional("service_id")?.integer(atLeast: 0, atMost: 255) ?? Int(settings.serviceID))
            settings.multicastTTL = try node.optional("multicast_ttl")?.integer(atLeast: 0, atMost: 255) ?? settings.multicastTTL
            if settings.enabled && !configuration.tracking.enabled {
                throw node.error("outputs.asterix062 sends confirmed tracks: it needs tracking.enabled: true")
            }
            configuration.asterix062 = settings
        }
        if let node = try outputs?.optional("cot")?.mapping(allowing: ["enabled", "udp", "tcp", "format", "stale_s", "type", "uid_prefix",
                                                                        "callsign_prefix", "multicast_ttl"]) {
            var cot = CotSettings()
            cot.enabled = try node.optional("enabled")?.boolean() ?? true
            if let udp = node.optional("udp") {
                let text = try udp.string()
                guard text == "off" || UDPAddress(text) != nil else { throw udp.error("give udp://<IPv4 address>:<port> (the TAK default: udp://239.2.3.1:6969), or off") }
                cot.udp = text == "off" ? nil : text
            }
            if let tcp = node.optional("tcp") {
                let text = try tcp.string()
                guard UDPAddress(text, scheme: "tcp") != nil else { throw tcp.error("give tcp://<IPv4 address>:<port> of a TAK server or C2 system") }
                cot.tcp = text
            }
            if cot.udp == nil && cot.tcp == nil { throw node.error("outputs.cot sends nowhere: give udp, tcp or both") }
            cot.format = try node.optional("format")?.choice(CotSettings.Format.self, noun: "CoT format") ?? cot.format
            cot.staleSeconds = try node.optional("stale_s")?.double(in: 0.1...3600) ?? cot.staleSeconds
            cot.type = try node.optional("type")?.string() ?? cot.type
            cot.uidPrefix = try node.optional("uid_prefix")?.string() ?? cot.uidPrefix
            cot.callsignPrefix = try node.optional("callsign_prefix")?.string() ?? cot.callsignPrefix
            cot.multicastTTL = try node.optional("multicast_ttl")?.integer(atLeast: 0, atMost: 255) ?? cot.multicastTTL
            if cot.enabled && !configuration.tracking.enabled {
                throw node.error("outputs.cot sends confirmed tracks: it needs tracking.enabled: true")
            }
            configuration.cot = cot
        }
        if configuration.tracking.trackerFile == nil {
            // The built-in settings, recorded as their JSON (a YAML the tracker config reads): a replay by a
            // later version, whose built-in defaults may differ, then tracks as this run did.
            if let recordedTrackerText {
                configuration.tracking.settings = try TrackerConfiguration.parse(yaml: recordedTrackerText,
                                                                                 file: "\(file) (the recording's tracker settings)")
                configuration.tracking.trackerText = recordedTrackerText
            } else {
                configuration.tracking.trackerText = TrackerConfiguration.json(configuration.tracking.settings)
            }
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

    private static func endpoint(_ node: ConfigNode, configFile: String) throws(RuntimeError) -> IngestEndpoint {
        let entry = try node.mapping(allowing: ["name", "address", "socket", "mode", "topics", "receive_hwm",
                                                "reconnect_interval_ms", "max_message_bytes", "curve", "interface", "receive_buffer_bytes",
                                                "max_connections", "stall_timeout_ms"])
        let name = try entry.required("name").string()
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw try entry.required("name").error("use letters, digits, '-', '_' or '.'")
        }
        if try entry.required("socket").string() == IngestEndpoint.SocketKind.asterix.rawValue {
            return try asterixEndpoint(entry, name: name)
        }
        if try entry.required("socket").string() == IngestEndpoint.SocketKind.sapient.rawValue {
            return try sapientEndpoint(entry, name: name)
        }
        for key in ["max_connections", "stall_timeout_ms"] {
            if let node = entry.optional(key) { throw node.error("\(key) applies to sapient endpoints only") }
        }
        for key in ["interface", "receive_buffer_bytes"] {
            if let node = entry.optional(key) { throw node.error("\(key) applies to asterix endpoints only") }
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
        let curve = try entry.optional("curve").map { (node) throws(RuntimeError) in try self.curve(node, configFile: configFile) }
        if curve != nil, let scheme = address.split(separator: ":", maxSplits: 1).first, ["inproc", "pgm", "epgm"].contains(String(scheme)) {
            throw try entry.required("curve").error("CURVE needs a transport with a handshake (tcp, ipc, ws, wss); \(scheme) has none")
        }
        return IngestEndpoint(
            name: name, address: address, socket: socket, mode: mode, topics: topics,
            receiveHighWaterMark: try entry.optional("receive_hwm")?.integer(atLeast: 0),
            reconnectIntervalMilliseconds: try entry.optional("reconnect_interval_ms")?.integer(atLeast: 1),
            // At most 2^31 - 1: the largest part size zmq_recv reports exactly (bytes_received counts it).
            maximumMessageSize: try entry.optional("max_message_bytes")?.integer(atLeast: 1, atMost: Int(Int32.max)),
            curve: curve)
    }


    /// An `asterix` endpoint: a UDP socket bound to `udp://<IPv4>:<port>` (a multicast group is joined).
    private static func asterixEndpoint(_ entry: ConfigNode, name: String) throws(RuntimeError) -> IngestEndpoint {
        guard name.count <= SourceTopic.maximumSourceIDLength else {
            throw try entry.required("name").error("an asterix endpoint's name is at most \(SourceTopic.maximumSourceIDLength) characters")
        }
        for key in ["topics", "receive_hwm", "reconnect_interval_ms", "max_message_bytes", "curve"] {
            if let node = entry.optional(key) { throw node.error("\(key) applies to ZeroMQ endpoints, not to asterix (UDP) ones") }
        }
        for key in ["max_connections", "stall_timeout_ms"] {
            if let node = entry.optional(key) { throw node.error("\(key) applies to sapient endpoints only") }
        }
        let addressNode = try entry.required("address")
        let address = try addressNode.string()
        guard UDPAddress(address) != nil else {
            throw addressNode.error("'\(address)' is not udp://<IPv4 address>:<port> (a multicast group, 224.0.0.0/4, is joined)")
        }
        let modeNode = try entry.required("mode")
        guard try modeNode.choice(IngestEndpoint.Mode.self, noun: "mode") == .bind else {
            throw modeNode.error("an asterix endpoint binds: the radar sends to it")
        }
        var interface: String?
        if let node = entry.optional("interface") {
            let text = try node.string()
            guard UDPAddress.isIPv4(text) else { throw node.error("'\(text)' is not an IPv4 address") }
            interface = text
        }
        return IngestEndpoint(name: name, address: address, socket: .asterix, mode: .bind, topics: [""],
                              multicastInterface: interface,
                              receiveBufferBytes: try entry.optional("receive_buffer_bytes")?.integer(atLeast: 4096, atMost: Int(Int32.max)))
    }

    /// A `sapient` endpoint: a TCP listener at `tcp://<IPv4>:<port>` for SAPIENT nodes.
    private static func sapientEndpoint(_ entry: ConfigNode, name: String) throws(RuntimeError) -> IngestEndpoint {
        guard name.count <= SourceTopic.maximumSourceIDLength else {
            throw try entry.required("name").error("a sapient endpoint's name is at most \(SourceTopic.maximumSourceIDLength) characters")
        }
        for key in ["topics", "receive_hwm", "reconnect_interval_ms", "max_message_bytes", "curve", "interface", "receive_buffer_bytes"] {
            if let node = entry.optional(key) { throw node.error("\(key) does not apply to sapient (TCP) endpoints") }
        }
        let addressNode = try entry.required("address")
        let address = try addressNode.string()
        guard UDPAddress(address, scheme: "tcp") != nil else { throw addressNode.error("'\(address)' is not tcp://<IPv4 address>:<port>") }
        let modeNode = try entry.required("mode")
        guard try modeNode.choice(IngestEndpoint.Mode.self, noun: "mode") == .bind else {
            throw modeNode.error("a sapient endpoint binds: Haechi is the decision module the nodes connect to")
        }
        var endpoint = IngestEndpoint(name: name, address: address, socket: .sapient, mode: .bind, topics: [""])
        endpoint.maximumConnections = try entry.optional("max_connections")?.integer(atLeast: 1, atMost: 1024) ?? endpoint.maximumConnections
        endpoint.stallTimeoutMilliseconds = try entry.optional("stall_timeout_ms")?.integer(atLeast: 100, atMost: 3_600_000)
            ?? endpoint.stallTimeoutMilliseconds
        return endpoint
    }

    /// An endpoint's `curve`: the server's key file (read only when a live run starts, never at a
    /// replay) and the client keys admitted, each tied to the topics and MAVLink systems it may send.
    private static func curve(_ node: ConfigNode, configFile: String) throws(RuntimeError) -> CurveSettings {
        let entry = try node.mapping(allowing: ["server_key", "clients"])
        let keyNode = try entry.required("server_key")
        var keyFile = try keyNode.string()
        guard !keyFile.isEmpty else { throw keyNode.error("name the file holding the server's secret key (haechi keys generate --curve)") }
        if !keyFile.hasPrefix("/") {
            keyFile = URL(fileURLWithPath: configFile).deletingLastPathComponent().appendingPathComponent(keyFile).standardized.path
        }
        let clientsNode = try entry.required("clients")
        let clientNodes = try clientsNode.sequence()
        if clientNodes.isEmpty { throw clientsNode.error("list at least one client key; an endpoint admitting no key receives nothing") }
        var clients: [CurveClient] = []
        var names: Set<String> = [], keys: Set<String> = []
        for clientNode in clientNodes {
            let client = try clientNode.mapping(allowing: ["name", "public_key", "topics", "mavlink_systems"])
            let nameNode = try client.required("name")
            let name = try nameNode.string()
            guard !name.isEmpty, names.insert(name).inserted else { throw nameNode.error("give each client a name of its own") }
            let keyNode = try client.required("public_key")
            let key = try keyNode.string()
            guard CurveSettings.isZ85Key(key) else {
                throw keyNode.error("not a CURVE public key: expected 40 characters of Z85 (the .pub file of haechi keys generate --curve)")
            }
            guard keys.insert(key).inserted else { throw keyNode.error("another client already has this key") }
            let topicsNode = try client.required("topics")
            let topics = try topicsNode.sequence().map { (topic) throws(RuntimeError) -> String in
                let text = try topic.string()
                let pattern = text.hasSuffix("*") ? String(text.dropLast()) : text
                let parts = pattern.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
                let valid = text.hasSuffix("*")
                    ? !pattern.isEmpty && !pattern.contains("*")
                    : parts.count == 2 && SourceTopic(formatName: String(parts[0]), sourceID: String(parts[1])) != nil
                guard valid else { throw topic.error("'\(text)' is neither a topic (json/radar-1) nor a prefix ending in * (mavlink/drone-*)") }
                return text
            }
            if topics.isEmpty { throw topicsNode.error("list the topics this key may send; an empty list admits nothing") }
            let systems = try client.optional("mavlink_systems").map { (node) throws(RuntimeError) -> [UInt8] in
                try node.sequence().map { (id) throws(RuntimeError) -> UInt8 in
                    let value = try id.integer(atLeast: 0)
                    guard value <= 255 else { throw id.error("\(value) is not a MAVLink system id (0 to 255)") }
                    return UInt8(value)
                }
            }
            clients.append(CurveClient(name: name, publicKey: key, topics: topics, mavlinkSystems: systems))
        }
        return CurveSettings(serverKeyFile: keyFile, clients: clients)
    }

    /// The configured sensors with the sources each would speak as (`json/<id>`, `sapient/<id>`, and
    /// `asterix/<SAC>-<SIC>` for a radar given one): the status line's and web view's silent sensors.
    public var expectedSensors: [ExpectedSensor] {
        var expected = sensors.map { ExpectedSensor(id: $0.sensorID, sources: ["json/\($0.sensorID)", "sapient/\($0.sensorID)"]) }
        for (source, sensor) in asterixSensors.sorted(by: { "\($0.key)" < "\($1.key)" }) {
            if let index = expected.firstIndex(where: { $0.id == sensor.sensorID }) { expected[index].sources.append("asterix/\(source)") }
        }
        return expected
    }

    /// The endpoints that bind a non-loopback address without CURVE, with why each is exposed: any
    /// host that can reach it may send. Printed as warnings when ingest starts.
    public var exposureWarnings: [String] {
        var warnings = endpointExposureWarnings
        if web.enabled && !web.isLoopback {
            warnings.append("the web view listens on \(web.address):\(web.port), which is not loopback: it has no authentication, so "
                            + "any host that can reach it sees the live picture (it only reads; docs/security.md)")
        }
        return warnings
    }

    private var endpointExposureWarnings: [String] {
        endpoints.compactMap { endpoint in
            guard endpoint.mode == .bind, endpoint.curve == nil, !Self.isLocal(endpoint.address) else { return nil }
            if endpoint.socket == .sapient {
                return "endpoint '\(endpoint.name)' listens for SAPIENT nodes at \(endpoint.address), which is not loopback: SAPIENT over TCP "
                    + "has no authentication, so any host that can reach it can register as a node (list the nodes in sapient.nodes; "
                    + "docs/security.md)"
            }
            if endpoint.socket == .asterix {
                // A multicast group joined on the loopback interface hears this host only.
                if endpoint.multicastInterface?.hasPrefix("127.") == true { return nil }
                return "endpoint '\(endpoint.name)' receives ASTERIX over UDP at \(endpoint.address), which is not loopback: UDP has no "
                    + "authentication, so any host that can reach it can send plots as any radar, and a source address can be forged "
                    + "(docs/security.md)"
            }
            return "endpoint '\(endpoint.name)' binds \(endpoint.address), which is not loopback, without CURVE: any host that can "
                + "reach it can send on it, as any sensor or drone (docs/security.md)"
        }
    }

    /// Whether an address only this host can reach: `inproc`, `ipc`, and TCP (or WebSocket) on a loopback address.
    static func isLocal(_ address: String) -> Bool {
        guard let range = address.range(of: "://") else { return false }
        let scheme = address[..<range.lowerBound]
        if scheme == "inproc" || scheme == "ipc" { return true }
        guard ["tcp", "ws", "wss", "udp"].contains(String(scheme)) else { return false }
        var host = String(address[range.upperBound...])
        if let semicolon = host.lastIndex(of: ";") { host = String(host[host.index(after: semicolon)...]) }   // source;destination
        if host.hasPrefix("[") {
            return host.hasPrefix("[::1]")
        }
        host = String(host.prefix { $0 != ":" && $0 != "/" })
        return host == "localhost" || host == "lo" || host.hasPrefix("127.")
    }

    /// The `web:` section: on unless `enabled: false`; a relative tile or Leaflet folder is the config file's.
    private static func webSettings(_ node: ConfigNode, file: String) throws(RuntimeError) -> LiveViewSettings {
        var web = LiveViewSettings()
        web.enabled = try node.optional("enabled")?.boolean() ?? true
        if let addressNode = node.optional("address") {
            let text = try addressNode.string()
            guard text == "localhost" || UDPAddress("udp://\(text):1", scheme: "udp") != nil else {
                throw addressNode.error("give an IPv4 address: 127.0.0.1 for this machine only, 0.0.0.0 for every interface")
            }
            web.address = text
        }
        web.port = UInt16(try node.optional("port")?.integer(atLeast: 0, atMost: 65535) ?? Int(web.port))
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        func path(_ key: String) throws(RuntimeError) -> String? {
            guard let text = try node.optional(key)?.string() else { return nil }
            return text.hasPrefix("/") ? text : folder.appendingPathComponent(text).standardized.path
        }
        web.tiles = try path("tiles")
        web.leaflet = try path("leaflet") ?? web.leaflet
        web.pushInterval = try node.optional("push_interval_s")?.double(in: 0.1...10) ?? web.pushInterval
        web.maximumClients = try node.optional("max_clients")?.integer(atLeast: 1, atMost: 256) ?? web.maximumClients
        return web
    }

    private static func sensor(_ node: ConfigNode) throws(RuntimeError) -> SensorDescription {
        let entry = try node.mapping(allowing: ["id", "kind", "position", "measures", "asterix", "sapient"])
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
