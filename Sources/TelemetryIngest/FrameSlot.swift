// What the ring carries per received message: where its bytes are in the arena, and when it came.

/// One received message in the ring. Trivial (no references), so storing it never allocates or
/// retains; the message's bytes live in the ``FrameArena``.
public struct FrameSlot: Sendable {
    /// Receive time, ns since the Unix epoch.
    public var receiveTime: Int64 = 0
    /// Arena position (monotonic) of the first part's length prefix.
    public var arenaOffset: Int64 = 0
    /// Arena bytes used, prefixes included.
    public var byteCount: Int = 0
    /// Parts received.
    public var partCount: Int = 0
    /// Bytes of every part after the first as they arrived: more than the arena holds of them when
    /// the message was cut short.
    public var payloadBytes: Int = 0
    /// The endpoint's index.
    public var endpoint: Int = 0
    /// A part was longer than the room kept for it and was cut short.
    public var truncated = false
    /// The sending connection's number from the ZAP handler (0: not known, e.g. `inproc://`).
    public var connection: UInt32 = 0

    /// A slot for a message stored at arena position `arenaOffset`, from endpoint `endpoint`; the
    /// transport fills in the rest as the parts come.
    public init(arenaOffset: Int64, endpoint: Int) {
        self.arenaOffset = arenaOffset
        self.endpoint = endpoint
    }
}
