// SAPIENT's TCP framing: each message preceded by its length, a 32-bit little-endian integer.

/// Cuts a TCP byte stream into SAPIENT messages (BSI Flex 335 v2.0, §"Message framing": a 4-byte
/// little-endian length, then that many bytes of one serialized `SapientMessage`).
///
/// A stream cannot be resynchronised once a length is wrong, so a length past ``maximumMessageBytes``
/// ends the stream: the connection must be closed.
public struct SapientFrameReader: Sendable {
    /// What the next bytes of the stream are.
    public enum Next: Equatable, Sendable {
        /// A whole message: its bytes are `buffer[range]` of the reader's ``buffer``.
        case message(Range<Int>)
        /// More bytes are needed.
        case incomplete
        /// A length prefix past the limit: the stream is unusable from here on.
        case oversize(length: UInt32)
    }

    /// The longest message accepted.
    public let maximumMessageBytes: Int
    /// Bytes received and not yet taken: a partial message at most (``compact()`` drops the rest).
    public private(set) var buffer: [UInt8] = []
    private var start = 0

    /// A reader that accepts messages of up to `maximumMessageBytes`.
    public init(maximumMessageBytes: Int) {
        self.maximumMessageBytes = maximumMessageBytes
    }

    /// Bytes waiting that do not make a whole message yet.
    public var pendingBytes: Int { buffer.count - start }

    /// Appends bytes read from the stream.
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// The next message, if the stream holds a whole one; call until it says ``Next/incomplete``.
    public mutating func next() -> Next {
        guard buffer.count - start >= 4 else { return .incomplete }
        let length = UInt32(buffer[start]) | UInt32(buffer[start + 1]) << 8 | UInt32(buffer[start + 2]) << 16
            | UInt32(buffer[start + 3]) << 24
        guard length <= maximumMessageBytes else { return .oversize(length: length) }
        let end = start + 4 + Int(length)
        guard buffer.count >= end else { return .incomplete }
        let range = (start + 4)..<end
        start = end
        return .message(range)
    }

    /// Drops the bytes of messages already taken.
    public mutating func compact() {
        guard start > 0 else { return }
        buffer.removeFirst(start)
        start = 0
    }

    /// The bytes of a partial message (for the recording, when the stream ends or stalls mid-message).
    public var pending: ArraySlice<UInt8> { buffer[start...] }

    /// `message` with its length prefix, as a node or Haechi sends it.
    public static func frame(_ message: [UInt8]) -> [UInt8] {
        let length = UInt32(message.count)
        return [UInt8(length & 0xff), UInt8(length >> 8 & 0xff), UInt8(length >> 16 & 0xff), UInt8(length >> 24)] + message
    }
}
