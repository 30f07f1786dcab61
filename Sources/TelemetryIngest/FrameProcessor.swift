// Classifies, decodes and counts every received message; hands frames and records to the sinks.
public import TelemetryModel
public import Asterix
import Sapient
import Geodesy
#if canImport(Glibc)
import Glibc
#endif

/// The decode-and-count stage: one received message in, counters and sink calls out.
///
/// Pure: no sockets, no clock (the caller passes the receive time), so tests drive it directly.
/// Belongs to one thread. The rules it applies are those of `docs/wire-formats.md`.
public final class FrameProcessor {
    private struct SourceState {
        /// The overflow pseudo-source pools unrelated senders: their records are counted, but their
        /// sequence numbers and MAVLink clocks are not comparable, so no sequence checks and no truth.
        var pooled = false
        var statistics = SourceStatistics()
        /// Records by kind; added into `statistics.records` when the statistics are read.
        var records = RecordCounts()
        var jsonSequence = JSONSequenceCheck()
        var mavlinkSequence = MAVLinkSequenceCheck()
        /// One truth assembler per sending connection (its boot epochs and GNSS state are that
        /// sender's: another sender's SYSTEM_TIME must not re-time the drone's fixes). The first
        /// ``FrameProcessor/assemblersPerSource`` connections get their own; later ones share the last.
        var truth: [(connection: UInt32, assembler: MAVLinkTruthAssembler)] = []
        /// MAVLink systems whose boot clock restarted since their last truth fix (a bit per system id).
        var restartedSystems: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
        /// ASTERIX: the radar's SAC/SIC this topic speaks for (configured, else the first seen), and
        /// its scans so far (a CAT034 north marker starts the next).
        var asterixSource: AsterixSource?
        var asterixScan: UInt64 = 0
        /// The radar's position: from its last CAT034 I034/120, else the config's survey.
        var asterixPosition: GeodeticPosition?
        /// Remote ID: the UAS id each transmitter (`id_or_mac`) last declared (OPEN_DRONE_ID_BASIC_ID);
        /// at most ``FrameProcessor/remoteIDTransmittersPerSource`` transmitters are named.
        var remoteIDNames: [MAVLinkOpenDroneIDBytes: String] = [:]
        /// SAPIENT: the node's registered connections, position and scans.
        var sapient = SapientNodeState()
    }

    /// Transmitters whose declared UAS id each Remote ID receiver's source remembers.
    static let remoteIDTransmittersPerSource = 1024

    /// Truth assemblers kept apart per source (one per sending connection; later connections share one).
    static let assemblersPerSource = 4

    /// The largest payload accepted, bytes.
    public let maximumFrameBytes: Int
    /// How many sources are counted apart before new topics go to `!overflow@<endpoint>`.
    public let maximumSources: Int
    /// The site's geoid separation, for MAVLink heights (see ``MAVLinkTruthAssembler``).
    public let siteGeoidSeparation: Double
    /// Every truth fix passes these checks before it is handed on as truth (``TruthIntegrityCheck``).
    private var truthCheck: TruthIntegrityCheck
    private let badTopicKeys: [String]
    private let overflowKeys: [String]
    /// Records decoded from the message in hand, handed to the record sinks once counting is done
    /// (a sink may then read ``statistics``). Kept between messages so it allocates only once.
    private var pending: [TelemetryRecord] = []
    /// The previous message's topic, as bytes, parsed and with its format: frames come in bursts
    /// from one topic (a scan's detections follow one another), so checking and building it again,
    /// and naming and finding its source, are skipped.
    private var lastTopicBytes: [UInt8] = []
    private var lastTopic: SourceTopic?
    private var lastFormat: WireFormat?
    /// Where `lastTopic`'s frames from one endpoint are counted (an index into `sources`).
    private var lastSource: (endpoint: Int, index: Int)?
    private let jsonDecoder = TelemetryJSONDecoder()
    private let asterixParser = AsterixRecordParser([.cat034, .cat048, .cat062])
    /// The site's ENU frame, when known: CAT062 tracks in WGS-84 are placed in it.
    private let sitePlane: LocalTangentPlane?
    /// The known ASTERIX radars (the config's sensors: their ids and surveyed positions), by SAC/SIC.
    private let asterixSensors: [AsterixSource: SensorDescription]
    /// SAPIENT's rules and mapping (the configured nodes, the time window).
    private let sapientDecoder: SapientDecoder
    /// Every source's state, in the order first seen, and each one's index by name.
    private var sources: [SourceState] = []
    private var sourceIndex: [String: Int] = [:]
    private var endpointFrames: [UInt64]
    private var endpointSecurity: [EndpointSecurityCounters]
    /// The last authorisation decided: a sender's frames come in runs on one topic.
    private var lastAuthorised: (sender: ObjectIdentifier, topic: SourceTopic, allowed: Bool)?
    private var receiveSequence: UInt64 = 0
    private let recordSinks: [any TelemetryRecordSink]

