// A drone's motion over time: the profile resolved with the drone's drawn speed, altitude and phase.
import Foundation

/// A drone's state at one instant, in the site's ENU frame.
public struct DroneState: Hashable, Sendable {
    /// Position, metres.
    public var position: SIMD3<Double>
    /// Velocity, metres per second.
    public var velocity: SIMD3<Double>

    /// Creates a state.
    public init(position: SIMD3<Double>, velocity: SIMD3<Double>) {
        self.position = position
        self.velocity = velocity
    }
}

/// A drone's flight, evaluated in closed form at any time: no integration, so any time is exact and
/// the order of evaluation cannot change a result.
public struct FlightPath: Hashable, Sendable {
    /// The drone this path belongs to.
    public let drone: DroneSpec
    /// The drawn cruise speed, m/s, and cruise altitude, m.
    public let speed: Double
    /// The drawn cruise altitude, metres (ENU up).
    public let altitude: Double
    /// The drawn orbit phase (compass degrees at take-off).
    private let phase: Double
    /// An agile drone's manoeuvres, drawn once; empty for the other profiles.
    private let segments: [ManoeuvreSegment]

    /// Resolves `drone`'s profile, drawing its speed, altitude and phase from its stream of `seed`
    /// (a swarm member draws from its leader's stream, so the formation flies as one).
    public init(drone: DroneSpec, seed: UInt64) {
        self.drone = drone
        var random = SimulationRandom(seed: seed, stream: "drone:" + (drone.formationStream ?? drone.id))
        speed = random.uniform(drone.speed)
        altitude = random.uniform(drone.altitude)
        phase = random.uniform(0...360)
        if case .agile(let center, let radius, let sprint, let turnRate) = drone.profile {
            segments = ManoeuvreSegment.agile(center: center, radius: radius, cruise: speed, sprint: sprint, turnRate: turnRate,
                                              altitude: altitude, startBearing: phase, seconds: drone.landing - drone.takeoff,
                                              random: &random)
        } else {
            segments = []
        }
    }

    /// Whether the drone is airborne at `t` (seconds from the scenario start).
    public func isAirborne(at t: Double) -> Bool { t >= drone.takeoff && t <= drone.landing }

    /// The drone's state at `t`, or `nil` when it is not airborne.
    public func state(at t: Double) -> DroneState? {
        guard isAirborne(at: t) else { return nil }
        guard let offset = drone.formationOffset else { return baseState(at: t) }
        // A formation member: the leader's position plus the offset turned into the leader's heading.
        // Its velocity is the central difference of that position (the formation turns with the leader).
        func position(_ t: Double) -> SIMD3<Double> {
            let leader = baseState(at: t)
            var forward = SIMD2(leader.velocity.x, leader.velocity.y)
            let norm = (forward * forward).sum().squareRoot()
            forward = norm > 1e-6 ? forward / norm : SIMD2(0, 1)
            let right = SIMD2(forward.y, -forward.x)
            let horizontal = right * offset.x - forward * offset.y
            return leader.position + SIMD3(horizontal.x, horizontal.y, offset.z)
        }
        let h = 1e-3
        return DroneState(position: position(t), velocity: (position(t + h) - position(t - h)) / (2 * h))
    }

