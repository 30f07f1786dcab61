// What `haechi replay` does: pacing, window, track and summary files, re-publishing and the web view.
import TransportSettings

/// What `haechi replay` does.
public struct ReplayOptions: Sendable {
    /// The pacing.
    public var speed: ReplaySpeed
    /// Replay only frames received this many seconds after the first frame, or later.
    public var from: Double?
    /// …and up to this many seconds after it.
    public var to: Double?
    /// Write the replayed tracker's track lines here.
    public var tracksOut: String?
    /// Re-emit the raw frames on a PUB socket bound here, at the replay's pacing.
    public var publish: String?
    /// Write the regenerated ingest summary here.
    public var summaryPath: String?
    /// Where progress goes (the command line's progress bar); `nil`: nowhere.
    public var progress: (any RunProgress)?
    /// Serve the web view at `<address>:<port>` (the recorded config's `web:` is not served again); `nil`: no view.
    public var web: String?

    /// `127.0.0.1:8620` as an address and a port; `nil` when it is not one.
    public static func webAddress(_ text: String) -> (address: String, port: UInt16)? {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        let address = String(text[..<colon])
        guard address == "localhost" || UDPAddress("udp://\(address):1", scheme: "udp") != nil else { return nil }
        return (address, port)
    }

    /// Options.
    public init(speed: ReplaySpeed = .max, from: Double? = nil, to: Double? = nil, tracksOut: String? = nil, publish: String? = nil,
                summaryPath: String? = nil, progress: (any RunProgress)? = nil, web: String? = nil) {
        self.web = web
        self.speed = speed
        self.from = from
        self.to = to
        self.tracksOut = tracksOut
        self.publish = publish
        self.summaryPath = summaryPath
        self.progress = progress
    }
}
