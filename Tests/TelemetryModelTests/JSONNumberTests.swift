// JSON numbers read in one pass: the exact decimal path gives strtod's double, bit for bit, wherever it answers.
import Testing
@testable import TelemetryModel
import Foundation
import TestSupport

@Suite("JSON numbers: exact decimal conversion against strtod, integers, grammar")
struct DecimalParsingTests {
    /// What the fast path says of `text`, and what the C library's correctly rounded strtod says.
    func both(_ text: String) -> (fast: Double?, reference: Double) {
        let fast = Array(text.utf8).withUnsafeBytes { bytes in
            JSONNumber.scan(bytes, from: 0).flatMap { $0.end == bytes.count ? $0.exactDouble : nil }
        }
        return (fast, strtod(text, nil))
    }

    @Test("Telemetry's numbers take the fast path and equal strtod", arguments: [
        "0", "-0", "1", "-1", "1007.5", "25.25", "2.5", "0.1", "0.2", "0.3", "37.512345678", "-126.987654321",
        "1748736016.25", "1748736016.123456", "-12.5e1", "1e22", "9007199254740992", "0.000123", "123.456E-5", "5e-22",
    ])
    func typical(text: String) {
        let (fast, reference) = both(text)
        #expect(fast?.bitPattern == reference.bitPattern, "\(text)")
    }

    @Test("Beyond 19 digits, 2^53 or 10^±22 the fast path declines", arguments: [
        "9007199254740993", "12345678901234567890", "1.0000000000000000000001", "1e23", "1e-23", "4.9e-324",
        "1.7976931348623157e308", "1e99999",
    ])
    func declines(text: String) {
        #expect(both(text).fast == nil, "\(text)")
    }

    @Test("Seeded random decimals: wherever the fast path answers it equals strtod bit for bit", arguments: [UInt64(1), 2, 3])
    func random(seed: UInt64) {
        var rng = SeededGenerator(state: seed)
        var answered = 0
        for _ in 0..<20_000 {
            let integerDigits = Int(rng.next() % 12), fractionDigits = Int(rng.next() % 12)
            var text = rng.next() % 2 == 0 ? "-" : ""
            text += integerDigits == 0 ? "0" : String(1 + rng.next() % 9) + (0..<integerDigits).map { _ in String(rng.next() % 10) }.joined()
            if fractionDigits > 0 { text += "." + (0..<fractionDigits).map { _ in String(rng.next() % 10) }.joined() }
            if rng.next() % 4 == 0 { text += "e" + (rng.next() % 2 == 0 ? "-" : "") + String(rng.next() % 30) }
            let (fast, reference) = both(text)
            if let fast {
                answered += 1
                #expect(fast.bitPattern == reference.bitPattern, "\(text)")
            }
        }
        #expect(answered > 5_000)
    }

    @Test("Integers exact to Int64's ends; past them, or with a fraction or exponent, none")
    func integers() {
        func integer(_ text: String) -> Int64? {
            Array(text.utf8).withUnsafeBytes { JSONNumber.scan($0, from: 0)?.integer }
        }
        #expect(integer("0") == 0)
        #expect(integer("-0") == 0)
        #expect(integer("1748736016123456789") == 1_748_736_016_123_456_789)
        #expect(integer("9223372036854775807") == .max)
        #expect(integer("-9223372036854775808") == .min)
        #expect(integer("9223372036854775808") == nil)
        #expect(integer("-9223372036854775809") == nil)
        #expect(integer("12345678901234567890") == nil)
        #expect(integer("1.0") == nil)
        #expect(integer("1e2") == nil)
    }

    @Test("The grammar: leading zeros, a bare point, a bare exponent are refused; the token ends where it should",
          arguments: [("01", nil), ("-", nil), ("1.", nil), (".5", nil), ("1e", nil), ("1e+", nil), ("-01.5", nil),
                      ("0.5,", 3), ("12]", 2), ("-3e-2}", 5), ("7", 1)] as [(String, Int?)])
    func grammar(text: String, end: Int?) {
        #expect(Array(text.utf8).withUnsafeBytes { JSONNumber.scan($0, from: 0)?.end } == end)
    }
}