    /// Creates a processor for the named endpoints (the names label bad-topic pseudo-sources).
    public init(endpointNames: [String], maximumFrameBytes: Int, maximumSources: Int = 4096, siteGeoidSeparation: Double,
                truthIntegrity: TruthIntegritySettings = TruthIntegritySettings(),
                asterixSensors: [AsterixSource: SensorDescription] = [:], sapient: SapientSettings = SapientSettings(),
                siteOrigin: GeodeticPosition? = nil, recordSinks: [any TelemetryRecordSink] = []) {
        self.sitePlane = siteOrigin.map(LocalTangentPlane.init(origin:))
        self.sapientDecoder = SapientDecoder(settings: sapient, sitePlane: siteOrigin.map(LocalTangentPlane.init(origin:)),
                                             geoidSeparation: siteGeoidSeparation)
        self.asterixSensors = asterixSensors
        self.truthCheck = TruthIntegrityCheck(settings: truthIntegrity)
        self.maximumFrameBytes = maximumFrameBytes
        self.maximumSources = maximumSources
        self.overflowKeys = endpointNames.map { "!overflow@\($0)" }
        self.siteGeoidSeparation = siteGeoidSeparation
        self.badTopicKeys = endpointNames.map { Self.badTopicKey(endpoint: $0) }
        self.endpointFrames = Array(repeating: 0, count: endpointNames.count)
        self.endpointSecurity = Array(repeating: EndpointSecurityCounters(mechanism: .null), count: endpointNames.count)
        self.recordSinks = recordSinks
    }

    /// The pseudo-source that counts messages without a usable topic from `endpoint`.
    public static func badTopicKey(endpoint: String) -> String { "!bad-topic@\(endpoint)" }

    /// A copy of every counter so far.
    public var statistics: IngestStatistics {
        var result = IngestStatistics(endpointCount: endpointFrames.count)
        result.endpointFrames = endpointFrames
        result.endpointSecurity = endpointSecurity
        result.receiveSequence = receiveSequence
        result.sources = sourceIndex.mapValues { index in
            let state = sources[index]
            var statistics = state.statistics
            state.records.add(into: &statistics.records)
            // Gaps no timed frame has followed yet: their residues count, with no upper bound so far.
            statistics.mavlinkLoss.estimated.addSaturating(state.mavlinkSequence.pendingResidue)
            statistics.mavlinkLoss.minimum.addSaturating(state.mavlinkSequence.pendingResidue)
            statistics.mavlinkLoss.maximum.addSaturating(state.mavlinkSequence.pendingResidue)
            statistics.mavlinkLoss.unboundedGaps.addSaturating(state.mavlinkSequence.pendingGaps)
            return statistics
        }
        result.truth = truthCheck.statistics
        return result
    }

    /// Processes one received message.
    ///
    /// - Parameters:
    ///   - parts: the message's parts, lent for the call.
    ///   - endpoint: the index of the endpoint it came in on.
    ///   - receivedAt: when it arrived.
    public func process(parts: UnsafeBufferPointer<UnsafeRawBufferPointer>, endpoint: Int, receivedAt: Timestamp) {
        process(parts: parts, endpoint: endpoint, receivedAt: receivedAt, sequence: receiveSequence)
    }

    /// The number of endpoints it counts for: a frame's endpoint index must be below it.
    public var endpointCount: Int { endpointFrames.count }

