// Hexadecimal fixtures as bytes.

/// The bytes a string of hexadecimal digit pairs spells (`"fd01"` → `[0xFD, 0x01]`); a test fixture's
/// own text, so a malformed one traps.
public func bytes(hex: String) -> [UInt8] {
    var result: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
        let next = hex.index(index, offsetBy: 2)
        result.append(UInt8(hex[index..<next], radix: 16)!)
        index = next
    }
    return result
}
