// JSON numbers read in one pass: the grammar checked, integers exact, decimals exact without strtod where one IEEE operation can do it.

/// A JSON number token, read once: where it ends, and its value as a decimal significand and power of ten.
struct JSONNumber {
    /// Where the token starts, and the index just past it.
    var start: Int, end: Int
    /// The significant digits (leading zeros dropped), when there are at most 19 of them.
    var significand: UInt64 = 0
    /// The power of ten the significand is multiplied by.
    var exponent = 0
    var negative = false
    /// No fraction and no exponent: an integer as written.
    var integral = true
    /// More than 19 significant digits, or an exponent literal past 9999: only `strtod` can say.
    var tooLong = false

    /// Reads the number token starting at `start`, checking JSON's grammar
    /// (`-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`); `nil` when it is not one.
    static func scan(_ bytes: UnsafeRawBufferPointer, from start: Int) -> JSONNumber? {
        var n = JSONNumber(start: start, end: start)
        var i = start
        let count = bytes.count
        @inline(__always) func digit(_ k: Int) -> UInt8? {
            guard k < count else { return nil }
            let d = bytes[k] &- 0x30
            return d < 10 ? d : nil
        }
        @inline(__always) func take(_ d: UInt8) {
            guard n.significand != 0 || d != 0 else { return }      // a leading zero is not significant
            if n.significand >= 1_000_000_000_000_000_000 { n.tooLong = true; return }   // a 20th digit
            n.significand = n.significand * 10 + UInt64(d)
        }
        if i < count, bytes[i] == UInt8(ascii: "-") {
            n.negative = true
            i += 1
        }
        guard let first = digit(i) else { return nil }
        i += 1
        if first == 0 {
            if digit(i) != nil { return nil }     // no leading zeros
        } else {
            take(first)
            while let d = digit(i) {
                take(d)
                i += 1
            }
        }
        if i < count, bytes[i] == UInt8(ascii: ".") {
            n.integral = false
            i += 1
            guard digit(i) != nil else { return nil }
            while let d = digit(i) {
                take(d)
                n.exponent -= 1
                i += 1
            }
        }
        if i < count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            n.integral = false
            i += 1
            var exponentNegative = false
            if i < count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") {
                exponentNegative = bytes[i] == UInt8(ascii: "-")
                i += 1
            }
            guard digit(i) != nil else { return nil }
            var value = 0
            while let d = digit(i) {
                if value > 9999 { n.tooLong = true } else { value = value * 10 + Int(d) }
                i += 1
            }
            n.exponent += exponentNegative ? -value : value
        }
        n.end = i
        return n
    }

    /// The integer written, when it is one and fits in an `Int64`.
    var integer: Int64? {
        guard integral, !tooLong else { return nil }
        if negative { return significand <= UInt64(Int64.max) + 1 ? Int64(truncatingIfNeeded: 0 &- significand) : nil }
        return significand <= UInt64(Int64.max) ? Int64(significand) : nil
    }

    /// The nearest double, when one IEEE operation gives it exactly; `nil` when only `strtod` can.
    ///
    /// Clinger's fast path (W. D. Clinger, "How to Read Floating Point Numbers Accurately", PLDI 1990):
    /// when the significand `w` fits in 53 bits and the power of ten `e` lies in −22…22, both `w` and
    /// `10^|e|` are exact doubles, so `w × 10^e` (or `w ÷ 10^−e`) is one correctly rounded operation:
    /// the double a correctly rounded `strtod` gives. Telemetry's numbers (`1007.5`, `37.512345`,
    /// `-12.25e1`) nearly all qualify; more than 19 significant digits, a significand past 2^53 or a
    /// far exponent do not.
    var exactDouble: Double? {
        if tooLong { return nil }
        if significand == 0 { return negative ? -0.0 : 0.0 }
        guard significand <= 1 << 53, exponent >= -22, exponent <= 22 else { return nil }
        let w = Double(significand)
        let magnitude = exponent >= 0 ? w * Self.powersOfTen[exponent] : w / Self.powersOfTen[-exponent]
        return negative ? -magnitude : magnitude
    }

    /// 10^0 … 10^22, each exact in a double.
    private static let powersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { x, _ in x * 10 } }
}
