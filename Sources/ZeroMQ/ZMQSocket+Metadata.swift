// Receiving with the connection's metadata (the ZAP handler's User-Id), and the ZAP domain.
internal import CLibZMQ

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The name of the metadata property a ZAP handler's user id arrives under, NUL-terminated for C.
private let userIDProperty: StaticString = "User-Id"

extension ZMQSocketHandle {
    @usableFromInline
    func receivePart(into buffer: UnsafeMutableRawBufferPointer, blocking: Bool,
                     readingUserID: Bool) throws(ZMQError) -> (size: Int, more: Bool, userID: UInt32)? {
        var message = zmq_msg_t()
        return try withUnsafeMutablePointer(to: &message) { (msg) throws(ZMQError) -> (size: Int, more: Bool, userID: UInt32)? in
            zmq_msg_init(msg)
            defer { zmq_msg_close(msg) }
            let raw = self.raw
            let result = try zmqCall("receive") { zmq_msg_recv(msg, raw, blocking ? 0 : ZMQ_DONTWAIT) }
            guard case .done = result else { return nil }
            let size = zmq_msg_size(msg)
            let stored = min(size, buffer.count)
            if stored > 0, let base = buffer.baseAddress { memcpy(base, zmq_msg_data(msg), stored) }
            let more = zmq_msg_more(msg) != 0
            var userID: UInt32 = 0
            if readingUserID {
                let name = UnsafeRawPointer(userIDProperty.utf8Start).assumingMemoryBound(to: CChar.self)
                if let text = zmq_msg_gets(msg, name) { userID = Self.decimal(text) }
            }
            return (size, more, userID)
        }
    }

    /// A decimal user id (what Haechi's ZAP handler gives each connection); 0 for anything else.
    private static func decimal(_ text: UnsafePointer<CChar>) -> UInt32 {
        var value: UInt32 = 0
        var index = 0
        while true {
            let c = UInt8(bitPattern: text[index])
            if c == 0 { return index == 0 ? 0 : value }
            guard c >= 0x30, c <= 0x39, index < 9 else { return 0 }
            value = value * 10 + UInt32(c - 0x30)
            index += 1
        }
    }
}

extension ZMQSocket {
    /// Like ``receivePart(into:blocking:)``, and also reads the message's `User-Id` metadata as a
    /// decimal number: the connection number Haechi's ZAP handler gave the peer that sent it.
    ///
    /// The part goes through one `zmq_msg_t` on the stack and is copied into `buffer` (the same
    /// work `zmq_recv` does); nothing is allocated. The user id is read only when `readingUserID` is
    /// `true` (ask for the first part of a message): 0 when the message has none (`inproc://`, PGM,
    /// a socket without a ZAP domain) or it is not a number.
    @inlinable
    public func receivePart(into buffer: UnsafeMutableRawBufferPointer, blocking: Bool,
                            readingUserID: Bool) throws(ZMQError) -> (size: Int, more: Bool, userID: UInt32)? {
        try handle.receivePart(into: buffer, blocking: blocking, readingUserID: readingUserID)
    }

    /// Sets `ZMQ_ZAP_DOMAIN`: libzmq then asks the context's ZAP handler (`inproc://zeromq.zap.01`)
    /// about every connection to this socket, plaintext (NULL mechanism) ones included, with this domain.
    public func setZAPDomain(_ domain: String) throws(ZMQError) {
        let bytes = Array(domain.utf8)
        _ = try withBytes(of: bytes) { (buffer) throws(ZMQError) in
            try zmqCheck("setsockopt(ZMQ_ZAP_DOMAIN, \(domain))") {
                zmq_setsockopt(handle.raw, ZMQ_ZAP_DOMAIN, buffer.baseAddress, buffer.count)
            }
        }
    }
}