    /// The leader's (or a lone drone's) state, from the profile's closed form. `τ` is time since take-off.
    private func baseState(at t: Double) -> DroneState {
        let tau = t - drone.takeoff
        let v = speed, h = altitude
        switch drone.profile {
        case .approach(let start, let target):
            let (s, u) = line(start, target)
            let p = s + u * (v * tau)
            return DroneState(position: SIMD3(p.x, p.y, h), velocity: SIMD3(u.x * v, u.y * v, 0))

        case .orbit(let center, let radius, let clockwise):
            let c = point(center)
            let rate = (clockwise ? 1.0 : -1.0) * v / radius          // rad/s, compass sense
            let phi = phase * .pi / 180 + rate * tau
            return DroneState(position: SIMD3(c.x + radius * sin(phi), c.y + radius * cos(phi), h),
                              velocity: SIMD3(radius * rate * cos(phi), -radius * rate * sin(phi), 0))

        case .hover(let at, let sway):
            let c = point(at)
            let (wx, wy, wz) = (2 * Double.pi / 37, 2 * Double.pi / 53, 2 * Double.pi / 29)
            return DroneState(position: SIMD3(c.x + sway * sin(wx * tau), c.y + sway * sin(wy * tau), h + 0.5 * sin(wz * tau)),
                              velocity: SIMD3(sway * wx * cos(wx * tau), sway * wy * cos(wy * tau), 0.5 * wz * cos(wz * tau)))

        case .popup(let start, let target, let low, let popupDistance, let climbRate):
            let (s, u) = line(start, target)
            let p = s + u * (v * tau)
            let total = ((point(target) - s) * (point(target) - s)).sum().squareRoot()
            let climbStart = max(0, (total - popupDistance) / v)
            let climbEnd = climbStart + max(0, h - low) / climbRate
            let (z, vz): (Double, Double) = tau < climbStart ? (low, 0)
                : tau < climbEnd ? (low + climbRate * (tau - climbStart), climbRate) : (max(h, low), 0)
            return DroneState(position: SIMD3(p.x, p.y, z), velocity: SIMD3(u.x * v, u.y * v, vz))

        case .zigzag(let start, let target, let weaveAngle, let legSeconds):
            let (s, u) = line(start, target)
            let right = SIMD2(u.y, -u.x)
            let theta = weaveAngle * .pi / 180
            let forward = v * cos(theta), sideways = v * sin(theta)
            let leg = (tau / legSeconds).rounded(.down)
            let within = tau - leg * legSeconds
            let outbound = Int(leg) % 2 == 0
            // A triangle wave across the line, centred on it.
            let lateral = sideways * ((outbound ? within : legSeconds - within) - legSeconds / 2)
            let p = s + u * (forward * tau) + right * lateral
            let lateralVelocity = right * (outbound ? sideways : -sideways)
            return DroneState(position: SIMD3(p.x, p.y, h),
                              velocity: SIMD3(u.x * forward + lateralVelocity.x, u.y * forward + lateralVelocity.y, 0))

        case .agile:
            // The last segment that has begun (the first starts at take-off).
            var low = 0, high = segments.count - 1
            while low < high {
                let mid = (low + high + 1) / 2
                if segments[mid].start <= tau { low = mid } else { high = mid - 1 }
            }
            return segments[low].state(after: tau - segments[low].start)
        }
    }

    private func point(_ p: SitePoint) -> SIMD2<Double> { p.enu }

    /// The start point and the unit vector from start to target.
    private func line(_ start: SitePoint, _ target: SitePoint) -> (SIMD2<Double>, SIMD2<Double>) {
        let s = point(start), d = point(target) - s
        let n = (d * d).sum().squareRoot()
        return (s, n > 0 ? d / n : SIMD2(0, 1))
    }
}

extension SitePoint {
    /// East and north of the site origin, metres.
    var enu: SIMD2<Double> {
        let b = bearing * .pi / 180
        return SIMD2(distance * sin(b), distance * cos(b))
    }
}

/// One stretch of an agile drone's flight, in closed form: straight with a constant acceleration along
/// its heading, or a coordinated turn at constant speed and rate; either with a constant climb rate.
struct ManoeuvreSegment: Hashable, Sendable {
    /// Seconds after take-off when it begins.
    var start: Double
    var position: SIMD2<Double>
    var height: Double
    /// Compass heading at the start, radians (clockwise from north).
    var heading: Double
    var speed: Double
    /// Along-track acceleration, m/s² (straight segments only).
    var acceleration = 0.0
    /// Turn rate, radians per second, positive clockwise (0: straight).
    var turnRate = 0.0
    /// Climb rate, m/s.
    var climb = 0.0

    /// The state `dt` seconds after the segment's start.
    func state(after dt: Double) -> DroneState {
        let z = height + climb * dt
        if turnRate == 0 {
            let u = SIMD2(sin(heading), cos(heading))
            let along = speed * dt + 0.5 * acceleration * dt * dt
            let p = position + u * along
            let v = u * (speed + acceleration * dt)
            return DroneState(position: SIMD3(p.x, p.y, z), velocity: SIMD3(v.x, v.y, climb))
        }
        // dp/dt = v (sin ψ, cos ψ), ψ = ψ₀ + ω t: p = p₀ + (v/ω)(cos ψ₀ − cos ψ, sin ψ − sin ψ₀).
        let psi = heading + turnRate * dt
        let r = speed / turnRate
        let p = position + SIMD2(r * (cos(heading) - cos(psi)), r * (sin(psi) - sin(heading)))
        return DroneState(position: SIMD3(p.x, p.y, z), velocity: SIMD3(speed * sin(psi), speed * cos(psi), climb))
    }

    /// The heading at `dt`, radians.
    func heading(after dt: Double) -> Double { heading + turnRate * dt }

