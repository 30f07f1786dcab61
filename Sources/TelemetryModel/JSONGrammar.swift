// JSONGrammar: a payload checked against the JSON grammar (RFC 8259) and UTF-8 in one pass.

/// Where and how a payload breaks the JSON grammar.
struct JSONGrammarViolation: Hashable, Sendable, CustomStringConvertible {
    /// The byte offset of the fault.
    var offset: Int
    /// What is wrong there.
    var problem: String

    var description: String { "\(problem) at byte \(offset)" }
}

/// Checks a payload against the JSON grammar of RFC 8259, §2–§8, and the well-formedness of its
/// UTF-8 (Unicode, Table 3-7), without building anything.
///
/// Foundation's `JSONDecoder` checks a value only when it reads it. In a field it skips (an unknown
/// field, or one nested in an unknown object) it accepts a number with a leading zero (`012`), a
/// number cut short (`1.`, `-`), an unescaped control character, a bad escape and invalid UTF-8. The
/// `Decodable` path runs this check first, so such a payload is `malformed_json` wherever the fault
/// is, as the grammar says, and not a record or `schema_invalid` depending on which field holds it.
///
/// Deliberately kept: a trailing comma before `}` or `]` (Foundation's parser tolerates it, and
/// docs/wire-formats.md has promised so), and a leading byte order mark (RFC 8259, §8.1: a parser
/// may ignore one). An escaped lone surrogate (`"\ud800"`) is grammatical (§8.2) and left to the
/// decoder. Nesting depth is not limited here; the decoder has its own limit.
///
/// - Complexity: O(n) in the payload's length; it allocates only a stack of open containers.
enum JSONGrammar {
    private enum Expecting { case value, key, afterValue }

    /// The first place `bytes` breaks the grammar; `nil` when it is one well-formed JSON text.
    static func violation(in bytes: UnsafeRawBufferPointer) -> JSONGrammarViolation? {
        var i = 0
        let n = bytes.count
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        var open: [UInt8] = []   // `{` or `[` of each container not yet closed
        var expecting = Expecting.value

        func skipSpace() {
            while i < n, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
        }
        func unexpected(_ what: String) -> JSONGrammarViolation {
            guard i < n else { return JSONGrammarViolation(offset: i, problem: "the text ends where \(what) is expected") }
            return JSONGrammarViolation(offset: i, problem: "byte 0x\(String(bytes[i], radix: 16)) where \(what) is expected")
        }

        while true {
            skipSpace()
            switch expecting {
            case .value:
                guard i < n else { return unexpected("a value") }
                switch bytes[i] {
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    let opener = bytes[i]
                    i += 1
                    skipSpace()
                    if i < n, bytes[i] == opener + 2 {   // `}` is `{` + 2, `]` is `[` + 2
                        i += 1
                        expecting = .afterValue
                    } else {
                        open.append(opener)
                        expecting = opener == UInt8(ascii: "{") ? .key : .value
                    }
                case UInt8(ascii: "\""):
                    if let violation = string(bytes, &i) { return violation }
                    expecting = .afterValue
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    if let violation = number(bytes, &i) { return violation }
                    expecting = .afterValue
                case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                    guard literal(bytes, &i) else { return JSONGrammarViolation(offset: i, problem: "not true, false or null") }
                    expecting = .afterValue
                default:
                    return unexpected("a value")
                }
            case .key:
                guard i < n, bytes[i] == UInt8(ascii: "\"") else { return unexpected("a key (a string)") }
                if let violation = string(bytes, &i) { return violation }
                skipSpace()
                guard i < n, bytes[i] == UInt8(ascii: ":") else { return unexpected("':'") }
                i += 1
                expecting = .value
            case .afterValue:
                guard let container = open.last else {
                    return i == n ? nil : JSONGrammarViolation(offset: i, problem: "text after the JSON value")
                }
                let closer = container + 2
                guard i < n else { return unexpected("',' or '\(Character(Unicode.Scalar(closer)))'") }
                if bytes[i] == closer {
                    i += 1
                    open.removeLast()
                } else if bytes[i] == UInt8(ascii: ",") {
                    i += 1
                    skipSpace()
                    if i < n, bytes[i] == closer {   // the tolerated trailing comma
                        i += 1
                        open.removeLast()
                    } else {
                        expecting = container == UInt8(ascii: "{") ? .key : .value
                    }
                } else {
                    return unexpected("',' or '\(Character(Unicode.Scalar(closer)))'")
                }
            }
        }
    }