    /// Processes one received message numbered `sequence` by the ring (the global receive number),
    /// sent by `sender` (`nil` when not known).
    /// - Parameter payloadBytes: the bytes of every part after the first as they arrived, when the
    ///   parts lent are cut short (a message longer than the room kept for it); by default, what is lent.
    /// - Returns: why it was rejected, or `nil` if all of it decoded.
    @discardableResult
    public func process(parts: UnsafeBufferPointer<UnsafeRawBufferPointer>, endpoint: Int, receivedAt: Timestamp,
                        sequence: UInt64, payloadBytes: Int? = nil, sender: FrameSender? = nil) -> RejectReason? {
        receiveSequence = sequence + 1
        endpointFrames[endpoint] += 1
        let topic = parts.first.flatMap(topic(_:))
        let index = source(topic, endpoint: endpoint)
        let payloadBytes = payloadBytes ?? parts.dropFirst().reduce(0) { $0 + $1.count }
        let rejection = process(parts: parts, topic: topic, format: topic == nil ? nil : lastFormat, state: &sources[index],
                                payloadBytes: payloadBytes, sequence: sequence, receivedAt: receivedAt, sender: sender)
        if !pending.isEmpty, let topic {
            for record in pending {
                for sink in recordSinks { sink.receive(record, from: topic, frame: sequence, receivedAt: receivedAt) }
            }
            pending.removeAll(keepingCapacity: true)
        }
        return rejection
    }

    /// The index of the source a message is counted under: its topic (or `!bad-topic@<endpoint>`),
    /// unless `maximumSources` are already counted and it is new, when it is the endpoint's overflow
    /// pseudo-source. Created when first needed. `topic`, when given, is `lastTopic`.
    private func source(_ topic: SourceTopic?, endpoint: Int) -> Int {
        // Sources are never removed, so a topic counted under a source (or the overflow) stays so.
        if topic != nil, let last = lastSource, last.endpoint == endpoint { return last.index }
        let key = Self.frameKey(topic, endpoint: badTopicKeys[endpoint])
        var index = sourceIndex[key]
        if index == nil {
            let pooled = sources.count >= maximumSources
            let name = pooled ? overflowKeys[endpoint] : key
            index = sourceIndex[name]
            if index == nil {
                index = sources.count
                sources.append(SourceState(pooled: pooled))
                sourceIndex[name] = index
            }
        }
        if topic != nil { lastSource = (endpoint, index!) }
        return index!
    }

    /// The name a frame goes by whatever the counting does: its topic, or the endpoint's bad-topic key.
    /// The raw stage names frames so; the recorder keeps a channel per topic, overflow or not.
    public static func frameKey(_ topic: SourceTopic?, endpoint badTopicKey: String) -> String {
        topic?.description ?? badTopicKey
    }

    /// The parsed topic of `bytes`, reusing the previous message's when the bytes are the same.
    private func topic(_ bytes: UnsafeRawBufferPointer) -> SourceTopic? {
        if let lastTopic, bytes.count == lastTopicBytes.count,
           lastTopicBytes.withUnsafeBytes({ $0.elementsEqual(bytes) }) {
            return lastTopic
        }
        guard let parsed = SourceTopic(bytes: bytes) else { return nil }
        lastTopicBytes.removeAll(keepingCapacity: true)
        lastTopicBytes.append(contentsOf: bytes)
        lastTopic = parsed
        lastFormat = parsed.format
        lastSource = nil
        return parsed
    }

    /// Counts a message the decode stage had no time for (the `shed` overload policy): it is
    /// received and counted under its source as shed, but not decoded.
    /// `payloadBytes` as in ``process(parts:endpoint:receivedAt:sequence:payloadBytes:)``.
    public func countShed(parts: UnsafeBufferPointer<UnsafeRawBufferPointer>, endpoint: Int, receivedAt: Timestamp, sequence: UInt64,
                          payloadBytes: Int? = nil) {
        receiveSequence = sequence + 1
        endpointFrames[endpoint] += 1
        let index = source(parts.first.flatMap(topic(_:)), endpoint: endpoint)
        let bytes = payloadBytes ?? parts.dropFirst().reduce(0) { $0 + $1.count }
        sources[index].statistics.noteShed(receivedAt, bytes: bytes)
    }

    /// Processes one message given as byte arrays. For tests and cold paths.
    public func process(parts: [[UInt8]], endpoint: Int, receivedAt: Timestamp) {
        Self.lend(parts) { process(parts: $0, endpoint: endpoint, receivedAt: receivedAt) }
    }

