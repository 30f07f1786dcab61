// Tracks from angle-only sensors: where the lines of sight of several direction finders or cameras cross.
public import TelemetryModel
import Foundation
import TrackingMath

/// Starts tentative tracks from the lines of sight of angle-only sensors (RF direction finders,
/// EO/IR cameras), which one at a time fix no position.
///
/// A line of sight that no track took waits `windowSeconds` for lines from other sensors. When a
/// scan's unused line `a` arrives, each waiting line `b` of another sensor that crosses it, in front
/// of both sensors, at an angle of at least `minimumCrossingAngleDegrees` and within the maximum range,
/// proposes a point. The point is refined by weighted least squares over its lines (below), and the
/// waiting lines of the other sensors join it one sensor at a time, each the line nearest the point,
/// when it lies within the gate. A proposal is kept only when its lines **over-determine** the point,
/// whenever the registered angle-only sensors can: m azimuths and e elevations give m + e equations
/// for 2 unknowns (3 with an elevation), so it takes three azimuths, or two azimuths and one
/// elevation, or two cameras. That is the ghost test: two lines always cross somewhere, and in a scene
/// of n targets, two sensors' n² crossings include n² − n ghosts; a third line through the same point
/// by chance is rare, and the M-of-N confirmation that follows rejects most of the rest. With fewer
/// angle-only sensors than that (two direction finders), a pair is enough, and only the M-of-N
/// confirmation tells ghosts from targets: docs/tracking.md says so.
///
/// Of a line's proposals the one with the most lines wins, then the smallest χ². Its lines are used up.
///
/// **Fit.** Unknown horizontal position p = (E, N). Line i from site oᵢ, taken Δtᵢ before the scan,
/// has azimuth αᵢ with σᵢ; with dᵢ = p − oᵢ and ρᵢ = |dᵢ|, its residual is wrap(αᵢ − atan2(dE, dN))
/// with row Jᵢ = [dN, −dE] / ρᵢ² and variance σᵢ² + (σv Δtᵢ / ρᵢ)², σv the new-track velocity spread
/// (the target moved while the lines were gathered). Five Gauss-Newton steps from the crossing give
/// p and its covariance (Jᵀ W J)⁻¹. A line with elevation εᵢ (σεᵢ) says the height is
/// hᵢ = oᵢ,U + ρᵢ tan εᵢ with variance (ρᵢ σεᵢ / cos² εᵢ)² + tan² εᵢ · (radial variance of p) +
/// (σv,U Δtᵢ)²; the height is their inverse-variance mean. Without an elevation, the height is
/// `heightMetres` ± `sigmaHeightMetres`. The new track's velocity is zero with the initiation's spread.
///
/// **Cost.** At most `maximumWaiting` lines wait (the oldest go first) and at most
/// `maximumLinesPerScan` of a scan's lines are crossed, the rest counted as untried and left to wait:
/// a flood of bearings cannot make a scan's work grow without bound.
public struct PassiveInitiator: Sendable {
    /// The settings.
    public let settings: TrackerSettings.PassiveInitiation
    /// The Mahalanobis gate a joining line must pass (the tentative tracks' gate).
    public let gate: Double
    /// The longest distance from a sensor to a point, metres.
    public let maximumRange: Double
    /// A new track's velocity standard deviation, horizontal and vertical, m/s.
    public let velocitySigmaHorizontal: Double, velocitySigmaVertical: Double

    /// The most lines of sight that wait at once.
    public static let maximumWaiting = 256
    /// The most lines of one scan crossed with the waiting ones.
    public static let maximumLinesPerScan = 64

    private struct Sighting {
        var sensor: String
        var time: Timestamp
        var line: LineOfSight
    }

    /// Unused lines of the last `windowSeconds`, oldest first.
    private var waiting: [Sighting] = []

    /// An initiator with the tracker's settings.
    public init(settings: TrackerSettings) {
        self.settings = settings.initiation.passive
        gate = settings.association.tentativeGate
        maximumRange = settings.sensors.maximumRange
        velocitySigmaHorizontal = settings.initiation.velocitySigmaHorizontal
        velocitySigmaVertical = settings.initiation.velocitySigmaVertical
    }

    /// The lines of sight waiting now.
    public var waitingCount: Int { waiting.count }

    /// A new tentative track's state, and the index of the scan line that started it.
    public struct Start: Sendable {
        /// Index into the scan's lines.
        public var line: Int
        /// The state, at the scan's time.
        public var state: GaussianState
        /// How many lines of sight fixed it.
        public var lineCount: Int
    }

