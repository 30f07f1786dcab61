// Confirmed tracks to a parent SAPIENT decision module, Haechi registering as a fusion node.
public import TelemetryModel
public import Tracking
import Geodesy
import Sapient
import SwiftProtobuf
import TrackingMath
import Foundation
public import TestbedConfiguration

/// The SAPIENT output of `haechi ingest` (BSI Flex 335 v2.0 over TCP, each message behind its
/// 4-octet little-endian length).
///
/// On each connection Haechi first sends its Registration: a fusion node whose one mode tracks and
/// reports WGS-84 locations. Then every tracker step, each confirmed track is one DetectionReport:
/// its object id a ULID fixed per track, its location (longitude, latitude, height above the
/// ellipsoid) with 1-σ errors in metres, its ENU velocity, and a track_info entry naming the Haechi
/// track; and every `statusIntervalSeconds` of track time a StatusReport (system OK) at the site's
/// origin. Times are the tracks' own (message times).
public final class SapientOutput: @unchecked Sendable {
    // @unchecked Sendable: `send` runs on one thread alone (the live run's output thread); `counters` is read under `lock`.
    private let settings: SapientOutputSettings
    private let plane: LocalTangentPlane
    private let origin: GeodeticPosition
    private let stream: StreamSender
    private let lock = NSLock()
    private var state = SapientOutputCounters()
    private var lastTime = Timestamp(nanosecondsSinceEpoch: 0)
    private var lastStatus: Timestamp?
    private var reportCounter: UInt64 = 0

    public init(settings: SapientOutputSettings, origin: GeodeticPosition) throws(RuntimeError) {
        self.settings = settings
        self.origin = origin
        plane = LocalTangentPlane(origin: origin)
        stream = try StreamSender(settings.tcp, field: "outputs.sapient.tcp")
        stream.onConnect = { [unowned self] in
            let sent = stream.send(SapientFrameReader.frame(envelope(at: lastTime) { $0.registration = self.registration }))
            count { sent ? ($0.registrations += 1) : ($0.dropped += 1) }
            lastStatus = nil
        }
    }

    public var counters: SapientOutputCounters {
        lock.lock()
        defer { lock.unlock() }
        return state
    }

    private func count(_ change: (inout SapientOutputCounters) -> Void) {
        lock.lock()
        change(&state)
        lock.unlock()
    }

    /// Haechi's Registration: a fusion node that tracks and reports WGS-84 locations.
    var registration: BSIRegistration {
        var registration = BSIRegistration.sensorNode(type: .fusionNode, name: settings.name, model: "haechi \(HaechiVersion.version)",
                                                      statusIntervalSeconds: Float(settings.statusIntervalSeconds), tracking: .track,
                                                      classes: ["UAV", "Unknown"])
        for m in registration.modeDefinition.indices {
            for d in registration.modeDefinition[m].detectionDefinition.indices {
                registration.modeDefinition[m].detectionDefinition[d].locationType.locationUnits = .latLngDegM
                registration.modeDefinition[m].detectionDefinition[d].locationType.locationDatum = .wgs84E
            }
        }
        registration.capabilities = registration.capabilities.map {
            var capability = $0
            capability.type = "track"
            return capability
        }
        return registration
    }

    private func envelope(at time: Timestamp, _ fill: (inout BSISapientMessage) -> Void) -> [UInt8] {
        var message = BSISapientMessage()
        let ns = max(0, time.nanosecondsSinceEpoch)
        message.timestamp = Google_Protobuf_Timestamp(seconds: ns / 1_000_000_000, nanos: Int32(ns % 1_000_000_000))
        message.nodeID = settings.nodeID
        fill(&message)
        return (try? message.serializedBytes()) ?? []
    }

    /// A ULID for a report at `time`: the node's counter makes it unique.
    private func reportID(at time: Timestamp) -> String {
        reportCounter &+= 1
        return SapientIdentifier.ulid(milliseconds: UInt64(max(0, time.nanosecondsSinceEpoch / 1_000_000)),
                                      entropy: (0x4843, reportCounter))   // "HC"
    }

    /// The object id of Haechi track `id`: the same ULID for the track's whole life.
    static func objectID(track id: Int) -> String {
        SapientIdentifier.ulid(milliseconds: 0, entropy: (0x4854, UInt64(truncatingIfNeeded: id)))   // "HT"
    }

    /// The DetectionReport of one track.
    func detectionReport(_ track: TrackOutput) -> BSIDetectionReport {
        let position = plane.geodetic(track.state.position)
        let c = track.state.covariance
        let v = track.state.velocity
        var report = BSIDetectionReport()
        report.reportID = reportID(at: track.time)
        report.objectID = Self.objectID(track: track.trackID)
        report.state = track.updated ? "updated" : "coasting"
        var location = BSILocation.wgs84(longitude: position.longitude, latitude: position.latitude, height: position.ellipsoidalHeight)
        // Each error in its coordinate's unit (LAT_LNG_DEG_M: degrees, degrees, metres): the east and
        // north 1-σ in metres over WGS84's radii of curvature at the track's latitude.
        let phi = position.latitude * .pi / 180, e2 = WGS84.eccentricitySquared
        let w = (1 - e2 * sin(phi) * sin(phi)).squareRoot()
        let prime = WGS84.semiMajorAxis / w, meridian = WGS84.semiMajorAxis * (1 - e2) / (w * w * w)
        location.xError = max(0, c[0, 0]).squareRoot() / (prime * max(cos(phi), 1e-9)) * 180 / .pi
        location.yError = max(0, c[1, 1]).squareRoot() / meridian * 180 / .pi
        location.zError = max(0, c[2, 2]).squareRoot()
        report.location = location
        var velocity = BSIENUVelocity()
        velocity.eastRate = v.x
        velocity.northRate = v.y
        velocity.upRate = v.z
        report.enuVelocity = velocity
        var info = BSIDetectionReport.TrackObjectInfo()
        info.type = "haechi_track_id"
        info.value = "\(track.trackID)"
        report.trackInfo = [info]
        return report
    }

    /// Sends `step`'s tracks, and a status report when one is due (the output thread).
    public func send(_ step: TrackerStep) {
        lastTime = step.time
        if lastStatus.map({ step.time.seconds(since: $0) >= settings.statusIntervalSeconds }) ?? true {
            var report = BSIStatusReport()
            report.reportID = reportID(at: step.time)
            report.system = .ok
            report.info = lastStatus == nil ? .new : .unchanged
            report.mode = "surveillance"
            report.nodeLocation = .wgs84(longitude: origin.longitude, latitude: origin.latitude, height: origin.ellipsoidalHeight)
            let sent = stream.send(SapientFrameReader.frame(envelope(at: step.time) { $0.statusReport = report }))
            if sent { lastStatus = step.time }
            count { sent ? ($0.statusReports += 1) : ($0.dropped += 1) }
        }
        for track in step.tracks {
            let report = detectionReport(track)
            let sent = stream.send(SapientFrameReader.frame(envelope(at: track.time) { $0.detectionReport = report }))
            count { sent ? ($0.detectionReports += 1) : ($0.dropped += 1) }
        }
    }
}
