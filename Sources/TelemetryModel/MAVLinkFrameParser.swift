// Splits a payload into MAVLink v1/v2 frames, checks each one and decodes the known messages.

/// The header fields of a MAVLink frame.
public struct MAVLinkFrameHeader: Hashable, Sendable {
    /// 1 or 2.
    public var version: UInt8
    /// The sender's 8-bit frame counter.
    public var sequence: UInt8
    /// The sender's system id.
    public var systemID: UInt8
    /// The sender's component id.
    public var componentID: UInt8
    /// The message id (24 bits in v2).
    public var messageID: UInt32
    /// Whether the frame carried a (skipped, unverified) signature.
    public var isSigned: Bool

    /// Creates a value with every field given.
    public init(version: UInt8, sequence: UInt8, systemID: UInt8, componentID: UInt8, messageID: UInt32, isSigned: Bool) {
        self.version = version
        self.sequence = sequence
        self.systemID = systemID
        self.componentID = componentID
        self.messageID = messageID
        self.isSigned = isSigned
    }
}

/// One outcome of parsing: a decoded message, or a defect counted under its reason.
public enum MAVLinkParseEvent: Hashable, Sendable {
    /// A frame whose checksum matched, of a known message.
    case message(MAVLinkFrameHeader, MAVLinkMessage)
    /// A frame, or a run of bytes, that could not be used.
    case defect(RejectReason)
}

/// A stateless parser for MAVLink payloads holding one or several frames back to back.
///
/// Every frame is checked on its own. A frame whose length fits but whose checksum fails, whose
/// message is unknown, or whose flags are incompatible is skipped whole (as the MAVLink C library
/// does) and counted. Bytes that start no frame, or a frame cut short by the end of the payload,
/// form one "bad frame" run, counted once; the parser resynchronises at the next start marker.
public enum MAVLinkFrameParser {
    static let v2Marker: UInt8 = 0xFD
    static let v1Marker: UInt8 = 0xFE
    static let v2HeaderLength = 10
    static let v1HeaderLength = 6
    static let checksumLength = 2
    static let signatureLength = 13
    static let signedFlag: UInt8 = 0x01

    /// Parses `payload`, calling `handle` for each message and defect in payload order.
    ///
    /// - Complexity: O(n) in the payload length; allocates nothing.
    public static func parse(_ payload: UnsafeRawBufferPointer, _ handle: (MAVLinkParseEvent) -> Void) {
        var i = 0
        let n = payload.count
        var inBadRun = false
        func badByte() {
            if !inBadRun { handle(.defect(.mavlinkBadFrame)) }
            inBadRun = true
        }
        while i < n {
            let marker = payload[i]
            guard marker == v2Marker || marker == v1Marker else {
                badByte()
                i += 1
                continue
            }
            let isV2 = marker == v2Marker
            let headerLength = isV2 ? v2HeaderLength : v1HeaderLength
            guard n - i >= headerLength + checksumLength else {
                badByte()
                i += 1
                continue
            }
            let length = Int(payload[i + 1])
            let incompatFlags = isV2 ? payload[i + 2] : 0
            let signed = isV2 && incompatFlags & signedFlag != 0
            let total = headerLength + length + checksumLength + (signed ? signatureLength : 0)
            guard n - i >= total else {
                // A frame that runs past the end: cut short, or a stray marker byte. Keep scanning.
                badByte()
                i += 1
                continue
            }
            inBadRun = false
            defer { i += total }
            if incompatFlags & ~signedFlag != 0 {
                handle(.defect(.mavlinkIncompatibleFlags))
                continue
            }
            let header = isV2
                ? MAVLinkFrameHeader(version: 2, sequence: payload[i + 4], systemID: payload[i + 5], componentID: payload[i + 6],
                                     messageID: UInt32(payload[i + 7]) | UInt32(payload[i + 8]) << 8 | UInt32(payload[i + 9]) << 16,
                                     isSigned: signed)
                : MAVLinkFrameHeader(version: 1, sequence: payload[i + 2], systemID: payload[i + 3], componentID: payload[i + 4],
                                     messageID: UInt32(payload[i + 5]), isSigned: false)
            guard let definition = MAVLinkMessageDefinition.lookup(header.messageID) else {
                handle(.defect(.mavlinkUnknownMessage))
                continue
            }
            var crc = MAVLinkCRC()
            crc.accumulate(UnsafeRawBufferPointer(rebasing: payload[(i + 1)..<(i + headerLength + length)]))
            crc.accumulate(definition.crcExtra)
            let sent = UInt16(payload[i + headerLength + length]) | UInt16(payload[i + headerLength + length + 1]) << 8
            guard crc.value == sent else {
                handle(.defect(.mavlinkCRC))
                continue
            }
            let body = UnsafeRawBufferPointer(rebasing: payload[(i + headerLength)..<(i + headerLength + length)])
            let message = withUnsafeTemporaryAllocation(byteCount: MAVLinkMessageDefinition.maximumLength, alignment: 8) { buffer in
                // Zero-fill: v2 drops trailing zero bytes; longer payloads (newer extensions) are cut to what we know.
                buffer.initializeMemory(as: UInt8.self, repeating: 0)
                let kept = min(body.count, definition.length)
                buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: body[..<kept]))
                return definition.decode(UnsafeRawBufferPointer(buffer))
            }
            handle(.message(header, message))
        }
    }

    /// Parses `payload` and collects the events. For tests and cold paths.
    public static func parse(_ payload: [UInt8]) -> [MAVLinkParseEvent] {
        var events: [MAVLinkParseEvent] = []
        payload.withUnsafeBytes { bytes in parse(bytes) { events.append($0) } }
        return events
    }
}
