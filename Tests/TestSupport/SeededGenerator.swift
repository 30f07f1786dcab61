// A tiny seeded random generator for tests: the same seed gives the same inputs on every run.

/// SplitMix64 (Steele, Lea and Flood 2014): seeded, fast, and fixed here, so a test's random inputs
/// never change with the standard library's generator.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    public var state: UInt64

    /// A generator starting from `seed`.
    public init(state seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
