// The socket patterns Haechi uses.
internal import CLibZMQ

/// A ZeroMQ socket pattern.
public enum ZMQSocketType: String, Sendable, CaseIterable, Codable {
    /// Publishes to every subscriber; drops at the high-water mark.
    case pub
    /// Receives what publishers send, filtered by subscribed topic prefixes.
    case sub
    /// Like `pub`, and also receives subscriptions as messages (used by test peers to know a subscriber is there).
    case xpub
    /// Sends round-robin to pullers; blocks at the high-water mark instead of dropping.
    case push
    /// Receives fair-queued from pushers.
    case pull
    /// One-to-one, typically over `inproc://` for control signals.
    case pair
    /// Answers requests one at a time: the ZAP handler's socket (RFC 27).
    case rep

    var rawType: Int32 {
        switch self {
        case .pub: ZMQ_PUB
        case .sub: ZMQ_SUB
        case .xpub: ZMQ_XPUB
        case .push: ZMQ_PUSH
        case .pull: ZMQ_PULL
        case .pair: ZMQ_PAIR
        case .rep: ZMQ_REP
        }
    }
}

/// An integer-valued socket option.
///
/// Durations are in milliseconds, as libzmq takes them; `-1` means "infinite" or "no limit" where
/// libzmq allows it.
public enum ZMQIntegerOption: Sendable, CaseIterable {
    /// `ZMQ_SNDHWM`: messages queued per peer before send blocks (PUSH) or drops (PUB). 0 = no limit.
    case sendHighWaterMark
    /// `ZMQ_RCVHWM`: messages queued per peer on receive. 0 = no limit.
    case receiveHighWaterMark
    /// `ZMQ_LINGER`: how long `close` waits to flush unsent messages, ms. -1 = for ever.
    case linger
    /// `ZMQ_RECONNECT_IVL`: first reconnect delay, ms.
    case reconnectInterval
    /// `ZMQ_RECONNECT_IVL_MAX`: reconnect back-off ceiling, ms. 0 = no back-off.
    case reconnectIntervalMax
    /// `ZMQ_MAXMSGSIZE`: bytes; a peer that sends more is **disconnected** by libzmq. -1 = no limit.
    case maxMessageSize
    /// `ZMQ_RCVTIMEO`: receive timeout, ms. -1 = block.
    case receiveTimeout
    /// `ZMQ_SNDTIMEO`: send timeout, ms. -1 = block.
    case sendTimeout
    /// `ZMQ_IMMEDIATE`: 1 = queue only to completed connections.
    case immediate

    var rawName: Int32 {
        switch self {
        case .sendHighWaterMark: ZMQ_SNDHWM
        case .receiveHighWaterMark: ZMQ_RCVHWM
        case .linger: ZMQ_LINGER
        case .reconnectInterval: ZMQ_RECONNECT_IVL
        case .reconnectIntervalMax: ZMQ_RECONNECT_IVL_MAX
        case .maxMessageSize: ZMQ_MAXMSGSIZE
        case .receiveTimeout: ZMQ_RCVTIMEO
        case .sendTimeout: ZMQ_SNDTIMEO
        case .immediate: ZMQ_IMMEDIATE
        }
    }

    /// libzmq stores `ZMQ_MAXMSGSIZE` as an `int64_t`; every other option here is an `int`.
    var isInt64: Bool { self == .maxMessageSize }
}