    /// Calls `body` with the parts lent as the buffers the pipeline hands over: for tests, and for
    /// replay, which holds recorded frames as arrays.
    public static func lend<R>(_ parts: [[UInt8]], _ body: (UnsafeBufferPointer<UnsafeRawBufferPointer>) -> R) -> R {
        func lend(_ index: Int, _ buffers: inout [UnsafeRawBufferPointer]) -> R {
            if index == parts.count { return buffers.withUnsafeBufferPointer(body) }
            return parts[index].withUnsafeBytes { bytes in
                buffers.append(bytes)
                return lend(index + 1, &buffers)
            }
        }
        var buffers: [UnsafeRawBufferPointer] = []
        buffers.reserveCapacity(parts.count)
        return lend(0, &buffers)
    }

    /// Counts and decodes; returns the (first) reason the message was rejected, if it was.
    private func process(parts: UnsafeBufferPointer<UnsafeRawBufferPointer>, topic: SourceTopic?, format: WireFormat?,
                         state: inout SourceState,
                         payloadBytes: Int, sequence: UInt64, receivedAt: Timestamp, sender: FrameSender?) -> RejectReason? {
        state.statistics.noteReceive(receivedAt, bytes: payloadBytes)
        let rejection: RejectReason?
        if parts.count == 3, let topic, format == .sapient, let reason = Self.sapientTransportReason(parts[2]) {
            // The TCP transport's own verdict on a stream it closed (an oversize length, a stall),
            // with the bytes it had: counted under its reason, recorded whole. Over ZeroMQ a CURVE
            // client may not speak for a node its key is not given.
            if let sender, let allowance = sender.allowance, !authorised(sender, allowance, topic) {
                rejection = .unauthorisedSource
                noteRefused(endpoint: sender.endpointIndex)
            } else {
                rejection = reason
            }
        } else if parts.count != 2 {
            rejection = .badEnvelope
        } else if let topic {
            let payload = parts[1]
            if let sender, let allowance = sender.allowance, !authorised(sender, allowance, topic) {
                rejection = .unauthorisedSource
                noteRefused(endpoint: sender.endpointIndex)
            } else if format == nil {
                rejection = .unknownFormat
            } else if payload.isEmpty {
                rejection = .emptyFrame
            } else if payloadBytes > maximumFrameBytes {   // as it arrived: what the arena kept may be cut short
                rejection = .oversizeFrame
            } else if format == .json {
                rejection = decodeJSON(payload, topic: topic, state: &state, sequence: sequence, receivedAt: receivedAt, sender: sender)
            } else if format == .asterix {
                return decodeASTERIX(payload, topic: topic, state: &state, receivedAt: receivedAt)
            } else if format == .sapient {
                return decodeSAPIENT(payload, topic: topic, state: &state, receivedAt: receivedAt, sender: sender)
            } else {
                return decodeMAVLink(payload, topic: topic, state: &state, sequence: sequence, receivedAt: receivedAt, sender: sender)
            }
        } else {
            rejection = .badTopic
        }
        if let rejection {
            state.statistics.framesMalformed += 1
            state.statistics.malformed[rejection, default: 0] += 1
        }
        return rejection
    }

    private func noteRefused(endpoint: Int) {
        // A replayed sender's endpoint comes from the recording: checked, not trusted.
        if endpointSecurity.indices.contains(endpoint) { endpointSecurity[endpoint].framesRefused &+= 1 }
    }

    /// Whether `sender` may speak for `topic`, remembering the last answer.
    private func authorised(_ sender: FrameSender, _ allowance: SourceAllowance, _ topic: SourceTopic) -> Bool {
        let id = ObjectIdentifier(sender)
        if let last = lastAuthorised, last.sender == id, last.topic == topic { return last.allowed }
        let allowed = allowance.allows(topic: topic.description)
        lastAuthorised = (id, topic, allowed)
        return allowed
    }

