// Builds one JSON object as text, field by field, in a fixed order with fixed number formatting.

/// Writes a JSON object whose bytes depend only on its values: fields in the order added, numbers
/// in Swift's shortest round-trip form after rounding to a fixed number of decimals. So a seeded
/// run writes a byte-identical file every time. The layout (`", "` and `": "`) is Python's
/// `json.dumps` default, as in `cuas-scenario/1` files.
public struct JSONObjectWriter: Sendable {
    private var text = "{"
    private var empty = true

    /// An empty object.
    public init() {}

    private mutating func key(_ name: String) {
        text += empty ? "\"" : ", \""
        text += name
        text += "\": "
        empty = false
    }

    /// Adds a string field.
    public mutating func field(_ name: String, _ value: String) {
        key(name)
        Self.appendString(value, to: &text)
    }

    /// Adds an integer field.
    public mutating func field(_ name: String, _ value: some BinaryInteger) {
        key(name)
        text += String(value)
    }

    /// Adds a number field, rounded to `decimals` places (nil: as is).
    public mutating func field(_ name: String, _ value: Double, decimals: Int? = nil) {
        key(name)
        text += Self.number(value, decimals: decimals)
    }

    /// Adds an array of numbers, each rounded to `decimals` places.
    public mutating func field(_ name: String, _ values: [Double], decimals: Int? = nil) {
        key(name)
        text += "[" + values.map { Self.number($0, decimals: decimals) }.joined(separator: ", ") + "]"
    }

    /// Adds a boolean field.
    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        text += value ? "true" : "false"
    }

    /// Adds a field holding `null`.
    public mutating func null(_ name: String) {
        key(name)
        text += "null"
    }

    /// Adds a field holding an already-written JSON value (an object from another writer).
    public mutating func raw(_ name: String, json: String) {
        key(name)
        text += json
    }

    /// The object's text.
    public var json: String { text + "}" }

    /// A finite number in the shortest form that reads back exactly; non-finite numbers (which JSON
    /// cannot hold) are written as `null`.
    public static func number(_ value: Double, decimals: Int? = nil) -> String {
        guard value.isFinite else { return "null" }
        var v = value
        if let decimals {
            let scale = pow10(decimals)
            v = (v * scale).rounded() / scale
        }
        if v == 0 { v = 0 }   // no "-0.0"
        return v.description
    }

    private static func pow10(_ n: Int) -> Double {
        var p = 1.0
        for _ in 0..<n { p *= 10 }
        return p
    }

    static func appendString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            case "\r": text += "\\r"
            case "\t": text += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }
}
