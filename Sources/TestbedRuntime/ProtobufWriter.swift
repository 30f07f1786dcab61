// The protobuf wire format, written by hand for the one message Haechi writes without generated code.

/// Just enough of the protobuf wire format to write a `TakMessage`: varints, doubles, strings and
/// nested messages, by field number. (A generated message type would need the TAK project's .proto
/// files in this repository.)
struct ProtobufWriter {
    private(set) var bytes: [UInt8] = []

    static func appendVarint(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    private mutating func key(_ field: Int, _ wireType: UInt64) { Self.appendVarint(UInt64(field) << 3 | wireType, to: &bytes) }

    mutating func varint(_ field: Int, _ value: UInt64) {
        key(field, 0)
        Self.appendVarint(value, to: &bytes)
    }

    mutating func double(_ field: Int, _ value: Double) {
        key(field, 1)
        withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func string(_ field: Int, _ value: String) { lengthDelimited(field, Array(value.utf8)) }

    mutating func message(_ field: Int, _ value: ProtobufWriter) { lengthDelimited(field, value.bytes) }

    private mutating func lengthDelimited(_ field: Int, _ value: [UInt8]) {
        key(field, 2)
        Self.appendVarint(UInt64(value.count), to: &bytes)
        bytes.append(contentsOf: value)
    }
}