    private func decodeJSON(_ payload: UnsafeRawBufferPointer, topic: SourceTopic, state: inout SourceState, sequence: UInt64,
                            receivedAt: Timestamp, sender: FrameSender?) -> RejectReason? {
        let decoded: DecodedJSONRecord
        do {
            decoded = try jsonDecoder.decode(payload)
        } catch {
            return error.reason
        }
        let record = decoded.record
        state.records.add(record.kind)
        if case .scan(let scan) = record, let batch = scan.detections {
            state.records.add(.detection, UInt64(batch.count))
        }
        if let time = record.time { state.statistics.noteRecordTime(time) }
        var restarted = false
        if let seq = decoded.sequenceNumber, !state.pooled {
            let restarts = state.statistics.sequence.restarts
            state.jsonSequence.observe(seq, into: &state.statistics.sequence)
            restarted = state.statistics.sequence.restarts != restarts
        }
        if case .truth(let fix) = record,
           truthCheck.check(fix, topic: topic.description, sender: sender, receivedAt: receivedAt, restarted: restarted) != .accepted {
            return nil   // decoded and counted, kept in the recording, but not the drone's truth
        }
        if !recordSinks.isEmpty { pending.append(record) }
        return nil
    }

    /// The reason a TCP transport names in a frame's third part, when it is one of the transport's own.
    static func sapientTransportReason(_ part: UnsafeRawBufferPointer) -> RejectReason? {
        switch String(decoding: part, as: UTF8.self) {
        case SapientProblem.Kind.oversizeLength.rawValue: .sapientOversizeLength
        case SapientProblem.Kind.stalled.rawValue: .sapientStalled
        default: nil
        }
    }

    /// Reads a SAPIENT message: every problem is counted under its reason and the first is the frame's
    /// verdict; a message that passes is counted by content and its records handed on.
    private func decodeSAPIENT(_ payload: UnsafeRawBufferPointer, topic: SourceTopic, state: inout SourceState, receivedAt: Timestamp,
                               sender: FrameSender?) -> RejectReason? {
        let handsOn = !recordSinks.isEmpty
        // Moved out (not copied), so that counting mutates the dictionaries in place instead of copying them.
        var statistics = state.statistics, records = state.records
        state.statistics = SourceStatistics()
        state.records = RecordCounts()
        let problems = sapientDecoder.decode(
            payload, node: topic.sourceID, connection: sender?.connection ?? 0, receivedAt: receivedAt.nanosecondsSinceEpoch,
            state: &state.sapient, count: { records.add($0) },
            emit: { record in
                if let time = record.time { statistics.noteRecordTime(time) }
                if handsOn { pending.append(record) }
            })
        for problem in problems { statistics.malformed[SapientDecoder.reason(problem.kind), default: 0] += 1 }
        if !problems.isEmpty { statistics.framesMalformed += 1 }
        state.statistics = statistics
        state.records = records
        return problems.first.map { SapientDecoder.reason($0.kind) }
    }

