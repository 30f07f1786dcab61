// The ICD's rules for a message a sensor node sends a decision module.
public import SwiftProtobuf

/// How strictly a message's timestamp must agree with its receive time.
public struct SapientTimeWindow: Hashable, Sendable {
    /// How long before its receipt a message may say it was sent, ns.
    public var pastNanoseconds: Int64
    /// How long after its receipt a message may say it was sent (clock offset), ns.
    public var futureNanoseconds: Int64

    /// Dstl's Apex middleware allows 0.9 s before and 0.1 s after receipt on a LAN. Haechi's default is
    /// wider (2 s and 0.5 s): a node on a range network behind a radio link lags more, and a message
    /// refused for its time is lost to scoring. `sapient.time_window_ms` in the config sets both.
    public init(pastNanoseconds: Int64 = 2_000_000_000, futureNanoseconds: Int64 = 500_000_000) {
        self.pastNanoseconds = pastNanoseconds
        self.futureNanoseconds = futureNanoseconds
    }
}

/// Checks a decoded `SapientMessage` against BSI Flex 335 v2.0's mandatory fields, one-ofs,
/// identifier formats and time limits (the `is_mandatory`, `is_ulid` and `is_uuid` marks of the ICD's
/// tables), for the contents a node sends. Pure: the receive time is passed in.
public struct SapientValidator: Sendable {
    /// The ICD versions a Registration may name (the standard's spelling, and the one Dstl's tools send).
    public static let icdVersions: Set<String> = ["BSI Flex 335 v2.0", "BSI_Flex_335_v2.0"]

    public var timeWindow: SapientTimeWindow

    public init(timeWindow: SapientTimeWindow = SapientTimeWindow()) {
        self.timeWindow = timeWindow
    }

    /// Every problem of `message`, received at `receivedAt` (ns since the Unix epoch), in field order.
    public func problems(_ message: BSISapientMessage, receivedAt: Int64) -> [SapientProblem] {
        var found = Found()
        found.require(message.hasTimestamp, "timestamp")
        if message.hasTimestamp {
            let sent = message.timestamp.seconds &* 1_000_000_000 &+ Int64(message.timestamp.nanos)
            let offset = sent &- receivedAt
            if message.timestamp.nanos < 0 || message.timestamp.nanos >= 1_000_000_000
                || offset < -timeWindow.pastNanoseconds || offset > timeWindow.futureNanoseconds {
                found.add(.badTime, "timestamp")
            }
        }
        found.uuid(message.hasNodeID ? message.nodeID : nil, "node_id", mandatory: true)
        found.uuid(message.hasDestinationID ? message.destinationID : nil, "destination_id", mandatory: false)
        switch message.content {
        case .registration(let registration): check(registration, &found)
        case .statusReport(let report): check(report, &found)
        case .detectionReport(let report): check(report, &found)
        case .alert(let alert): check(alert, &found)
        case .error(let error): found.require(error.hasPacket, "error.packet")
        case .registrationAck: found.add(.unexpectedContent, "registration_ack")
        case nil: found.add(.unexpectedContent, message.unknownFields.data.isEmpty ? "content" : "content (task, task_ack or alert_ack)")
        }
        return found.problems
    }

    /// The problems of a Registration alone (the receive thread's answer to it uses the same rules).
    public func problems(_ registration: BSIRegistration) -> [SapientProblem] {
        var found = Found()
        check(registration, &found)
        return found.problems
    }

