// A first look at a SapientMessage without decoding it: who sent it and what it carries.

/// The sender and content kind of a serialized `SapientMessage`, read from its top-level fields only.
///
/// The receive thread names a frame's source by the node id (`sapient/<node-id>`) and answers a
/// Registration, so it needs these two facts for every message; decoding the whole message there
/// would decode it twice. The decode stage reads the message whole and judges it.
public struct SapientEnvelope: Equatable, Sendable {
    /// The content fields of BSI Flex 335 v2.0's `SapientMessage.content` one-of.
    public enum Content: Int, Sendable, CaseIterable {
        case registration = 4, registrationAck = 5, statusReport = 6, detectionReport = 7, task = 8, taskAck = 9
        case alert = 10, alertAck = 11, error = 12
    }

    /// `node_id` (field 2), when present and valid UTF-8.
    public var nodeID: String?
    /// The last content field present (a one-of keeps the last one on the wire).
    public var content: Content?

    /// Reads `bytes`; `nil` when they are not a well-formed protobuf message at the top level.
    public init?(_ bytes: UnsafeRawBufferPointer) {
        var reader = ProtobufWireReader(bytes)
        while !reader.isAtEnd {
            guard let (field, wireType) = reader.tag() else { return nil }
            switch wireType {
            case 0:
                guard reader.varint() != nil else { return nil }
            case 1:
                guard reader.skip(8) else { return nil }
            case 5:
                guard reader.skip(4) else { return nil }
            case 2:
                guard let value = reader.lengthDelimited() else { return nil }
                if field == 2 {
                    nodeID = String(validating: value, as: UTF8.self)
                } else if let kind = Content(rawValue: Int(field)) {
                    content = kind
                }
            default:
                return nil   // groups (3, 4) are not in proto3; 6 and 7 do not exist
            }
        }
    }
}

/// The protobuf wire format's primitives (protobuf.dev/programming-guides/encoding), bounds-checked.
struct ProtobufWireReader {
    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    var isAtEnd: Bool { position >= bytes.count }

    mutating func varint() -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while position < bytes.count, shift < 64 {
            let byte = bytes[position]
            position += 1
            value |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }

    mutating func tag() -> (field: UInt64, wireType: UInt8)? {
        guard let key = varint(), key >> 3 > 0 else { return nil }
        return (key >> 3, UInt8(key & 7))
    }

    mutating func skip(_ count: Int) -> Bool {
        guard count <= bytes.count - position else { return false }
        position += count
        return true
    }

    mutating func lengthDelimited() -> UnsafeRawBufferPointer? {
        guard let length = varint(), length <= UInt64(bytes.count - position) else { return nil }
        let value = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + Int(length))])
        position += Int(length)
        return value
    }
}
