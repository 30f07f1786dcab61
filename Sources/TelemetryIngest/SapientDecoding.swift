// A SAPIENT node's messages, judged by the ICD's rules and turned into Haechi's records.
public import Sapient
public import TelemetryModel
import Geodesy
import SwiftProtobuf
import Foundation

/// What the configuration says of the SAPIENT nodes (`sensors[].sapient` and the endpoints' `nodes`).
public struct SapientSettings: Hashable, Sendable {
    /// The configured sensors that are SAPIENT nodes, by node id (UUID).
    public var sensors: [String: SensorDescription]
    /// The node ids that may register; `nil`: any node (every configured sensor's is allowed).
    public var allowedNodes: Set<String>?
    /// How far a message's timestamp may be from its receipt.
    public var timeWindow: SapientTimeWindow

    public init(sensors: [String: SensorDescription] = [:], allowedNodes: Set<String>? = nil,
                timeWindow: SapientTimeWindow = SapientTimeWindow()) {
        self.sensors = sensors
        self.allowedNodes = allowedNodes
        self.timeWindow = timeWindow
    }

    /// Whether `node` may register.
    public func admits(_ node: String) -> Bool {
        allowedNodes.map { $0.contains(node) || sensors[node] != nil } ?? true
    }
}

/// One SAPIENT node's state as the decode stage sees it (per source, `sapient/<node-id>`).
struct SapientNodeState {
    /// The connections that registered as this node (most recent last; at most four are remembered).
    var registered: [UInt32] = []
    /// The node's position: from its last StatusReport's node_location, else the configured survey.
    var position: GeodeticPosition?
    /// Whether the node registered a mode whose object ids are tracks (TRACK, TRACK_WITH_RE_ID).
    var reportsTracks = false
    /// What the node registered as (its sensor kind and what it measures), for the sensor records a
    /// StatusReport's position makes.
    var kind = "sapient"
    var measures = MeasurementKind.rangeAzimuthElevation
    /// Detections' scans: a new one whenever a DetectionReport's time differs from the last one's.
    var scan: UInt64 = 0
    var lastDetectionTime: Int64?
}

/// The decode stage's reading of SAPIENT: validation, the session rules, and the mapping into the
/// model (docs/wire-formats.md, "SAPIENT"). Pure.
struct SapientDecoder {
    let settings: SapientSettings
    let validator: SapientValidator
    let sitePlane: LocalTangentPlane?
    let geoidSeparation: Double

    init(settings: SapientSettings, sitePlane: LocalTangentPlane?, geoidSeparation: Double) {
        self.settings = settings
        self.validator = SapientValidator(timeWindow: settings.timeWindow)
        self.sitePlane = sitePlane
        self.geoidSeparation = geoidSeparation
    }

    /// The reject reason of a SAPIENT problem.
    static func reason(_ kind: SapientProblem.Kind) -> RejectReason {
        switch kind {
        case .malformed: .sapientMalformed
        case .missingField: .sapientMissingField
        case .badIdentifier: .sapientBadIdentifier
        case .badTime: .sapientBadTime
        case .unknownICDVersion: .sapientUnknownICDVersion
        case .unexpectedContent: .sapientUnexpectedContent
        case .unsupportedLocation: .sapientUnsupportedLocation
        case .unregistered: .sapientUnregistered
        case .unknownNode: .sapientUnknownNode
        case .oversizeLength: .sapientOversizeLength
        case .stalled: .sapientStalled
        }
    }

