// Fixed, locale-free number formatting, so that a report renders to the same bytes everywhere.
import Foundation

/// How every number in the HTML and Markdown reports is written.
///
/// A figure shows four significant digits, in fixed notation with at most six decimals (`0.9340`,
/// `12.35`, `1235`, `0.000120`), and its interval bounds use the value's number of decimals so
/// they line up. Magnitudes of 10^9 and more, or below 10^-6, use `%.3e`. Non-finite values print as
/// `NaN`, `+∞`, `−∞`. Formatting goes through C's `printf` in the POSIX locale (correctly rounded);
/// negative zero prints as zero.
enum ReportNumberFormat {
    /// The number of decimals that gives `v` four significant digits, between 0 and 6.
    static func decimals(for v: Double) -> Int {
        guard v.isFinite, v != 0 else { return 0 }
        let magnitude = Int((abs(v)).log10Floor)
        return min(6, max(0, 3 - magnitude))
    }

    /// `v` with `decimals` decimals, or in exponent form when it is huge or tiny.
    static func fixed(_ v: Double, decimals: Int) -> String {
        if v.isNaN { return "NaN" }
        if v.isInfinite { return v > 0 ? "+∞" : "−∞" }
        if v != 0 && (abs(v) >= 1e9 || abs(v) < 1e-6) { return String(format: "%.3e", v) }
        let text = String(format: "%.\(max(0, min(decimals, 9)))f", v)
        return text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) ? String(text.dropFirst()) : text
    }

    /// `v` with four significant digits.
    static func figure(_ v: Double) -> String { fixed(v, decimals: decimals(for: v)) }

    /// A count: an integer when `v` is whole, otherwise four significant digits.
    static func count(_ v: Double) -> String {
        if v.isFinite, v == v.rounded(), abs(v) < 1e15 { return fixed(v, decimals: 0) }
        return figure(v)
    }

    /// `v` in the fewest decimals (up to six) that read back as `v`: `0.9`, `2000`, `0.95`; a limit as written in a plan.
    static func plain(_ v: Double) -> String {
        for decimals in 0...6 {
            let text = fixed(v, decimals: decimals)
            if let back = Double(text), back == v { return text }
        }
        return figure(v)
    }

    /// A confidence level as a percentage: `0.95` → `95 %`, `0.999` → `99.9 %`.
    static func percent(_ level: Double) -> String {
        let p = level * 100
        for decimals in 0...3 {
            let text = fixed(p, decimals: decimals)
            if let back = Double(text), abs(back - p) < 1e-9 { return text + " %" }
        }
        return fixed(p, decimals: 3) + " %"
    }

    /// A coordinate in an SVG: two decimals, no exponent.
    static func svg(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let text = String(format: "%.2f", v)
        return text == "-0.00" ? "0.00" : text
    }

    /// An axis tick label: as many decimals as the tick step needs.
    static func tick(_ v: Double, step: Double) -> String {
        let decimals = step >= 1 ? 0 : min(6, Int((-log10(step)).rounded(.up)))
        return fixed(abs(v) < step * 1e-9 ? 0 : v, decimals: decimals)
    }
}

extension Double {
    /// ⌊log10(self)⌋, exact at powers of ten.
    fileprivate var log10Floor: Double {
        var e = Foundation.floor(Foundation.log10(self))
        if Foundation.pow(10, e) > self { e -= 1 }
        if Foundation.pow(10, e + 1) <= self { e += 1 }
        return e
    }
}
