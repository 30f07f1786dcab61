// A replay's track lines checked against the recorded ones, line by line, as both arrive.

/// Compares the replay's track lines with the recorded ones as both arrive, keeping only the lines
/// one side has and the other has not yet.
final class TrackComparison: @unchecked Sendable {
    // @unchecked Sendable: used on the replay's one thread only (the hook runs inside `process`).
    private var pendingRecorded: [String] = []
    private var pendingReplayed: [String] = []
    private(set) var recordedCount: UInt64 = 0
    private(set) var replayedCount: UInt64 = 0
    private(set) var firstDifference: UInt64?
    private var compared: UInt64 = 0

    func recorded(_ line: String) {
        recordedCount += 1
        pendingRecorded.append(line)
        settle()
    }

    func replayed(_ line: String) {
        replayedCount += 1
        pendingReplayed.append(line)
        settle()
    }

    private func settle() {
        let n = min(pendingRecorded.count, pendingReplayed.count)
        guard n > 0 else { return }
        for i in 0..<n {
            compared += 1
            if firstDifference == nil && pendingRecorded[i] != pendingReplayed[i] { firstDifference = compared }
        }
        pendingRecorded.removeFirst(n)
        pendingReplayed.removeFirst(n)
    }

    var matches: Bool { firstDifference == nil && recordedCount == replayedCount }
}
