// What the ring carries per received message: where its bytes are in the arena, and when it came.

/// One received message in the ring. Trivial (no references), so storing it never allocates or
/// retains; the message's bytes live in the ``FrameArena``.
struct FrameSlot: Sendable {
    /// Receive time, ns since the Unix epoch.
    var receiveTime: Int64 = 0
    /// Arena position (monotonic) of the first part's length prefix.
    var arenaOffset: Int64 = 0
    /// Arena bytes used, prefixes included.
    var byteCount: Int = 0
    /// Parts received.
    var partCount: Int = 0
    /// Bytes of every part after the first as they arrived: more than the arena holds of them when
    /// the message was cut short.
    var payloadBytes: Int = 0
    /// The endpoint's index.
    var endpoint: Int = 0
    /// A part was longer than the room kept for it and was cut short.
    var truncated = false
    /// The sending connection's number from the ZAP handler (0: not known, e.g. `inproc://`).
    var connection: UInt32 = 0
}