    /// Reads an ASTERIX datagram: each record that decodes is handed on (a CAT048 plot as a detection
    /// of the current scan, a CAT034 north marker as the next scan, its I034/120 as the sensor's
    /// position); each problem is counted under its reason, and the first is the frame's verdict.
    private func decodeASTERIX(_ payload: UnsafeRawBufferPointer, topic: SourceTopic, state: inout SourceState,
                               receivedAt: Timestamp) -> RejectReason? {
        var firstDefect: RejectReason?
        func defect(_ reason: RejectReason) {
            firstDefect = firstDefect ?? reason
            state.statistics.malformed[reason, default: 0] += 1
        }
        let (records, problems) = asterixParser.parse(Array(payload))
        for problem in problems { defect(Self.reason(problem.kind)) }
        for record in records {
            let message: AsterixMessage
            switch AsterixMessage.decode(record) {
            case .success(let decoded): message = decoded
            case .failure(let problem):
                defect(Self.reason(problem.kind))
                continue
            }
            // One topic speaks for one radar: the one its name gives (`asterix/<SAC>-<SIC>`, as the UDP
            // transport names them), else the first one seen.
            let expected = state.asterixSource ?? AsterixSource(name: topic.sourceID) ?? message.source
            state.asterixSource = expected
            guard message.source == expected else {
                defect(.asterixUnexpectedSource)
                continue
            }
            let known = asterixSensors[expected]
            let sensorID = known?.sensorID ?? topic.sourceID
            let time = Timestamp(nanosecondsSinceEpoch: AsterixTimeOfDay.resolve(message.timeOfDay, near: receivedAt.nanosecondsSinceEpoch))
            state.statistics.noteRecordTime(time)
            // Handed on through `pending` (kept between frames), so a record costs no array of its own.
            let handsOn = !recordSinks.isEmpty
            func handOn(_ record: TelemetryRecord) { if handsOn { pending.append(record) } }
            switch message {
            case .plot(let plot):
                state.records.add(.detection)
                // A radar's test target (TST) or simulated plot (SIM) is counted and recorded, never
                // scored: it would count as a false alarm, or as a detection of nothing.
                guard !plot.isTest, !plot.isSimulated, let range = plot.rangeNM, let azimuth = plot.azimuthDeg else { continue }
                let slantRange = range * 1852
                // A 3-D radar's height (above mean sea level) and where the radar stands give the elevation.
                var elevation: Double?
                if let heightFt = plot.heightFt, let radar = state.asterixPosition ?? known?.position {
                    elevation = Self.elevation(slantRange: slantRange, targetHeight: heightFt * 0.3048 + siteGeoidSeparation, radar: radar)
                }
                handOn(.detection(Detection(time: time, sensorID: sensorID, scanID: state.asterixScan,
                                                   detectionID: plot.trackNumber.map(UInt64.init), range: slantRange,
                                                   azimuth: azimuth, elevation: elevation)))
            case .service(let service):
                if service.kind == .northMarker {
                    state.asterixScan += 1
                    state.records.add(.scan)
                    handOn(.scan(ScanReport(time: time, sensorID: sensorID, scanID: state.asterixScan)))
                } else {
                    state.records.add(.status)
                }
                // I034/120 is in WGS-84: its height is above the ellipsoid.
                if let position = service.position, let height = service.heightM,
                   case let geodetic = GeodeticPosition(latitude: position.latitudeDeg, longitude: position.longitudeDeg, ellipsoidalHeight: height),
                   geodetic.isValid {
                    state.asterixPosition = geodetic
                    state.records.add(.sensor)
                    handOn(.sensor(SensorDescription(
                        sensorID: sensorID, kind: "radar", position: geodetic,
                        scanRateHz: service.rotationPeriodSeconds.flatMap { $0 > 0 ? 1 / $0 : nil })))
                }
            case .systemTrack(let track):
                state.records.add(.track)
                if !track.isSimulated, let report = systemTrack(track, time: time, sensorID: sensorID) { handOn(.track(report)) }
            }
        }
        if firstDefect != nil { state.statistics.framesMalformed += 1 }
        return firstDefect
    }

    /// Remote ID through MAVLink (ASTM F3411 as `OPEN_DRONE_ID_*`): a receiver's reports of what each
    /// aircraft says of itself. A BASIC_ID names its transmitter; a LOCATION with a position becomes
    /// a `track` record of the receiver (its source id as `sensor_id`), numbered by the declared UAS
    /// id (else the transmitter's `id_or_mac`), at its WGS-84 altitude in the site's frame, timed by its
    /// seconds-after-the-hour nearest the receipt; scored like any system's tracks (`report
    /// --system-tracks`). Never truth.
    private func remoteID(_ message: MAVLinkMessage, topic: SourceTopic, state: inout SourceState, receivedAt: Timestamp) {
        switch message {
        case .openDroneIDBasicID(let basic):
            guard let name = basic.uasID.text ?? (basic.uasID.bytes.contains { $0 != 0 } ? basic.uasID.hex : nil) else { return }
            if state.remoteIDNames[basic.idOrMAC] != nil || state.remoteIDNames.count < Self.remoteIDTransmittersPerSource {
                state.remoteIDNames[basic.idOrMAC] = name
            }
        case .openDroneIDLocation(let location):
            guard let sitePlane, !recordSinks.isEmpty, location.latitude != 0 || location.longitude != 0,
                  location.altitudeGeodetic > -1000, location.timestamp.isFinite, location.timestamp >= 0, location.timestamp < 3600 else { return }
            let geodetic = GeodeticPosition(latitude: Double(location.latitude) / 1e7, longitude: Double(location.longitude) / 1e7,
                                            ellipsoidalHeight: Double(location.altitudeGeodetic))
            guard geodetic.isValid else { return }
            let time = Timestamp(nanosecondsSinceEpoch: Self.resolve(secondsAfterHour: Double(location.timestamp), near: receivedAt.nanosecondsSinceEpoch))
            var velocity: ENUVector?
            if location.direction <= 35_999, location.speedHorizontal <= 25_425 {
                let course = Double(location.direction) / 100 * .pi / 180, speed = Double(location.speedHorizontal) / 100
                let climb = abs(Int(location.speedVertical)) <= 6_200 ? Double(location.speedVertical) / 100 : 0
                velocity = ENUVector(speed * sin(course), speed * cos(course), climb)
            }
            let name = state.remoteIDNames[location.idOrMAC] ?? location.idOrMAC.hex
            pending.append(.track(TrackReport(time: time, trackID: name, enu: sitePlane.enu(geodetic), velocity: velocity,
                                              status: location.status == 2 ? "airborne" : location.status == 3 ? "emergency" : "updated",
                                              sensorID: topic.sourceID)))
        default:
            return
        }
    }

