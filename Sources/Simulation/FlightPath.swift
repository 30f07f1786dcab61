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

    /// Resolves `drone`'s profile, drawing its speed, altitude and phase from its stream of `seed`
    /// (a swarm member draws from its leader's stream, so the formation flies as one).
    public init(drone: DroneSpec, seed: UInt64) {
        self.drone = drone
        var random = SimulationRandom(seed: seed, stream: "drone:" + (drone.formationStream ?? drone.id))
        speed = random.uniform(drone.speed)
        altitude = random.uniform(drone.altitude)
        phase = random.uniform(0...360)
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
        }
    }

    private func point(_ p: SitePoint) -> SIMD2<Double> {
        let b = p.bearing * .pi / 180
        return SIMD2(p.distance * sin(b), p.distance * cos(b))
    }

    /// The start point and the unit vector from start to target.
    private func line(_ start: SitePoint, _ target: SitePoint) -> (SIMD2<Double>, SIMD2<Double>) {
        let s = point(start), d = point(target) - s
        let n = (d * d).sum().squareRoot()
        return (s, n > 0 ? d / n : SIMD2(0, 1))
    }
}
