// Where and how the web view is served (the config's `web:` section; docs/config.md).

/// The web view's settings. Off unless the config has a `web:` section; loopback by default.
public struct LiveViewSettings: Hashable, Sendable {
    /// The default port: free on a Debian range machine, and above 1024 so no privilege is needed.
    public static let defaultPort: UInt16 = 8620

    public var enabled = false
    /// The IPv4 address to listen on (`127.0.0.1`: this machine only).
    public var address = "127.0.0.1"
    /// The port (0: any free port, said in the banner).
    public var port = Self.defaultPort
    /// A folder of map tiles, `{z}/{x}/{y}.png` (OpenStreetMap's layout), drawn under the picture; `nil`: none.
    public var tiles: String?
    /// Where Leaflet's `leaflet.js` and `leaflet.css` are (Debian's `libjs-leaflet`).
    public var leaflet = "/usr/share/javascript/leaflet"
    /// How often a changed picture is pushed to each browser, seconds.
    public var pushInterval = 0.5
    /// Browsers served at once; more are asked to try again later.
    public var maximumClients = 16

    public init() {}

    /// Whether only this machine can reach the view.
    public var isLoopback: Bool { address == "localhost" || address.hasPrefix("127.") }
}
