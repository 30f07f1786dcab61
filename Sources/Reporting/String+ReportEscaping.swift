// Escaping of untrusted text for HTML (and the SVG inside it) and for Markdown.

extension String {
    /// The text safe inside HTML and SVG element content and double- or single-quoted attributes:
    /// `& < > " '` become entities, and control characters other than tab and newline are dropped.
    var htmlEscaped: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n": out.unicodeScalars.append(scalar)
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The text safe as inline Markdown (CommonMark and GFM tables): ASCII punctuation that could start
    /// markup is backslash-escaped, `<`, `>` and `&` (which would pass through as HTML) become entities,
    /// and line breaks become spaces so a table row stays on one line.
    var markdownEscaped: String {
        var out = ""
        out.reserveCapacity(utf8.count)
        for scalar in unicodeScalars {
            switch scalar {
            case "\\", "`", "*", "_", "[", "]", "|", "~", "#", "!": out += "\\"; out.unicodeScalars.append(scalar)
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "&": out += "&amp;"
            case "\n", "\r", "\t": out += " "
            default:
                if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Whether the text is non-empty lowercase or uppercase hexadecimal (a hash).
    var isHexadecimal: Bool {
        !isEmpty && unicodeScalars.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) || ("A"..."F").contains($0) }
    }
}