    private func check(_ registration: BSIRegistration, _ found: inout Found) {
        let at = "registration."
        found.require(!registration.nodeDefinition.isEmpty, at + "node_definition")
        for (index, node) in registration.nodeDefinition.enumerated() {
            found.require(node.hasNodeType, at + "node_definition[\(index)].node_type")
        }
        found.require(registration.hasIcdVersion, at + "icd_version")
        if registration.hasIcdVersion, !Self.icdVersions.contains(registration.icdVersion) {
            found.add(.unknownICDVersion, at + "icd_version")
        }
        found.require(!registration.capabilities.isEmpty, at + "capabilities")
        for (index, capability) in registration.capabilities.enumerated() {
            found.require(capability.hasCategory, at + "capabilities[\(index)].category")
            found.require(capability.hasType, at + "capabilities[\(index)].type")
        }
        found.require(registration.hasStatusDefinition, at + "status_definition")
        if registration.hasStatusDefinition {
            found.require(registration.statusDefinition.hasStatusInterval, at + "status_definition.status_interval")
            check(registration.statusDefinition.statusInterval, at + "status_definition.status_interval", &found)
        }
        found.require(!registration.modeDefinition.isEmpty, at + "mode_definition")
        for (index, mode) in registration.modeDefinition.enumerated() {
            let path = at + "mode_definition[\(index)]"
            found.require(mode.hasModeName, path + ".mode_name")
            found.require(mode.hasModeType, path + ".mode_type")
            found.require(mode.hasSettleTime, path + ".settle_time")
            if mode.hasSettleTime { check(mode.settleTime, path + ".settle_time", &found) }
            found.require(mode.hasTask, path + ".task")
            if mode.hasTask {
                let task = mode.task
                found.require(task.hasRegionDefinition, path + ".task.region_definition")
                if task.hasRegionDefinition {
                    found.require(!task.regionDefinition.regionType.isEmpty, path + ".task.region_definition.region_type")
                    found.require(!task.regionDefinition.regionArea.isEmpty, path + ".task.region_definition.region_area")
                }
                for (c, command) in task.command.enumerated() {
                    found.require(command.hasUnits, path + ".task.command[\(c)].units")
                    found.require(command.hasCompletionTime, path + ".task.command[\(c)].completion_time")
                    found.require(command.hasType, path + ".task.command[\(c)].type")
                }
            }
            for (d, definition) in mode.detectionDefinition.enumerated() {
                found.require(definition.hasLocationType, path + ".detection_definition[\(d)].location_type")
                for classes in definition.detectionClassDefinition {
                    for (c, type) in classes.classDefinition.enumerated() {
                        found.require(type.hasType, path + ".detection_definition[\(d)].class_definition[\(c)].type")
                    }
                }
            }
        }
        found.require(!registration.configData.isEmpty, at + "config_data")
        for (index, data) in registration.configData.enumerated() {
            found.require(!data.manufacturer.isEmpty, at + "config_data[\(index)].manufacturer")
            found.require(!data.model.isEmpty, at + "config_data[\(index)].model")
        }
    }

    private func check(_ duration: BSIRegistration.Duration, _ path: String, _ found: inout Found) {
        found.require(duration.hasUnits, path + ".units")
        found.require(duration.hasValue, path + ".value")
    }

    private func check(_ report: BSIStatusReport, _ found: inout Found) {
        let at = "status_report."
        found.ulid(report.hasReportID ? report.reportID : nil, at + "report_id", mandatory: true)
        found.require(report.hasSystem, at + "system")
        found.require(report.hasInfo, at + "info")
        found.ulid(report.hasActiveTaskID ? report.activeTaskID : nil, at + "active_task_id", mandatory: false)
        found.require(report.hasMode, at + "mode")
        if report.hasNodeLocation { check(report.nodeLocation, at + "node_location", &found) }
        for (index, status) in report.status.enumerated() {
            found.require(status.hasStatusType, at + "status[\(index)].status_type")
        }
    }

