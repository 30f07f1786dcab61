// The canonical JSON text that a report signature covers (RFC 8785 for strings, integers, arrays, objects).

/// A JSON value of the few kinds a signature manifest holds, written canonically: object members
/// sorted by their names' UTF-16 code units, no whitespace, strings escaped minimally (only `"`, `\`
/// and control characters, the short forms `\b \f \n \r \t` where they exist, else `\u00xx` in lower
/// case), everything else as raw UTF-8. For these kinds of values it is the JSON Canonicalization
/// Scheme (RFC 8785), and it equals Python's `json.dumps(v, sort_keys=True, separators=(",", ":"),
/// ensure_ascii=False)` for ASCII member names.
indirect enum CanonicalJSON {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case array([CanonicalJSON])
    case object([String: CanonicalJSON])

    /// The canonical text.
    var text: String {
        var out = ""
        write(to: &out)
        return out
    }

    private func write(to out: inout String) {
        switch self {
        case .string(let s): Self.writeString(s, to: &out)
        case .integer(let i): out += String(i)
        case .bool(let b): out += b ? "true" : "false"
        case .array(let values):
            out += "["
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                value.write(to: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            let names = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            for (index, name) in names.enumerated() {
                if index > 0 { out += "," }
                Self.writeString(name, to: &out)
                out += ":"
                members[name]!.write(to: &out)
            }
            out += "}"
        }
    }

    private static func writeString(_ s: String, to out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
