// CurveZMQ: key pairs in Z85, server and client roles, and the handshake events a socket monitor reports.
internal import CLibZMQ

/// A CurveZMQ key pair (Curve25519), each key Z85-encoded in 40 characters.
public struct ZMQCurveKeyPair: Hashable, Sendable {
    /// The public key: what peers are given.
    public let publicKey: String
    /// The secret key: stays with its owner.
    public let secretKey: String

    /// A fresh key pair (`zmq_curve_keypair`, from libzmq's CSPRNG).
    public static func generate() throws(ZMQError) -> ZMQCurveKeyPair {
        var publicKey = [CChar](repeating: 0, count: 41), secretKey = [CChar](repeating: 0, count: 41)
        try zmqCheck("zmq_curve_keypair") { zmq_curve_keypair(&publicKey, &secretKey) }
        return ZMQCurveKeyPair(publicKey: Self.string(publicKey), secretKey: Self.string(secretKey))
    }

    /// The key pair of a secret key (`zmq_curve_public` derives the public half).
    public init(secretKey: String) throws(ZMQError) {
        guard Self.isKey(secretKey) else {
            throw ZMQError(code: .invalidArgument, message: "not a CURVE key: expected 40 characters of Z85")
        }
        var publicKey = [CChar](repeating: 0, count: 41)
        let secret = Array(secretKey.utf8CString)
        try zmqCheck("zmq_curve_public") { zmq_curve_public(&publicKey, secret) }
        self.publicKey = Self.string(publicKey)
        self.secretKey = secretKey
    }

    private init(publicKey: String, secretKey: String) {
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// Whether `text` is a Z85-encoded 32-byte key: 40 characters that decode.
    public static func isKey(_ text: String) -> Bool {
        guard text.utf8.count == 40 else { return false }
        var bytes = [UInt8](repeating: 0, count: 32)
        return zmq_z85_decode(&bytes, text) != nil
    }

    /// The Z85 text of a 32-byte key (a ZAP request carries the client's key as raw bytes).
    public static func z85(_ key: [UInt8]) -> String? {
        guard key.count == 32 else { return nil }
        var text = [CChar](repeating: 0, count: 41)
        guard zmq_z85_encode(&text, key, 32) != nil else { return nil }
        return string(text)
    }

    private static func string(_ text: [CChar]) -> String {
        String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension ZMQSocket {
    /// Makes the socket a CURVE server with `secretKey` (Z85): every peer must then complete a CurveZMQ
    /// handshake (a plaintext peer's fails, and libzmq drops it), and the context's ZAP handler decides
    /// which client keys are admitted. Set before bind or connect.
    public func makeCurveServer(secretKey: String) throws(ZMQError) {
        try setOption(ZMQ_CURVE_SERVER, 1, name: "ZMQ_CURVE_SERVER")
        try setKey(ZMQ_CURVE_SECRETKEY, secretKey, name: "ZMQ_CURVE_SECRETKEY")
    }

    /// Makes the socket a CURVE client of the server whose public key is `serverKey`, with its own key
    /// pair (for test peers and benchmarks). Set before connect.
    public func makeCurveClient(serverKey: String, keys: ZMQCurveKeyPair) throws(ZMQError) {
        try setKey(ZMQ_CURVE_SERVERKEY, serverKey, name: "ZMQ_CURVE_SERVERKEY")
        try setKey(ZMQ_CURVE_PUBLICKEY, keys.publicKey, name: "ZMQ_CURVE_PUBLICKEY")
        try setKey(ZMQ_CURVE_SECRETKEY, keys.secretKey, name: "ZMQ_CURVE_SECRETKEY")
    }

    /// Starts a monitor of the socket's handshakes on `address` (an `inproc://` address a PAIR socket
    /// connects to): one ``ZMQHandshakeEvent`` per handshake that succeeds or fails.
    public func monitorHandshakes(at address: String) throws(ZMQError) {
        let events = ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL
            | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH
        try zmqCheck("zmq_socket_monitor(\(address))") { zmq_socket_monitor(handle.raw, address, events) }
    }

    private func setOption(_ option: Int32, _ value: Int32, name: String) throws(ZMQError) {
        var v = value
        try zmqCheck("setsockopt(\(name))") { zmq_setsockopt(handle.raw, option, &v, MemoryLayout<Int32>.size) }
    }

    private func setKey(_ option: Int32, _ key: String, name: String) throws(ZMQError) {
        guard ZMQCurveKeyPair.isKey(key) else {
            throw ZMQError(code: .invalidArgument, message: "setsockopt(\(name)): not a CURVE key (40 characters of Z85)")
        }
        // 40 characters: libzmq reads Z85 (a 41st byte, the NUL, is not passed).
        let text = Array(key.utf8)
        _ = try withBytes(of: text) { (buffer) throws(ZMQError) in
            try zmqCheck("setsockopt(\(name))") { zmq_setsockopt(handle.raw, option, buffer.baseAddress, buffer.count) }
        }
    }
}

/// One handshake as a socket monitor reports it (``ZMQSocket/monitorHandshakes(at:)``).
public enum ZMQHandshakeEvent: Hashable, Sendable {
    /// The handshake (and authentication) succeeded.
    case succeeded
    /// The peer spoke another security mechanism than the socket (a plaintext peer of a CURVE server).
    case mechanismMismatch
    /// Another protocol error: a malformed or unexpected handshake command (the ZMTP error code).
    case protocolError(UInt32)
    /// The ZAP handler refused the peer (its status code, 400 for a refusal).
    case refused(status: UInt32)
    /// Failed without detail (the connection closed mid-handshake).
    case failed

    /// The event of a monitor message: its first part is a 16-bit event and a 32-bit value (native
    /// byte order), its second the endpoint. `nil` for events other than handshakes.
    public init?(parts: [[UInt8]]) {
        guard let first = parts.first, first.count >= 6 else { return nil }
        let event = first.withUnsafeBytes { UInt16($0.loadUnaligned(as: UInt16.self)) }
        let value = first.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 2, as: UInt32.self) }
        self.init(event: event, value: value)
    }

    /// The handshake event of a monitor's event number and value; `nil` for other events.
    public init?(event: UInt16, value: UInt32) {
        switch Int32(event) {
        case ZMQ_EVENT_HANDSHAKE_SUCCEEDED: self = .succeeded
        case ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL: self = .failed
        case ZMQ_EVENT_HANDSHAKE_FAILED_AUTH: self = .refused(status: value)
        case ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL:
            self = Int32(bitPattern: value) == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH ? .mechanismMismatch : .protocolError(value)
        default: return nil
        }
    }
}
