// The identifier formats BSI Flex 335 v2.0 requires: ULIDs for reports and objects, UUIDs for nodes.

/// Checks of the ICD's identifier formats, as Dstl's Apex middleware applies them.
public enum SapientIdentifier {
    /// A ULID (github.com/ulid/spec): 26 characters of Crockford's base 32 (upper case; no I, L, O, U),
    /// the first at most 7 so that the 130 bits fit 128.
    public static func isULID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 26, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(bytes[0]) else { return false }
        return bytes.allSatisfy { b in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b)
                || ((UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(b)
                    && b != UInt8(ascii: "I") && b != UInt8(ascii: "L") && b != UInt8(ascii: "O") && b != UInt8(ascii: "U"))
        }
    }

    /// A version 4 UUID (RFC 9562) in its canonical lower-case form, `xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`.
    public static func isUUIDv4(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (index, b) in bytes.enumerated() {
            switch index {
            case 8, 13, 18, 23:
                guard b == UInt8(ascii: "-") else { return false }
            case 14:
                guard b == UInt8(ascii: "4") else { return false }
            case 19:
                guard [UInt8(ascii: "8"), UInt8(ascii: "9"), UInt8(ascii: "a"), UInt8(ascii: "b")].contains(b) else { return false }
            default:
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(b) else {
                    return false
                }
            }
        }
        return true
    }
}