    /// Crosses `lines`, the unused lines of `sensor`'s scan at `time`, with the waiting lines of the
    /// other sensors. `overdetermined` says whether to require more equations than unknowns (see
    /// the type's description). Returns the tracks to start and the number of lines left untried.
    public mutating func initiate(sensor: String, time: Timestamp, lines: [LineOfSight],
                                  overdetermined: Bool) -> (starts: [Start], untried: Int) {
        let windowNanoseconds = Int64((settings.windowSeconds * 1e9).rounded())
        waiting.removeAll { time.nanoseconds(since: $0.time) > windowNanoseconds || $0.time > time }
        var starts: [Start] = []
        var taken = [Bool](repeating: false, count: waiting.count)
        let tried = min(lines.count, Self.maximumLinesPerScan)
        var startedFrom = [Bool](repeating: false, count: lines.count)
        if !waiting.isEmpty {
            // The waiting lines by sensor, once per scan: a proposal then looks at each other sensor's
            // lines directly, with no string comparison per line.
            var groupOfSensor: [String: Int] = [:]
            var groups: [(sensor: String, lines: [Int])] = []
            for i in waiting.indices {
                if let g = groupOfSensor[waiting[i].sensor] {
                    groups[g].lines.append(i)
                } else {
                    groupOfSensor[waiting[i].sensor] = groups.count
                    groups.append((waiting[i].sensor, [i]))
                }
            }
            for index in 0..<tried {
                guard let best = bestProposal(for: lines[index], of: sensor, groups: groups, at: time, taken: taken,
                                              overdetermined: overdetermined) else { continue }
                for member in best.members { taken[member] = true }
                startedFrom[index] = true
                starts.append(Start(line: index, state: best.state, lineCount: best.members.count + 1))
            }
        }
        var kept: [Sighting] = []
        kept.reserveCapacity(waiting.count + lines.count)
        for i in waiting.indices where !taken[i] { kept.append(waiting[i]) }
        for index in lines.indices where !startedFrom[index] { kept.append(Sighting(sensor: sensor, time: time, line: lines[index])) }
        if kept.count > Self.maximumWaiting { kept.removeFirst(kept.count - Self.maximumWaiting) }
        waiting = kept
        return (starts, lines.count - tried)
    }

    /// A proposal: the waiting lines (indices) that join the new line, the fitted state and its χ².
    private struct Proposal {
        var members: [Int]
        var state: GaussianState
        var chiSquared: Double
    }

    /// The best proposal for `line` of `sensor` among the waiting lines, grouped by sensor: each line of
    /// another sensor that crosses it, joined by the nearest line of each further sensor that fits.
    /// At most `maximumWaiting`² distances per line.
    private func bestProposal(for line: LineOfSight, of sensor: String, groups: [(sensor: String, lines: [Int])], at time: Timestamp,
                              taken: [Bool], overdetermined: Bool) -> Proposal? {
        let minimumSine = sin(settings.minimumCrossingAngleDegrees * .pi / 180)
        var best: Proposal?
        for (g, group) in groups.enumerated() where group.sensor != sensor {
            for b in group.lines where !taken[b] {
                guard let crossing = Self.crossing(line, waiting[b].line, minimumSine: minimumSine) else { continue }
                var members = [b]
                guard var fit = self.fit(line, members, from: crossing, at: time), fit.consistent(gate) else { continue }
                // The nearest waiting line of each other sensor joins, while it fits.
                for (h, other) in groups.enumerated() where h != g && other.sensor != sensor {
                    var nearest: (index: Int, distance: Double)?
                    for d in other.lines where !taken[d] {
                        let distance = fit.distance(of: waiting[d].line, age: age(waiting[d], at: time), initiator: self)
                        if distance <= gate, distance < nearest?.distance ?? .infinity { nearest = (d, distance) }
                    }
                    guard let nearest, let refit = self.fit(line, members + [nearest.index], from: fit.horizontal, at: time),
                          refit.consistent(gate) else { continue }
                    members.append(nearest.index)
                    fit = refit
                }
                guard !overdetermined || fit.redundancy >= 1 else { continue }
                if let current = best {
                    if members.count < current.members.count { continue }
                    if members.count == current.members.count && fit.chiSquared >= current.chiSquared { continue }
                }
                best = Proposal(members: members, state: fit.state(initiator: self), chiSquared: fit.chiSquared)
            }
        }
        return best
    }

    private func age(_ sighting: Sighting, at time: Timestamp) -> Double {
        time.seconds(since: sighting.time)
    }