    /// A string from its opening quote: escapes, no control characters, well-formed UTF-8.
    private static func string(_ bytes: UnsafeRawBufferPointer, _ i: inout Int) -> JSONGrammarViolation? {
        let n = bytes.count
        i += 1
        while i < n {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "\""):
                i += 1
                return nil
            case UInt8(ascii: "\\"):
                guard i + 1 < n else { return JSONGrammarViolation(offset: i, problem: "the text ends inside an escape") }
                switch bytes[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard i + 5 < n, (2...5).allSatisfy({ isHexDigit(bytes[i + $0]) }) else {
                        return JSONGrammarViolation(offset: i, problem: "a \\u escape without four hex digits")
                    }
                    i += 6
                default:
                    return JSONGrammarViolation(offset: i, problem: "an invalid escape")
                }
            case 0x00..<0x20:
                return JSONGrammarViolation(offset: i, problem: "an unescaped control character in a string")
            case 0x20..<0x80:
                i += 1
            default:
                let length = utf8SequenceLength(bytes, at: i)
                guard length > 0 else { return JSONGrammarViolation(offset: i, problem: "invalid UTF-8") }
                i += length
            }
        }
        return JSONGrammarViolation(offset: i, problem: "the text ends inside a string")
    }

    /// The length of the well-formed UTF-8 sequence of two to four bytes at `i`, or 0 (Unicode, Table
    /// 3-7: no overlong forms, no surrogates, nothing above U+10FFFF, no stray continuation bytes).
    private static func utf8SequenceLength(_ bytes: UnsafeRawBufferPointer, at i: Int) -> Int {
        let n = bytes.count
        func continuation(_ k: Int, _ range: ClosedRange<UInt8> = 0x80...0xBF) -> Bool { k < n && range.contains(bytes[k]) }
        let lead = bytes[i]
        switch lead {
        case 0xC2...0xDF: return continuation(i + 1) ? 2 : 0
        case 0xE0: return continuation(i + 1, 0xA0...0xBF) && continuation(i + 2) ? 3 : 0
        case 0xE1...0xEC, 0xEE...0xEF: return continuation(i + 1) && continuation(i + 2) ? 3 : 0
        case 0xED: return continuation(i + 1, 0x80...0x9F) && continuation(i + 2) ? 3 : 0
        case 0xF0: return continuation(i + 1, 0x90...0xBF) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
        case 0xF1...0xF3: return continuation(i + 1) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
        case 0xF4: return continuation(i + 1, 0x80...0x8F) && continuation(i + 2) && continuation(i + 3) ? 4 : 0
        default: return 0
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private static func number(_ bytes: UnsafeRawBufferPointer, _ i: inout Int) -> JSONGrammarViolation? {
        let n = bytes.count
        let start = i
        func isDigit(_ k: Int) -> Bool { k < n && bytes[k] >= UInt8(ascii: "0") && bytes[k] <= UInt8(ascii: "9") }
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else { return JSONGrammarViolation(offset: start, problem: "a number without digits") }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if isDigit(i) { return JSONGrammarViolation(offset: start, problem: "a number with a leading zero") }
        } else {
            while isDigit(i) { i += 1 }
        }
        if i < n, bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { return JSONGrammarViolation(offset: start, problem: "a number without digits after its '.'") }
            while isDigit(i) { i += 1 }
        }
        if i < n, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < n, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { return JSONGrammarViolation(offset: start, problem: "a number without digits in its exponent") }
            while isDigit(i) { i += 1 }
        }
        return nil
    }

    private static func literal(_ bytes: UnsafeRawBufferPointer, _ i: inout Int) -> Bool {
        for word in ["true", "false", "null"] as [StaticString] {
            let count = word.utf8CodeUnitCount
            guard bytes.count - i >= count else { continue }
            if (0..<count).allSatisfy({ bytes[i + $0] == word.utf8Start[$0] }) {
                i += count
                return true
            }
        }
        return false
    }

    private static func isHexDigit(_ b: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b)
            || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(b)
    }
}
