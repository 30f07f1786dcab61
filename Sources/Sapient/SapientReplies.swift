// What Haechi, as a decision module, sends back to a node: RegistrationAck and Error.
public import SwiftProtobuf
import Foundation

/// The messages Haechi sends, serialized and framed for the node's TCP connection.
public enum SapientReply {
    /// A RegistrationAck from `decisionModule` (Haechi's node id) to `node`, accepting the
    /// registration or refusing it with `reasons`.
    public static func registrationAck(from decisionModule: String, to node: String?, accepted: Bool, reasons: [String],
                                       at nanoseconds: Int64) -> [UInt8] {
        var ack = BSIRegistrationAck()
        ack.acceptance = accepted
        ack.ackResponseReason = reasons
        return envelope(from: decisionModule, to: node, at: nanoseconds) { $0.registrationAck = ack }
    }

    /// An Error about `packet` (the message as received) from `decisionModule` to `node`.
    public static func error(from decisionModule: String, to node: String?, packet: some Collection<UInt8>, messages: [String],
                             at nanoseconds: Int64) -> [UInt8] {
        var error = BSIError()
        error.packet = Data(packet)
        error.errorMessage = messages
        return envelope(from: decisionModule, to: node, at: nanoseconds) { $0.error = error }
    }

    private static func envelope(from decisionModule: String, to node: String?, at nanoseconds: Int64,
                                 _ fill: (inout BSISapientMessage) -> Void) -> [UInt8] {
        var message = BSISapientMessage()
        message.timestamp = Google_Protobuf_Timestamp(seconds: nanoseconds / 1_000_000_000, nanos: Int32(nanoseconds % 1_000_000_000))
        message.nodeID = decisionModule
        // Only a node id that is one goes back as the destination: an Error about garbage has no addressee.
        if let node, SapientIdentifier.isUUIDv4(node) { message.destinationID = node }
        fill(&message)
        // Serializing a message built here from set fields cannot fail.
        let bytes: [UInt8] = (try? message.serializedBytes()) ?? []
        return SapientFrameReader.frame(bytes)
    }
}
