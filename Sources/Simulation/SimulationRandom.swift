// Seeded, platform-independent random streams: one per drone and per sensor.
import Foundation

/// A seeded xoshiro256** generator (Blackman & Vigna 2018), seeded through SplitMix64.
///
/// Each drone and each sensor draws from its own stream, derived from the scenario seed and the
/// stream's name, so adding a sensor never changes a drone's flight and vice versa. The algorithms
/// are fixed here (not the standard library's unspecified ones), so a seed means the same numbers
/// on every platform and Swift version.
public struct SimulationRandom: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    /// The stream `name` of scenario seed `seed`.
    public init(seed: UInt64, stream name: String) {
        // FNV-1a of the name, mixed with the seed, then SplitMix64 to fill the state.
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        for byte in name.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01B3 }
        var x = seed ^ hash
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (splitMix(), splitMix(), splitMix(), splitMix())
    }

    /// The next 64 random bits (xoshiro256**).
    public mutating func next() -> UInt64 {
        let result = rotl(s.1 &* 5, 7) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = rotl(s.3, 45)
        return result
    }

    private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1), from the top 53 bits.
    public mutating func unit() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in `range`.
    public mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        range.lowerBound + (range.upperBound - range.lowerBound) * unit()
    }

    /// Standard normal, by the Box–Muller transform (one value per call, for a fixed draw count).
    public mutating func gaussian() -> Double {
        let u1 = 1 - unit()   // (0, 1]: log is finite
        let u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * .pi * u2)
    }

    /// Poisson with mean `mean`: Knuth's product method below 500, a rounded normal above.
    public mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        if mean > 500 { return max(0, Int((mean + mean.squareRoot() * gaussian()).rounded())) }
        let limit = exp(-mean)
        var k = 0
        var p = unit()
        while p > limit {
            k += 1
            p *= unit()
        }
        return k
    }

    /// A deterministic Fisher–Yates shuffle.
    public mutating func shuffle<T>(_ items: inout [T]) {
        guard items.count > 1 else { return }
        for i in stride(from: items.count - 1, to: 0, by: -1) {
            let j = Int(next() % UInt64(i + 1))
            items.swapAt(i, j)
        }
    }
}
