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

extension SapientIdentifier {
    private static let crockford = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// The ULID of `milliseconds` since the Unix epoch (48 bits) and 80 bits of `entropy` (a simulation
    /// passes a deterministic value, so that a seeded run sends the same ids every time).
    public static func ulid(milliseconds: UInt64, entropy: (high: UInt16, low: UInt64)) -> String {
        // 128 bits as (time: 48, entropy: 80), written 5 bits at a time from the top (130 bits, the first 2 zero).
        let hi = (milliseconds & 0xFFFF_FFFF_FFFF) << 16 | UInt64(entropy.high)
        let lo = entropy.low
        var characters: [UInt8] = []
        characters.reserveCapacity(26)
        for index in 0..<26 {
            let shift = 125 - 5 * index   // bit position of this character's lowest bit, counted from 0 at the bottom of 128
            var value: UInt64
            if shift >= 64 {
                value = hi >> UInt64(shift - 64)
            } else if shift > 59 {
                value = hi << UInt64(64 - shift) | lo >> UInt64(shift)
            } else {
                value = lo >> UInt64(shift)
            }
            characters.append(crockford[Int(value & 31)])
        }
        return String(decoding: characters, as: UTF8.self)
    }
}
