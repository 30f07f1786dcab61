// The seeded random stream of the bootstrap: xoshiro256** seeded through SplitMix64, with unbiased indices.

/// A seeded xoshiro256** generator (Blackman & Vigna 2018, "Scrambled linear pseudorandom number
/// generators"), its state filled from the seed by SplitMix64 (Steele, Lea & Flood 2014).
///
/// The bootstrap draws from this fixed algorithm, not from the standard library's `random(in:)`,
/// whose algorithm is unspecified, so that a seed gives the same replicates on every platform and
/// Swift version. (Simulation has the same generator; Evaluation does not import Simulation.)
struct BootstrapRandom: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// The stream of `seed`.
    init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z &>> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// The next 64 random bits (xoshiro256**).
    mutating func next() -> UInt64 {
        let result = rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 &<< 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotateLeft(s3, 45)
        return result
    }

    /// A uniform index in 0..<`bound` (`bound` ≥ 1), without modulo bias: Lemire's multiply-shift with
    /// rejection (D. Lemire, "Fast random integer generation in an interval", ACM TOMACS 29(1), 2019).
    mutating func index(below bound: Int) -> Int {
        let range = UInt64(bound)
        var product = next().multipliedFullWidth(by: range)
        if product.low < range {
            let threshold = (0 &- range) % range
            while product.low < threshold {
                product = next().multipliedFullWidth(by: range)
            }
        }
        return Int(product.high)
    }

    /// Uniform in [0, 1), from the top 53 bits.
    mutating func unit() -> Double { Double(next() &>> 11) * 0x1.0p-53 }

    // Masking shifts (`&<<`, `&>>`): the same result here (0 < k < 64), without the generic "smart"
    // shift, which costs several times more in an unoptimised build.
    private func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 { (x &<< k) | (x &>> (64 &- k)) }
}
