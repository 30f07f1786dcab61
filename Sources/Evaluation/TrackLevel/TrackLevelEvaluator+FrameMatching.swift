// The frame-by-frame matching of drones with resampled tracks: CLEAR-MOT, ID switches, segments and IDF1.
import TelemetryModel

/// The outcome of the frame matching (indices into the sorted drones).
struct FrameMatchingOutcome {
    var frames: [TrackingFrame]
    var clearMOT: ClearMOTScore
    var identity: IdentityScore
    var present: [Int]
    var tracked: [Int]
    var segments: [Int]
    var switches: [Int]
}

extension TrackLevelEvaluator {
    /// Matches drones with tracks on every grid frame (see the type's documentation).
    func matchFrames(drones: [TruthPath], tracks: [TrackPath], grid: EvaluationGrid, maximumGap: Int64) -> FrameMatchingOutcome {
        let droneCount = drones.count, trackCount = tracks.count
        var frameIndex: [Timestamp: Int] = [:]
        for (k, time) in grid.times.enumerated() { frameIndex[time] = k }
        var tracksInFrame = [[(track: Int, position: ENUVector)]](repeating: [], count: grid.times.count)
        var trackFrames = [Int](repeating: 0, count: trackCount)
        for (index, track) in tracks.enumerated() {
            for state in resampler.resample(track, onto: grid).states {
                guard let k = frameIndex[state.time] else { continue }
                tracksInFrame[k].append((index, state.position))
                trackFrames[index] += 1
            }
        }

        let threshold = settings.matchThreshold
        var lastMatch = [Int?](repeating: nil, count: droneCount)
        var previousFrameTrack = [Int?](repeating: nil, count: droneCount)
        var present = [Int](repeating: 0, count: droneCount), tracked = present, segments = present, switches = present
        var idtp: [Int: Int] = [:]   // drone · trackCount + track → frames within T
        var clear = ClearMOTScore()
        var frames: [TrackingFrame] = []
        frames.reserveCapacity(grid.times.count)

        for (k, time) in grid.times.enumerated() {
            var truths: [(drone: Int, position: ENUVector)] = []
            for (index, drone) in drones.enumerated() {
                if let p = drone.linearlyInterpolatedPosition(at: time, maximumGapNanoseconds: maximumGap) { truths.append((index, p)) }
            }
            let candidates = tracksInFrame[k]
            let n = truths.count, m = candidates.count
            var distance = [Double](repeating: 0, count: n * m)
            for (i, truth) in truths.enumerated() {
                for (j, candidate) in candidates.enumerated() {
                    let d = candidate.position - truth.position
                    let value = (d * d).sum().squareRoot()
                    distance[i * m + j] = value
                    if value <= threshold { idtp[truth.drone * trackCount + candidate.track, default: 0] += 1 }
                }
            }

            // 1. Keep each drone's last correspondence while it holds.
            var columnOfRow = [Int?](repeating: nil, count: n)
            var columnUsed = [Bool](repeating: false, count: m)
            var isSwitch = [Bool](repeating: false, count: n)
            var columnOfTrack: [Int: Int] = [:]
            for (j, candidate) in candidates.enumerated() { columnOfTrack[candidate.track] = j }
            for (i, truth) in truths.enumerated() {
                guard let previous = lastMatch[truth.drone], let j = columnOfTrack[previous], !columnUsed[j],
                      distance[i * m + j] <= threshold else { continue }
                columnOfRow[i] = j
                columnUsed[j] = true
            }
            // 2. An optimal assignment of the rest.
            let rows = (0..<n).filter { columnOfRow[$0] == nil }, columns = (0..<m).filter { !columnUsed[$0] }
            if !rows.isEmpty && !columns.isEmpty {
                var costs = [Double](repeating: .infinity, count: rows.count * columns.count)
                for (a, i) in rows.enumerated() {
                    for (b, j) in columns.enumerated() where distance[i * m + j] <= threshold {
                        costs[a * columns.count + b] = distance[i * m + j]
                    }
                }
                for (a, b) in GatedAssignment.maximumGatedPairs(costs: costs, rows: rows.count, columns: columns.count, solver: solver) {
                    let i = rows[a], j = columns[b]
                    columnOfRow[i] = j
                    columnUsed[j] = true
                    if let previous = lastMatch[truths[i].drone], previous != candidates[j].track { isSwitch[i] = true }
                }
            }

            // 3. Tally.
            var matches: [FrameMatch] = [], missed: [String] = []
            for (i, truth) in truths.enumerated() {
                let drone = truth.drone
                present[drone] += 1
                clear.groundTruthCount += 1
                guard let j = columnOfRow[i] else {
                    missed.append(drones[drone].id)
                    previousFrameTrack[drone] = nil
                    continue
                }
                let track = candidates[j].track
                tracked[drone] += 1
                clear.matches += 1
                clear.totalMatchDistance += distance[i * m + j]
                if isSwitch[i] {
                    clear.idSwitches += 1
                    switches[drone] += 1
                }
                if previousFrameTrack[drone] != track { segments[drone] += 1 }
                previousFrameTrack[drone] = track
                lastMatch[drone] = track
                matches.append(FrameMatch(droneID: drones[drone].id, trackID: tracks[track].id, distance: distance[i * m + j], isSwitch: isSwitch[i]))
            }
            clear.misses += missed.count
            let unmatched = candidates.indices.filter { !columnUsed[$0] }.map { tracks[candidates[$0].track].id }
            clear.falsePositives += unmatched.count
            frames.append(TrackingFrame(time: time, matches: matches, missedDroneIDs: missed, unmatchedTrackIDs: unmatched.sorted()))
        }

        return FrameMatchingOutcome(frames: frames, clearMOT: clear,
                                    identity: identity(drones: drones, tracks: tracks, idtp: idtp, droneFrames: present, trackFrames: trackFrames),
                                    present: present, tracked: tracked, segments: segments, switches: switches)
    }

    /// IDF1's global pairing: the assignment of drones to tracks that maximises Σ IDTP.
    func identity(drones: [TruthPath], tracks: [TrackPath], idtp: [Int: Int], droneFrames: [Int], trackFrames: [Int]) -> IdentityScore {
        let trackCount = tracks.count
        // Only tracks with a frame within T of some drone can add to IDTP.
        let columns = Set(idtp.keys.map { $0 % max(trackCount, 1) }).sorted()
        var total = 0
        var pairing: [String: String] = [:]
        if !drones.isEmpty && !columns.isEmpty {
            var costs = [Double](repeating: 0, count: drones.count * columns.count)
            for i in drones.indices {
                for (b, j) in columns.enumerated() { costs[i * columns.count + b] = -Double(idtp[i * trackCount + j] ?? 0) }
            }
            for (i, b) in GatedAssignment.minimumCostPairs(costs: costs, rows: drones.count, columns: columns.count, solver: solver) {
                let count = idtp[i * trackCount + columns[b]] ?? 0
                guard count > 0 else { continue }
                total += count
                pairing[drones[i].id] = tracks[columns[b]].id
            }
        }
        let droneTotal = droneFrames.reduce(0, +), trackTotal = trackFrames.reduce(0, +)
        return IdentityScore(idtp: total, idfp: trackTotal - total, idfn: droneTotal - total, trackOfDrone: pairing)
    }
}