    /// The time, ns since the epoch, that is `seconds` after some full UTC hour and lies nearest
    /// `receivedAt` (the hour before or after when the report and its receipt straddle one).
    static func resolve(secondsAfterHour seconds: Double, near receivedAt: Int64) -> Int64 {
        AsterixTimeOfDay.nearest(Int64((seconds * 1e9).rounded()), period: 3_600_000_000_000, to: receivedAt)
    }

    /// A CAT062 system track as a system's `track` record: its WGS-84 position (I062/105) and
    /// geometric altitude (I062/130, above the ellipsoid) placed in the site's frame, its velocity
    /// (I062/185, east and north; I062/220's rate of climb up), numbered `<SAC>-<SIC>/<track number>`.
    /// `nil` without both positions or without the site's frame: a track without a height is counted,
    /// not placed.
    private func systemTrack(_ track: AsterixSystemTrack, time: Timestamp, sensorID: String) -> TrackReport? {
        guard let sitePlane, let position = track.position, let altitude = track.geometricAltitudeFt else { return nil }
        let geodetic = GeodeticPosition(latitude: position.latitudeDeg, longitude: position.longitudeDeg, ellipsoidalHeight: altitude * 0.3048)
        guard geodetic.isValid else { return nil }
        let velocity = track.velocityMPerSecond.map { ENUVector($0.x, $0.y, (track.climbRateFtPerMinute ?? 0) * 0.3048 / 60) }
        let status = track.isEnding ? "ended" : track.isTentative == true ? "tentative" : "updated"
        return TrackReport(time: time, trackID: "\(track.source)/\(track.trackNumber)", enu: sitePlane.enu(geodetic), velocity: velocity,
                           status: status, sensorID: sensorID)
    }

    /// The elevation, degrees, at which a target `slantRange` metres from `radar` stands at ellipsoidal
    /// height `targetHeight`: on a sphere of the Gaussian radius of curvature at the radar's latitude,
    /// `sin e = ((R + h_t)² − (R + h_r)² − ρ²) / (2 ρ (R + h_r))`. `nil` when no elevation gives that
    /// height at that range (the height and the range disagree).
    public static func elevation(slantRange: Double, targetHeight: Double, radar: GeodeticPosition) -> Double? {
        guard slantRange > 0 else { return nil }
        let a = 6_378_137.0, e2 = 6.694_379_990_14e-3
        let s = sin(radar.latitude * .pi / 180)
        let w = 1 - e2 * s * s
        let radius = (a * (1 - e2) / (w * w.squareRoot()) * a / w.squareRoot()).squareRoot()
        let r = radius + radar.ellipsoidalHeight, t = radius + targetHeight
        let sine = (t * t - r * r - slantRange * slantRange) / (2 * slantRange * r)
        guard (-1...1).contains(sine) else { return nil }
        return asin(sine) * 180 / .pi
    }

    /// The reject reason of an ASTERIX problem.
    static func reason(_ kind: AsterixProblem.Kind) -> RejectReason {
        switch kind {
        case .badBlockLength: .asterixBadBlockLength
        case .unknownCategory: .asterixUnknownCategory
        case .unterminatedFSPEC: .asterixUnterminatedFSPEC
        case .unknownItem: .asterixUnknownItem
        case .truncatedItem: .asterixTruncatedItem
        case .emptyRecord: .asterixEmptyRecord
        case .missingItem: .asterixMissingItem
        }
    }