    /// Where two lines cross in the horizontal plane, in front of both sites, or `nil` when they cross
    /// at less than the minimum angle (sine `minimumSine`) or behind a site.
    static func crossing(_ a: LineOfSight, _ b: LineOfSight, minimumSine: Double) -> SIMD2<Double>? {
        let ua = SIMD2(sin(a.azimuth), cos(a.azimuth)), ub = SIMD2(sin(b.azimuth), cos(b.azimuth))
        let cross = ua.x * ub.y - ua.y * ub.x
        guard abs(cross) >= minimumSine else { return nil }
        // oa + ta ua = ob + tb ub: Cramer's rule on [ua, −ub] [ta, tb]ᵀ = ob − oa.
        let delta = SIMD2(b.origin[0] - a.origin[0], b.origin[1] - a.origin[1])
        let ta = (delta.x * ub.y - delta.y * ub.x) / cross
        let tb = (delta.x * ua.y - delta.y * ua.x) / cross
        guard ta > 0, tb > 0 else { return nil }
        return SIMD2(a.origin[0], a.origin[1]) + ta * ua
    }

    /// A least-squares fit of a point to the new line and waiting lines `members`, starting from
    /// `start`; `nil` when it does not converge to a point in front of every site within range.
    private func fit(_ line: LineOfSight, _ members: [Int], from start: SIMD2<Double>, at time: Timestamp) -> Fit? {
        var lines = [(line: line, age: 0.0)]
        for m in members { lines.append((waiting[m].line, age(waiting[m], at: time))) }
        return Fit(lines: lines, start: start, initiator: self)
    }

    /// A fitted point and what it took.
    fileprivate struct Fit {
        var horizontal: SIMD2<Double>
        /// (Jᵀ W J)⁻¹, row-major: E E, E N, N N.
        var covariance: (ee: Double, en: Double, nn: Double)
        var height: Double
        var heightVariance: Double
        var chiSquared: Double
        /// The largest normalised residual of one equation.
        var largestResidual: Double
        /// Equations less unknowns.
        var redundancy: Int

        init?(lines: [(line: LineOfSight, age: Double)], start: SIMD2<Double>, initiator: PassiveInitiator) {
            var p = start
            var info = (ee: 0.0, en: 0.0, nn: 0.0)
            for _ in 0..<5 {
                info = (0, 0, 0)
                var gradient = SIMD2<Double>(0, 0)
                for (line, age) in lines {
                    let dE = p.x - line.origin[0], dN = p.y - line.origin[1]
                    let rho2 = dE * dE + dN * dN
                    guard rho2 > 1 else { return nil }
                    let residual = wrapAngle(line.azimuth - atan2(dE, dN))
                    let spread = initiator.velocitySigmaHorizontal * age
                    let weight = 1 / (line.sigmaAzimuth * line.sigmaAzimuth + spread * spread / rho2)
                    let j = SIMD2(dN / rho2, -dE / rho2)
                    info.ee += weight * j.x * j.x
                    info.en += weight * j.x * j.y
                    info.nn += weight * j.y * j.y
                    gradient += weight * residual * j
                }
                let determinant = info.ee * info.nn - info.en * info.en
                guard determinant > 0, determinant.isFinite else { return nil }
                p += SIMD2(info.nn * gradient.x - info.en * gradient.y, info.ee * gradient.y - info.en * gradient.x) / determinant
                guard p.x.isFinite, p.y.isFinite else { return nil }
            }
            let determinant = info.ee * info.nn - info.en * info.en
            horizontal = p
            covariance = (info.nn / determinant, -info.en / determinant, info.ee / determinant)

            var chiSquared = 0.0, largest = 0.0
            var heightInformation = 0.0, weightedHeight = 0.0
            var heights: [(height: Double, variance: Double)] = []
            for (line, age) in lines {
                let dE = p.x - line.origin[0], dN = p.y - line.origin[1]
                let rho = (dE * dE + dN * dN).squareRoot()
                // In front of the site, and within range.
                guard sin(line.azimuth) * dE + cos(line.azimuth) * dN > 0, rho <= initiator.maximumRange else { return nil }
                let spread = initiator.velocitySigmaHorizontal * age
                let variance = line.sigmaAzimuth * line.sigmaAzimuth + spread * spread / (rho * rho)
                let residual = wrapAngle(line.azimuth - atan2(dE, dN))
                chiSquared += residual * residual / variance
                largest = max(largest, abs(residual) / variance.squareRoot())
                if let elevation = line.elevation, abs(elevation) < 1.5 {
                    let unit = SIMD2(dE, dN) / rho
                    let radialVariance = unit.x * unit.x * covariance.ee + 2 * unit.x * unit.y * covariance.en + unit.y * unit.y * covariance.nn
                    let t = tan(elevation), c2 = cos(elevation) * cos(elevation)
                    let verticalSpread = initiator.velocitySigmaVertical * age
                    let variance = (rho * line.sigmaElevation / c2) * (rho * line.sigmaElevation / c2) + t * t * radialVariance
                        + verticalSpread * verticalSpread
                    guard variance > 0, variance.isFinite else { return nil }
                    let h = line.origin[2] + rho * t
                    heights.append((h, variance))
                    heightInformation += 1 / variance
                    weightedHeight += h / variance
                }
            }
            if heights.isEmpty {
                height = initiator.settings.heightMetres
                heightVariance = initiator.settings.sigmaHeightMetres * initiator.settings.sigmaHeightMetres
                redundancy = lines.count - 2
            } else {
                height = weightedHeight / heightInformation
                heightVariance = 1 / heightInformation
                for (h, variance) in heights {
                    let residual = h - height
                    chiSquared += residual * residual / variance
                    largest = max(largest, abs(residual) / variance.squareRoot())
                }
                redundancy = lines.count + heights.count - 3
            }
            guard chiSquared.isFinite else { return nil }
            self.chiSquared = chiSquared
            largestResidual = largest
            guard covariance.ee > 0, covariance.nn > 0, heightVariance.isFinite else { return nil }
        }

        /// Whether every equation lies within `gate` standard deviations.
        func consistent(_ gate: Double) -> Bool { largestResidual <= gate }

        /// The normalised distance of a waiting line from the point: its azimuth residual (and, with an
        /// elevation and a fitted height, its elevation residual) over the spread of both.
        func distance(of line: LineOfSight, age: Double, initiator: PassiveInitiator) -> Double {
            let dE = horizontal.x - line.origin[0], dN = horizontal.y - line.origin[1]
            let rho2 = dE * dE + dN * dN
            guard rho2 > 1, sin(line.azimuth) * dE + cos(line.azimuth) * dN > 0 else { return .infinity }
            let j = SIMD2(dN / rho2, -dE / rho2)
            let spread = initiator.velocitySigmaHorizontal * age
            let variance = line.sigmaAzimuth * line.sigmaAzimuth + spread * spread / rho2
                + j.x * j.x * covariance.ee + 2 * j.x * j.y * covariance.en + j.y * j.y * covariance.nn
            let residual = wrapAngle(line.azimuth - atan2(dE, dN))
            var squared = residual * residual / variance
            if let elevation = line.elevation, heightVariance.isFinite {
                let rho = rho2.squareRoot(), dU = height - line.origin[2]
                let predicted = atan2(dU, rho)
                let derivative = rho / (rho2 + dU * dU)
                let verticalSpread = initiator.velocitySigmaVertical * age
                let variance = line.sigmaElevation * line.sigmaElevation
                    + derivative * derivative * (heightVariance + verticalSpread * verticalSpread)
                let residual = elevation - predicted
                squared += residual * residual / variance
            }
            return squared.squareRoot()
        }

        /// The new track's state: the point at rest, with the fit's covariance and the velocity spread.
        func state(initiator: PassiveInitiator) -> GaussianState {
            var mean = StateVector()
            mean[0] = horizontal.x
            mean[1] = horizontal.y
            mean[2] = height
            var covariance = StateCovariance()
            covariance[0, 0] = self.covariance.ee
            covariance[0, 1] = self.covariance.en
            covariance[1, 0] = self.covariance.en
            covariance[1, 1] = self.covariance.nn
            covariance[2, 2] = heightVariance
            let vh = initiator.velocitySigmaHorizontal, vv = initiator.velocitySigmaVertical
            covariance[3, 3] = vh * vh
            covariance[4, 4] = vh * vh
            covariance[5, 5] = vv * vv
            return GaussianState(mean: mean, covariance: covariance)
        }
    }
}

