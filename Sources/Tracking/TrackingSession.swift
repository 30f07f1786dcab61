// The tracker driven by a feed of records: the site's frame, the sensors, scan assembly.
public import TelemetryModel
public import Geodesy

/// The tracker with what it needs from a feed: the site's frame (from a `meta` record or the config),
/// the sensors (from `sensor` records or the config), and scan assembly.
public struct TrackingSession: Sendable {
    /// The tracker.
    public var tracker: MultiTargetTracker
    /// Gathers records into scans.
    public private(set) var assembler = ScanAssembler()
    /// The site's ENU frame, once known.
    public private(set) var plane: LocalTangentPlane?
    /// The feed's epoch (a scenario's start), once known: track lines then carry `t_rel`.
    public private(set) var epoch: Timestamp?
    /// Sensors described without a position the tracker could use.
    public private(set) var unplacedSensors: Set<String> = []
    private var firstScan: Timestamp?, lastScan: Timestamp?

    /// Seconds of feed time between the first and the last scan.
    public var scenarioSpan: Double {
        guard let firstScan, let lastScan else { return 0 }
        return lastScan.seconds(since: firstScan)
    }

    /// A session with `settings`, optionally with the site and sensors already known (live ingest's config).
    public init(settings: TrackerSettings, origin: GeodeticPosition? = nil, sensors: [SensorDescription] = []) {
        tracker = MultiTargetTracker(settings: settings)
        plane = origin.map(LocalTangentPlane.init(origin:))
        for sensor in sensors { place(sensor) }
    }

    /// Takes one record of the feed: what the tracker needs from it (the site, a sensor) and, for a
    /// scan's records, the scans it completes, to be stepped (``process(_:)``) in the order returned.
    /// Live ingest, replay, reports and `haechi track` all drive the tracker through this.
    public mutating func feed(_ record: TelemetryRecord) -> [SensorScan] {
        observe(record)
        return assembler.add(record)
    }

    /// At the end of the feed: the scans still open, to be stepped.
    public mutating func finishScans() -> [SensorScan] {
        assembler.finish()
    }

    /// One tracker step.
    public mutating func process(_ scan: SensorScan) -> TrackerStep? {
        if firstScan == nil { firstScan = scan.time }
        lastScan = max(lastScan ?? scan.time, scan.time)
        return tracker.process(scan)
    }

    /// Takes what the tracker needs from a record that is not part of a scan.
    public mutating func observe(_ record: TelemetryRecord) {
        switch record {
        case .meta(let meta):
            if plane == nil, let origin = meta.origin { plane = LocalTangentPlane(origin: origin) }
            if epoch == nil { epoch = meta.epoch }
        case .sensor(let sensor):
            place(sensor)
        default:
            break
        }
    }

    private mutating func place(_ description: SensorDescription) {
        if let sensor = TrackerSensor(description, plane: plane, defaults: tracker.settings.sensors) {
            tracker.register(sensor)
            unplacedSensors.remove(description.sensorID)
        } else {
            unplacedSensors.insert(description.sensorID)
        }
    }
}
