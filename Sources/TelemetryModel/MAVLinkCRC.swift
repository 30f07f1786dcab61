// CRC-16/MCRF4XX ("X.25" in the MAVLink docs), the checksum of every MAVLink frame.

/// The MAVLink frame checksum: CRC-16/MCRF4XX, polynomial 0x1021 reflected, initial value 0xFFFF.
///
/// MAVLink computes it over the frame after the start marker (header and payload, as sent) and then
/// the message's CRC_EXTRA byte, which ties the checksum to the message's field layout.
public struct MAVLinkCRC: Sendable {
    /// The checksum so far.
    public private(set) var value: UInt16 = 0xFFFF

    /// A checksum at its initial value.
    public init() {}

    /// Feeds one byte (the byte-wise form of the algorithm from the MAVLink C library's `checksum.h`).
    public mutating func accumulate(_ byte: UInt8) {
        var tmp = byte ^ UInt8(truncatingIfNeeded: value)
        tmp ^= tmp << 4
        let t = UInt16(tmp)
        value = (value >> 8) ^ (t << 8) ^ (t << 3) ^ (t >> 4)
    }

    /// Feeds every byte of `bytes`.
    public mutating func accumulate(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes { accumulate(byte) }
    }
}