    private func check(_ report: BSIDetectionReport, _ found: inout Found) {
        let at = "detection_report."
        found.ulid(report.hasReportID ? report.reportID : nil, at + "report_id", mandatory: true)
        found.ulid(report.hasObjectID ? report.objectID : nil, at + "object_id", mandatory: true)
        found.ulid(report.hasTaskID ? report.taskID : nil, at + "task_id", mandatory: false)
        // Not mandatory in the ICD, but a report with no position cannot be scored or tracked.
        switch report.locationOneof {
        case .rangeBearing(let polar): check(polar, at + "range_bearing", &found)
        case .location(let location): check(location, at + "location", &found)
        case nil: found.add(.missingField, at + "location_oneof")
        }
        for (index, classification) in report.classification.enumerated() {
            found.require(classification.hasType, at + "classification[\(index)].type")
            check(classification.subClass, at + "classification[\(index)].sub_class", &found)
        }
        if case .enuVelocity(let velocity) = report.velocityOneof {
            found.require(velocity.hasEastRate, at + "enu_velocity.east_rate")
            found.require(velocity.hasNorthRate, at + "enu_velocity.north_rate")
        }
        for (index, info) in (report.trackInfo + report.objectInfo).enumerated() {
            found.require(info.hasType && info.hasValue, at + "track_info/object_info[\(index)]")
        }
        for (index, derived) in report.derivedDetection.enumerated() {
            found.uuid(derived.hasNodeID ? derived.nodeID : nil, at + "derived_detection[\(index)].node_id", mandatory: true)
            found.ulid(derived.hasObjectID ? derived.objectID : nil, at + "derived_detection[\(index)].object_id", mandatory: true)
        }
        check(report.associatedDetection, at + "associated_detection", &found)
    }

    private func check(_ subClasses: [BSIDetectionReport.SubClass], _ path: String, _ found: inout Found, depth: Int = 0) {
        // swift-protobuf caps nesting at 100 levels when decoding, so this recursion is bounded too.
        for (index, sub) in subClasses.enumerated() {
            found.require(sub.hasType, path + "[\(index)].type")
            found.require(sub.hasLevel, path + "[\(index)].level")
            check(sub.subClass, path + "[\(index)].sub_class", &found, depth: depth + 1)
        }
    }

    private func check(_ alert: BSIAlert, _ found: inout Found) {
        found.ulid(alert.hasAlertID ? alert.alertID : nil, "alert.alert_id", mandatory: true)
        found.ulid(alert.hasRegionID ? alert.regionID : nil, "alert.region_id", mandatory: false)
        switch alert.locationOneof {
        case .rangeBearing(let polar): check(polar, "alert.range_bearing", &found)
        case .location(let location): check(location, "alert.location", &found)
        case nil: break
        }
        check(alert.associatedDetection, "alert.associated_detection", &found)
    }

    private func check(_ associated: [BSIAssociatedDetection], _ path: String, _ found: inout Found) {
        for (index, detection) in associated.enumerated() {
            found.uuid(detection.hasNodeID ? detection.nodeID : nil, path + "[\(index)].node_id", mandatory: true)
            found.ulid(detection.hasObjectID ? detection.objectID : nil, path + "[\(index)].object_id", mandatory: true)
        }
    }

    private func check(_ location: BSILocation, _ path: String, _ found: inout Found) {
        found.require(location.hasX, path + ".x")
        found.require(location.hasY, path + ".y")
        found.require(location.hasCoordinateSystem, path + ".coordinate_system")
        found.require(location.hasDatum, path + ".datum")
    }

    private func check(_ polar: BSIRangeBearing, _ path: String, _ found: inout Found) {
        found.require(polar.hasCoordinateSystem, path + ".coordinate_system")
        found.require(polar.hasDatum, path + ".datum")
    }

    /// The problems found so far.
    private struct Found {
        var problems: [SapientProblem] = []

        mutating func add(_ kind: SapientProblem.Kind, _ field: String) {
            problems.append(SapientProblem(kind, field))
        }

        mutating func require(_ present: Bool, _ field: String) {
            if !present { add(.missingField, field) }
        }

        mutating func ulid(_ value: String?, _ field: String, mandatory: Bool) {
            guard let value else { return require(!mandatory, field) }
            if !SapientIdentifier.isULID(value) { add(.badIdentifier, field) }
        }

        mutating func uuid(_ value: String?, _ field: String, mandatory: Bool) {
            guard let value else { return require(!mandatory, field) }
            if !SapientIdentifier.isUUIDv4(value) { add(.badIdentifier, field) }
        }
    }
}
