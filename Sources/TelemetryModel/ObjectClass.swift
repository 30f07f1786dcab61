// The classes a counter-drone system's classifications are scored over.

/// What an object is, in the five classes the confusion matrix is kept over (issue #15; the Korean
/// counter-drone test method's 드론 / 조류 / 유인 항공기 / 기타 / 미상).
///
/// Systems name classes their own way: SAPIENT's taxonomy says `UAV` or `Air Vehicle` with sub-classes,
/// others `drone`, `quadcopter`, `bird`. ``init(reported:)`` maps a reported name case-insensitively
/// by the words in it (`Unmanned aircraft` is a drone, `Manned aircraft` is not); a name it does not
/// know (`Vehicle`, `Rotary Wing` alone) is ``other``, never a guess at ``drone``.
public enum ObjectClass: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case drone
    case bird
    case mannedAircraft = "manned_aircraft"
    case other
    /// The system reported no class, or said it does not know.
    case unknown

    /// The class of a reported name (`nil` or empty: ``unknown``).
    public init(reported name: String?) {
        guard let name, !name.isEmpty else { self = .unknown; return }
        let words = Set(name.lowercased().split { !$0.isLetter && !$0.isNumber }.map(String.init))
        func any(_ names: Set<String>) -> Bool { !words.isDisjoint(with: names) }
        if any(["unknown", "unclassified", "undetermined"]) {
            self = .unknown
        } else if any(["drone", "drones", "uav", "uavs", "uas", "suas", "rpas", "unmanned", "uncrewed", "multirotor", "multicopter",
                       "quadcopter", "quadrotor", "hexacopter", "octocopter"]) && !any(["manned", "crewed"]) {
            self = .drone
        } else if any(["bird", "birds", "avian"]) {
            self = .bird
        } else if any(["aircraft", "airplane", "aeroplane", "helicopter", "airliner", "manned", "crewed"]) {
            self = .mannedAircraft
        } else {
            self = .other
        }
    }

    private var order: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (lhs: ObjectClass, rhs: ObjectClass) -> Bool { lhs.order < rhs.order }
}