    /// Reads one message of `node` (the topic's source id) that came on `connection`: counts what it
    /// holds through `count`, hands records to `emit`, and returns what was wrong with it (empty when
    /// it was taken).
    func decode(_ payload: UnsafeRawBufferPointer, node: String, connection: UInt32, receivedAt: Int64, state: inout SapientNodeState,
                count: (RecordKind) -> Void, emit: (TelemetryRecord) -> Void) -> [SapientProblem] {
        let message: BSISapientMessage
        do {
            message = try BSISapientMessage(serializedBytes: Array(payload))
        } catch {
            return [SapientProblem(.malformed, "\(error)")]
        }
        let problems = validator.problems(message, receivedAt: receivedAt)
        guard problems.isEmpty else { return problems }
        // The topic names the node the receive thread read from the message; over ZeroMQ anyone may
        // send on `sapient/<id>`, so the two are compared.
        guard message.nodeID == node else { return [SapientProblem(.unregistered, "node_id is not the topic's node")] }
        let sensorID = settings.sensors[node]?.sensorID ?? node
        if state.position == nil { state.position = settings.sensors[node]?.position }
        let time = Timestamp(nanosecondsSinceEpoch: message.timestamp.seconds &* 1_000_000_000 &+ Int64(message.timestamp.nanos))
        if case .registration(let registration) = message.content {
            guard settings.admits(node) else { return [SapientProblem(.unknownNode, "node_id")] }
            state.registered.removeAll { $0 == connection }
            state.registered.append(connection)
            if state.registered.count > 4 { state.registered.removeFirst() }
            state.reportsTracks = registration.modeDefinition.contains { [.track, .trackWithReID].contains($0.trackingType) }
            state.kind = settings.sensors[node]?.kind ?? Self.kind(registration)
            state.measures = settings.sensors[node]?.measures ?? Self.measures(registration)
            count(.sensor)
            if settings.sensors[node] == nil {
                emit(.sensor(SensorDescription(sensorID: sensorID, kind: state.kind, measures: state.measures, position: state.position)))
            }
            return []
        }
        guard state.registered.contains(connection) else { return [SapientProblem(.unregistered)] }
        switch message.content {
        case .statusReport(let report):
            count(.status)
            if report.system == .goodbye { state.registered.removeAll { $0 == connection } }
            if report.hasNodeLocation {
                guard let position = geodetic(report.nodeLocation) else {
                    return [SapientProblem(.unsupportedLocation, "status_report.node_location")]
                }
                state.position = position
                emit(.sensor(SensorDescription(sensorID: sensorID, kind: state.kind, measures: state.measures, position: position)))
            }
            if let position = state.position {
                let health: SensorState = switch report.system {
                case .ok: .ok
                case .warning: .degraded
                default: .fault
                }
                emit(.status(SensorStatus(time: time, sensorID: sensorID, position: position, state: health)))
            }
        case .detectionReport(let report):
            count(.detection)
            guard let (polar, geodetic) = place(report) else {
                let isLocation = if case .location = report.locationOneof { true } else { false }
                return [SapientProblem(.unsupportedLocation, state.position == nil && isLocation
                                       ? "detection_report.location (the node's own position is not known)" : "detection_report")]
            }
            if state.lastDetectionTime != time.nanosecondsSinceEpoch {
                if state.lastDetectionTime != nil { state.scan += 1 }
                state.lastDetectionTime = time.nanosecondsSinceEpoch
            }
            let (name, confidence) = Self.classification(report)
            emit(.detection(Detection(time: time, sensorID: sensorID, scanID: state.scan, range: polar.range, azimuth: polar.azimuth,
                                      elevation: polar.elevation, classification: name, classificationConfidence: confidence)))
            // A track only where the point is a place (a range of 10³⁰⁰ m is finite and is not) and its
            // velocity, when given, is finite: the evaluation takes track records as they are.
            if state.reportsTracks, let sitePlane, let geodetic, geodetic.isValid,
               case let enu = sitePlane.enu(geodetic), enu.x.isFinite, enu.y.isFinite, enu.z.isFinite {
                var velocity: ENUVector?
                if case .enuVelocity(let v) = report.velocityOneof, v.eastRate.isFinite, v.northRate.isFinite, v.upRate.isFinite {
                    velocity = ENUVector(v.eastRate, v.northRate, v.upRate)
                }
                emit(.track(TrackReport(time: time, trackID: report.objectID, enu: enu, velocity: velocity,
                                        status: report.hasState ? report.state : nil, sensorID: sensorID, classification: name)))
            }
        case .alert:
            count(.sapientAlert)
        case .error:
            count(.sapientError)
        default:
            return [SapientProblem(.unexpectedContent)]   // the validator has refused the others already
        }
        return []

        func place(_ report: BSIDetectionReport) -> (polar: (range: Double?, azimuth: Double, elevation: Double?), geodetic: GeodeticPosition?)? {
            switch report.locationOneof {
            case .rangeBearing(let rb):
                guard rb.datum == .true, rb.hasAzimuth else { return nil }
                let (angle, distance): (Double, Double)
                switch rb.coordinateSystem {
                case .degreesM: (angle, distance) = (1, 1)
                case .radiansM: (angle, distance) = (180 / .pi, 1)
                case .degreesKm: (angle, distance) = (1, 1000)
                case .radiansKm: (angle, distance) = (180 / .pi, 1000)
                default: return nil
                }
                var azimuth = (rb.azimuth * angle).truncatingRemainder(dividingBy: 360)
                if azimuth < 0 { azimuth += 360 }
                let range = rb.hasRange ? rb.range * distance : nil
                let elevation = rb.hasElevation ? rb.elevation * angle : nil
                guard azimuth.isFinite, range.map({ $0.isFinite && $0 >= 0 }) ?? true,
                      elevation.map({ $0.isFinite && abs($0) <= 90 }) ?? true else { return nil }
                var geodetic: GeodeticPosition?
                if let range, let elevation, let position = state.position {
                    geodetic = SensorFrame(position: position).geodetic(of: PolarMeasurement(range: range, azimuth: azimuth, elevation: elevation))
                }
                return ((range, azimuth, elevation), geodetic)
            case .location(let location):
                guard let target = self.geodetic(location), let position = state.position else { return nil }
                let polar = SensorFrame(position: position).polar(of: target)
                return ((polar.range, polar.azimuth, polar.elevation), target)
            case nil:
                return nil
            }
        }
    }

