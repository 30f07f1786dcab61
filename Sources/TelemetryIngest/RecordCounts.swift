// Records counted by kind in a flat array, for the decode stage's per-frame counting.
import TelemetryModel

/// A count per ``RecordKind``, kept in an array indexed by the kind's position.
///
/// The decode stage counts every record it reads; a dictionary lookup per record (hashing the kind)
/// was about a tenth of a JSON frame's decode. The counts are added into
/// ``SourceStatistics/records`` when the statistics are read.
struct RecordCounts {
    private var counts = [UInt64](repeating: 0, count: RecordKind.allCases.count)

    /// Counts `n` records of `kind`.
    mutating func add(_ kind: RecordKind, _ n: UInt64 = 1) {
        counts[Self.position(kind)] &+= n
    }

    /// The count of `kind`.
    subscript(kind: RecordKind) -> UInt64 { counts[Self.position(kind)] }

    /// Adds every non-zero count into `records` (saturating).
    func add(into records: inout [RecordKind: UInt64]) {
        for (position, count) in counts.enumerated() where count > 0 {
            records[Self.kinds[position], default: 0].addSaturating(count)
        }
    }

    private static let kinds = RecordKind.allCases

    /// The kind's position in `RecordKind.allCases` (a test holds the two equal).
    static func position(_ kind: RecordKind) -> Int {
        switch kind {
        case .meta: 0
        case .sensor: 1
        case .status: 2
        case .scan: 3
        case .detection: 4
        case .truth: 5
        case .track: 6
        case .heartbeat: 7
        case .systemTime: 8
        case .globalPositionInt: 9
        case .gpsRawInt: 10
        case .openDroneIDBasicID: 11
        case .openDroneIDLocation: 12
        case .openDroneIDSystem: 13
        case .openDroneIDOperatorID: 14
        case .openDroneIDMessagePack: 15
        case .sapientAlert: 16
        case .sapientError: 17
        }
    }
}