    private func decodeMAVLink(_ payload: UnsafeRawBufferPointer, topic: SourceTopic, state: inout SourceState,
                               sequence: UInt64, receivedAt: Timestamp, sender: FrameSender?) -> RejectReason? {
        var firstDefect: RejectReason?
        let connection = sender?.connection ?? 0
        var assembler = -1
        if !state.pooled {
            assembler = state.truth.firstIndex { $0.connection == connection } ?? -1
            if assembler < 0 {
                if state.truth.count < Self.assemblersPerSource {
                    state.truth.append((connection, MAVLinkTruthAssembler(droneID: topic.sourceID, siteGeoidSeparation: siteGeoidSeparation)))
                }
                assembler = state.truth.count - 1
            }
        }
        MAVLinkFrameParser.parse(payload) { event in
            switch event {
            case .defect(let reason):
                firstDefect = firstDefect ?? reason
                state.statistics.malformed[reason, default: 0] += 1
            case .message(let header, _) where sender?.allowance.map({ !$0.allows(system: header.systemID) }) ?? false:
                // A CURVE client's frame for a system its key may not speak for: refused, not decoded.
                firstDefect = firstDefect ?? .unauthorisedSource
                state.statistics.malformed[.unauthorisedSource, default: 0] += 1
                if let sender { noteRefused(endpoint: sender.endpointIndex) }
            case .message(let header, let message):
                state.records.add(message.kind)
                if !state.pooled {
                    let restarted = state.mavlinkSequence.observe(
                        header.sequence, connection: connection, system: header.systemID, component: header.componentID,
                        bootMilliseconds: Self.bootMilliseconds(message), into: &state.statistics.sequence,
                        loss: &state.statistics.mavlinkLoss)
                    if restarted { Self.mark(&state.restartedSystems, header.systemID) }
                }
                remoteID(message, topic: topic, state: &state, receivedAt: receivedAt)
                if assembler >= 0, let fix = state.truth[assembler].assembler.ingest(header, message, receivedAt: receivedAt) {
                    state.statistics.truthFixes[fix.clock, default: 0] += 1
                    state.statistics.noteRecordTime(fix.time)
                    let restarted = Self.take(&state.restartedSystems, header.systemID)
                    if truthCheck.check(fix, topic: topic.description, sender: sender, receivedAt: receivedAt, restarted: restarted) == .accepted,
                       !recordSinks.isEmpty {
                        pending.append(.truth(fix))
                    }
                }
            }
        }
        if firstDefect != nil { state.statistics.framesMalformed += 1 }
        return firstDefect
    }

    /// A message's own boot-clock time, ms: `time_boot_ms`, or `GPS_RAW_INT`'s `time_usec` when it
    /// counts from boot (a Unix `time_usec` is another clock, and not used).
    static func bootMilliseconds(_ message: MAVLinkMessage) -> Int64? {
        switch message {
        case .heartbeat, .openDroneIDBasicID, .openDroneIDLocation, .openDroneIDSystem, .openDroneIDOperatorID, .openDroneIDMessagePack: nil
        case .systemTime(let time): Int64(time.timeBootMilliseconds)
        case .globalPositionInt(let position): Int64(position.timeBootMilliseconds)
        case .gpsRawInt(let gps): gps.timeMicroseconds < MAVLinkTruthAssembler.unixMicrosecondsThreshold
            ? Int64(gps.timeMicroseconds / 1000) : nil
        }
    }

    private static func mark(_ bits: inout (UInt64, UInt64, UInt64, UInt64), _ system: UInt8) {
        let bit = UInt64(1) << UInt64(system & 63)
        switch system >> 6 {
        case 0: bits.0 |= bit
        case 1: bits.1 |= bit
        case 2: bits.2 |= bit
        default: bits.3 |= bit
        }
    }

    /// Whether `system`'s bit was set; clears it.
    private static func take(_ bits: inout (UInt64, UInt64, UInt64, UInt64), _ system: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(system & 63)
        var word: UInt64
        switch system >> 6 {
        case 0: word = bits.0; bits.0 &= ~bit
        case 1: word = bits.1; bits.1 &= ~bit
        case 2: word = bits.2; bits.2 &= ~bit
        default: word = bits.3; bits.3 &= ~bit
        }
        return word & bit != 0
    }
}