    /// A Location in latitude and longitude (degrees or radians) with a height above the WGS-84
    /// ellipsoid (E) or geoid (G: the site's geoid separation is added), or `nil` (UTM, no height,
    /// out of range).
    func geodetic(_ location: BSILocation) -> GeodeticPosition? {
        let scale: Double
        switch location.coordinateSystem {
        case .latLngDegM: scale = 1
        case .latLngRadM: scale = 180 / .pi
        default: return nil
        }
        guard location.hasZ else { return nil }
        let height: Double
        switch location.datum {
        case .wgs84E: height = location.z
        case .wgs84G: height = location.z + geoidSeparation
        default: return nil
        }
        let position = GeodeticPosition(latitude: location.y * scale, longitude: location.x * scale, ellipsoidalHeight: height)
        return position.isValid ? position : nil
    }

    /// The most confident class of a report, named by its path of sub-classes (`Air Vehicle/UAV/Rotary Wing`),
    /// with that path's last confidence.
    static func classification(_ report: BSIDetectionReport) -> (String?, Double?) {
        guard let best = report.classification.max(by: { $0.confidence < $1.confidence }) else { return (nil, nil) }
        var name = best.type
        var confidence: Double? = best.hasConfidence ? Double(best.confidence) : nil
        var subClasses = best.subClass
        var depth = 0
        while let sub = subClasses.max(by: { $0.confidence < $1.confidence }), depth < 8 {
            name += "/" + sub.type
            if sub.hasConfidence { confidence = Double(sub.confidence) }
            subClasses = sub.subClass
            depth += 1
        }
        return (name, confidence.flatMap { $0.isFinite ? min(max($0, 0), 1) : nil })
    }

    /// A sensor kind for the registered node type (`radar`, `rf`, `eo_ir`, …).
    static func kind(_ registration: BSIRegistration) -> String {
        switch registration.nodeDefinition.first?.nodeType {
        case .radar?: "radar"
        case .passiveRf?: "rf"
        case .camera?: "eo_ir"
        case .acoustic?: "acoustic"
        case .lidar?: "lidar"
        case .fusionNode?: "c2"
        default: "sapient"
        }
    }

    /// Range, azimuth and elevation when the node registered range-bearing detections with range, or
    /// locations; azimuth alone for a passive RF or acoustic node; azimuth and elevation for a camera.
    static func measures(_ registration: BSIRegistration) -> MeasurementKind {
        switch registration.nodeDefinition.first?.nodeType {
        case .passiveRf?, .acoustic?: .azimuth
        case .camera?: .azimuthElevation
        default: .rangeAzimuthElevation
        }
    }
}