    /// A sequence of manoeuvres filling `seconds`: from a point `0.8 radius` out from `center` at
    /// `startBearing`, heading for the centre, legs of 1 to 3 s at `cruise` between manoeuvres drawn
    /// from `random`: a hard turn (35 %; 90° to 240° at a rate drawn from `turnRate`, towards the
    /// centre when past half the radius), a sprint (20 %; to `sprint` over 2.5 s, held 2 to 4 s, and back),
    /// a stop to hover (20 %; to a standstill in 2 s, 2 to 5 s still, and back to speed in 2 s), or a
    /// diving turn (25 %; half a turn at 30 to 60 °/s, descending then climbing back, never below 20 m).
    /// A sprint or a straight leg that would leave the area turns back first.
    static func agile(center: SitePoint, radius: Double, cruise: Double, sprint: Double, turnRate: ClosedRange<Double>,
                      altitude: Double, startBearing: Double, seconds: Double,
                      random: inout SimulationRandom) -> [ManoeuvreSegment] {
        let c = center.enu
        let b = startBearing * .pi / 180
        let startPoint = c + SIMD2(sin(b), cos(b)) * (0.8 * radius)
        let toCentre = c - startPoint
        var current = ManoeuvreSegment(start: 0, position: startPoint, height: altitude, heading: atan2(toCentre.x, toCentre.y),
                                       speed: cruise)
        var segments: [ManoeuvreSegment] = []
        var t = 0.0
        /// Ends the current segment after `duration`, and begins the next with its end state changed by `change`.
        func append(_ duration: Double, _ change: (inout ManoeuvreSegment) -> Void) {
            segments.append(current)
            let end = current.state(after: duration)
            var next = ManoeuvreSegment(start: t + duration, position: SIMD2(end.position.x, end.position.y), height: end.position.z,
                                        heading: current.heading(after: duration),
                                        speed: (SIMD2(end.velocity.x, end.velocity.y) * SIMD2(end.velocity.x, end.velocity.y)).sum().squareRoot(),
                                        acceleration: 0, turnRate: 0, climb: 0)
            // A standstill keeps its heading (the velocity has none).
            if next.speed < 1e-9 { next.speed = 0 }
            change(&next)
            t += duration
            current = next
        }
        /// Whether the drone is far out, and the turn direction (+1 clockwise) that points it home.
        func homeward() -> (far: Bool, side: Double, away: Bool) {
            let p = current.position, d = c - p
            let distance = (d * d).sum().squareRoot()
            let u = SIMD2(sin(current.heading), cos(current.heading))
            let cross = u.x * d.y - u.y * d.x   // > 0: the centre is to the left (anticlockwise)
            return (distance > 0.5 * radius, cross > 0 ? -1 : 1, (u * d).sum() < 0)
        }
        func turn(degrees: Double, rate: Double, side: Double, climb: Double = 0) {
            let omega = side * rate * .pi / 180
            current.turnRate = omega
            current.climb = climb
            append(degrees / rate) { _ in }
        }
        while t < seconds {
            // A straight leg at cruise speed, unless it would carry the drone out of the area.
            let home = homeward()
            if home.far && home.away {
                turn(degrees: random.uniform(120...200), rate: random.uniform(turnRate), side: home.side)
                continue
            }
            append(random.uniform(1...3)) { _ in }
            let draw = random.uniform(0...1)
            let now = homeward()
            if draw < 0.35 {
                let side = now.far ? now.side : (random.uniform(0...1) < 0.5 ? -1 : 1)
                turn(degrees: random.uniform(90...240), rate: random.uniform(turnRate), side: side)
            } else if draw < 0.55 {
                if now.far && now.away { continue }
                current.acceleration = (sprint - current.speed) / 2.5
                append(2.5) { _ in }
                append(random.uniform(2...4)) { $0.acceleration = 0 }
                current.acceleration = (cruise - current.speed) / 2.5
                append(2.5) { _ in }
            } else if draw < 0.75 {
                current.acceleration = -current.speed / 2
                append(2) { _ in }
                append(random.uniform(2...5)) { $0.speed = 0 }
                current.acceleration = cruise / 2
                append(2) { _ in }
            } else {
                let rate = random.uniform(30...60)
                let half = 90 / rate
                let descent = min(6, max(0, current.height - 20) / half)
                let side = now.far ? now.side : (random.uniform(0...1) < 0.5 ? -1 : 1)
                turn(degrees: 90, rate: rate, side: side, climb: -descent)
                turn(degrees: 90, rate: rate, side: side, climb: descent)
            }
        }
        segments.append(current)
        return segments
    }
}
