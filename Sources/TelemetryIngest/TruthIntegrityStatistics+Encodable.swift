// The JSON form of the truth checks' findings, as summaries write them (snake_case, every key present).
import TelemetryModel

extension TruthIntegrityStatistics: Encodable {
    enum CodingKeys: String, CodingKey {
        case maximumSpeed = "max_speed_mps", positionSlack = "position_slack_m", handoverSeconds = "handover_s"
        case maximumDrones = "max_drones", fixesBeyondDroneLimit = "fixes_beyond_drone_limit"
        case unattributedFixes = "unattributed_fixes", flaggedDrones = "flagged_drones", drones
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(settings.maximumSpeed, forKey: .maximumSpeed)
        try c.encode(settings.positionSlack, forKey: .positionSlack)
        try c.encode(settings.handoverSeconds, forKey: .handoverSeconds)
        try c.encode(settings.maximumDrones, forKey: .maximumDrones)
        try c.encode(fixesBeyondDroneLimit, forKey: .fixesBeyondDroneLimit)
        try c.encode(unattributedFixes, forKey: .unattributedFixes)
        try c.encode(flaggedDrones, forKey: .flaggedDrones)
        try c.encode(drones, forKey: .drones)
    }
}

extension DroneTruthStatistics: Encodable {
    enum CodingKeys: String, CodingKey {
        case boundSender = "bound_sender", fixesAccepted = "fixes_accepted", otherSenderFixes = "other_sender_fixes"
        case otherSenders = "other_senders", otherSenderNames = "other_sender_names", jumps
        case largestJumpMetres = "largest_jump_m", largestJumpSpeed = "largest_jump_speed_mps"
        case reanchors, restarts, handovers, firstFlagReceiveTime = "first_flag_receive_ns", flagged
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(boundSender, forKey: .boundSender)
        try c.encode(fixesAccepted, forKey: .fixesAccepted)
        try c.encode(otherSenderFixes, forKey: .otherSenderFixes)
        try c.encode(otherSenders, forKey: .otherSenders)
        try c.encode(otherSenderNames, forKey: .otherSenderNames)
        try c.encode(jumps, forKey: .jumps)
        // JSON has no infinity: a jump with no time between its fixes has no finite speed (null).
        try c.encode(largestJumpMetres, forKey: .largestJumpMetres)
        try c.encode(largestJumpSpeed.flatMap { $0.isFinite ? $0 : nil }, forKey: .largestJumpSpeed)
        try c.encode(reanchors, forKey: .reanchors)
        try c.encode(restarts, forKey: .restarts)
        try c.encode(handovers, forKey: .handovers)
        try c.encode(firstFlagReceiveTime?.nanosecondsSinceEpoch, forKey: .firstFlagReceiveTime)
        try c.encode(isFlagged, forKey: .flagged)
    }
}