extension TrackEstimate {
    /// Holds an unobserved height to its prior: when the combined height variance exceeds `variance`,
    /// every mode takes the pseudo-measurement U = `height` with variance `variance` (a scalar Kalman
    /// update on the up coordinate, which through the covariance also corrects the vertical velocity).
    /// The mode probabilities are left alone: the pseudo-measurement is a prior, not evidence about
    /// the motion. A track fed only by azimuths has no other information on its height, and without
    /// this its height variance grows with the cube of time until the covariance deleter ends it.
    /// Returns whether it applied.
    @discardableResult
    mutating func constrainHeight(to height: Double, variance: Double) -> Bool {
        guard combined.heightVariance > variance else { return false }
        for j in 0..<modeCount {
            var state = mode(j)
            state.correctHeight(to: height, variance: variance)
            setMode(j, state)
        }
        recombine()
        return true
    }
}

extension GaussianState {
    /// The Kalman update with z = U (H = [0 0 1 0 0 0]) and R = `variance`.
    mutating func correctHeight(to height: Double, variance: Double) {
        var x = mean, p = covariance
        let s = p[2, 2] + variance
        guard s > 0, s.isFinite else { return }
        var gain = StateVector(), row = StateVector()
        for i in 0..<6 {
            gain[i] = p[i, 2] / s
            row[i] = p[2, i]
        }
        let innovation = height - x[2]
        for i in 0..<6 {
            x[i] += gain[i] * innovation
            for j in 0..<6 { p[i, j] -= gain[i] * row[j] }
        }
        mean = x
        covariance = p.symmetrised
    }
}
