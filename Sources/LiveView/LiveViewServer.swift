// The web view's HTTP and WebSocket server (FlyingFox): the page, Leaflet, optional tiles, and the snapshots.
import FlyingFox
import FlyingSocks
import Foundation

/// Serves the live web view: `/` (the page), `/leaflet/…` (Debian's Leaflet), `/tiles/{z}/{x}/{y}.png`
/// (a local tile folder, when configured), `/state.json` (one snapshot) and `/ws` (a snapshot pushed
/// whenever the picture changed, at most every ``LiveViewSettings/pushInterval``).
///
/// FlyingFox rather than Hummingbird: it has no dependency beyond the standard library and Foundation
/// (no SwiftNIO), so it adds seconds to a clean build where Hummingbird and its WebSocket package add
/// minutes (docs/web.md has the measurement), and a page for a handful of operators needs nothing more.
///
/// The server only reads: nothing a browser sends changes the run. It runs on Swift's cooperative
/// pool, apart from the ingest and decode threads; a slow browser loses snapshots (each WebSocket
/// keeps the newest two), it never holds the run up. Requests whose `Host` is not the bound loopback
/// address are refused, so that a web page elsewhere cannot reach the view by DNS rebinding, and so are
/// requests whose `Origin` is another site's (a WebSocket is not held to the same-origin policy).
public final class LiveViewServer {
    private let settings: LiveViewSettings
    private let server: HTTPServer
    private var runTask: Task<Void, Never>?
    private let clients: ClientCount

    /// A server for `situation`; reads Leaflet's files now, so a missing Leaflet is an error at start.
    public init(settings: LiveViewSettings, situation: LiveSituation) throws(LiveViewError) {
        self.settings = settings
        let assets = try LeafletAssets(folder: settings.leaflet)
        let address: sockaddr_in
        do {
            address = try .inet(ip4: settings.address == "localhost" ? "127.0.0.1" : settings.address, port: settings.port)
        } catch {
            throw LiveViewError(message: "web.address \(settings.address) is not an IPv4 address")
        }
        clients = ClientCount(maximum: settings.maximumClients)
        var routes = RoutedHTTPHandler()
        let guardHost = HostCheck(settings: settings)
        let tiles = settings.tiles.map { TileFolder(root: $0) }
        let push = SnapshotPush(situation: situation, interval: settings.pushInterval, clients: clients)
        routes.appendRoute("GET /ws", to: WebSocketHTTPHandler(handler: MessageFrameWSHandler(handler: push)))
        routes.appendRoute("GET /state.json") { _ in
            HTTPResponse(statusCode: .ok, headers: Self.headers(type: "application/json"), body: situation.snapshotJSON())
        }
        routes.appendRoute("GET /leaflet/*") { request in
            guard let file = assets.file(request.path) else { return HTTPResponse(statusCode: .notFound) }
            return HTTPResponse(statusCode: .ok, headers: Self.headers(type: file.type, cache: "max-age=3600"), body: file.data)
        }
        routes.appendRoute("GET /tiles/*") { request in
            guard let data = tiles?.tile(request.path) else { return HTTPResponse(statusCode: .notFound) }
            return HTTPResponse(statusCode: .ok, headers: Self.headers(type: "image/png", cache: "max-age=3600"), body: data)
        }
        routes.appendRoute("GET /") { _ in
            HTTPResponse(statusCode: .ok, headers: Self.headers(type: "text/html; charset=utf-8"), body: Data(LiveViewPage.html.utf8))
        }
        let router = routes
        let root = ClosureHTTPHandler { request in
            guard guardHost.admits(request.headers[.host]) else {
                return HTTPResponse(statusCode: .forbidden, headers: Self.headers(type: "text/plain"),
                                    body: Data("haechi web view: this host name is not the address it serves\n".utf8))
            }
            // A WebSocket is not held to the same-origin policy: a page from elsewhere open in the
            // operator's browser could read the picture through it. Only the view's own page may.
            guard HostCheck.sameOrigin(request.headers[HTTPHeader("Origin")], host: request.headers[.host]) else {
                return HTTPResponse(statusCode: .forbidden, headers: Self.headers(type: "text/plain"),
                                    body: Data("haechi web view: only its own page may open it\n".utf8))
            }
            return try await router.handleRequest(request)
        }
        server = HTTPServer(address: address, timeout: 15, logger: .disabled, handler: root)
    }

    private static func headers(type: String, cache: String = "no-store") -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers[.contentType] = type
        headers[.cacheControl] = cache
        headers[HTTPHeader("X-Content-Type-Options")] = "nosniff"
        // The page loads nothing from elsewhere: no CDN, no tiles from the internet.
        headers[HTTPHeader("Content-Security-Policy")] = "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            + "style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"
        return headers
    }

    /// Starts listening; returns the page's address (`http://127.0.0.1:8620/`). Throws when the
    /// address cannot be bound (in use, or not this host's).
    public func start() throws(LiveViewError) -> String {
        let outcome = StartOutcome()
        let server = self.server
        runTask = Task {
            do { try await server.run() } catch { outcome.finish(error) }
        }
        Task {
            do { try await server.waitUntilListening(timeout: 5) ; outcome.finish(nil) } catch { outcome.finish(error) }
        }
        if let error = outcome.wait() {
            runTask?.cancel()
            throw LiveViewError(message: "cannot serve the web view on \(settings.address):\(settings.port): \(error)")
        }
        let port = Self.blocking { await server.listeningAddress }.flatMap { address -> UInt16? in
            if case .ip4(_, let port) = address { return port }
            return nil
        } ?? settings.port
        return "http://\(settings.address):\(port)/"
    }

    /// Stops serving: open pages see the connection close (and say so).
    public func stop() {
        let server = self.server
        Self.blocking { await server.stop(timeout: 0.1) }   // open WebSockets are closed, not waited for
        runTask?.cancel()
    }

    /// Runs `body` on the cooperative pool and waits for it: the run loops that own the server are plain threads.
    private static func blocking<T: Sendable>(_ body: @escaping @Sendable () async -> T) -> T {
        let box = ResultBox<T>()
        Task {
            box.set(await body())
        }
        return box.wait()
    }
}

// `runTask` is written by `start` and read by `stop`, both called by the one thread that owns the
// server (the run loop); everything else is immutable or Sendable.
extension LiveViewServer: @unchecked Sendable {}

/// The web view's one error: what went wrong, in words.
public struct LiveViewError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// How many WebSockets are open, held to a maximum: a process on the host opening thousands cannot
/// make the server keep a snapshot queue for each.
final class ClientCount: @unchecked Sendable {
    // @unchecked Sendable: `count` is read and written under `lock` only.
    private let lock = NSLock()
    private var count = 0
    let maximum: Int

    init(maximum: Int) { self.maximum = maximum }

    func enter() -> Bool {
        lock.withLock {
            guard count < maximum else { return false }
            count += 1
            return true
        }
    }

    func leave() { lock.withLock { count -= 1 } }
}

/// Pushes the snapshot to one browser whenever it changed.
struct SnapshotPush: WSMessageHandler {
    let situation: LiveSituation
    let interval: Double
    let clients: ClientCount

    func makeMessages(for client: AsyncStream<WSMessage>) async throws -> AsyncStream<WSMessage> {
        guard clients.enter() else {
            return AsyncStream { continuation in
                continuation.yield(.close(WSCloseCode(1013, reason: "Try Again Later")))
                continuation.finish()
            }
        }
        // The newest two: a browser that reads slowly skips snapshots instead of queueing them.
        let (stream, continuation) = AsyncStream.makeStream(of: WSMessage.self, bufferingPolicy: .bufferingNewest(2))
        let situation = self.situation, clients = self.clients
        let nanoseconds = UInt64(max(0.05, interval) * 1e9)
        let pusher = Task {
            var last = Data()
            while !Task.isCancelled {
                let json = situation.snapshotJSON()
                if json != last {
                    continuation.yield(.text(String(decoding: json, as: UTF8.self)))
                    last = json
                }
                try? await Task.sleep(nanoseconds: nanoseconds)
            }
            continuation.finish()
        }
        Task {
            for await _ in client {}   // the browser sends nothing the view needs; its stream ends when it goes
            pusher.cancel()
        }
        continuation.onTermination = { _ in
            pusher.cancel()
            clients.leave()
        }
        return stream
    }
}

/// Admits a request when its `Host` names the server: on a loopback bind, `127.0.0.1`, `localhost` or
/// `[::1]` with the port; on any other bind, any host (the operator chose to expose it).
struct HostCheck: Sendable {
    let loopback: Bool

    init(settings: LiveViewSettings) {
        loopback = settings.isLoopback
    }

    func admits(_ host: String?) -> Bool {
        guard loopback else { return true }
        guard let host else { return false }
        let name: Substring
        if host.hasPrefix("[") {
            name = host.prefix { $0 != "]" }.dropFirst()
        } else {
            name = host.prefix { $0 != ":" }
        }
        // A literal loopback address, not a name that begins like one (127.0.0.1.attacker.example).
        return name == "localhost" || name == "::1" || Self.isLoopbackIPv4(name)
    }

    /// Whether a request's `Origin` is the server's own (`http://<Host>`), or absent (not a browser's
    /// cross-origin request: curl, a script, a same-origin GET).
    static func sameOrigin(_ origin: String?, host: String?) -> Bool {
        guard let origin else { return true }
        guard let host else { return false }   // an origin of `null` (a file, a sandboxed frame) is never the server's
        return origin == "http://\(host)" || origin == "https://\(host)"
    }

    static func isLoopbackIPv4(_ text: Substring) -> Bool {
        let octets = text.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { $0.count <= 3 && UInt8($0) != nil }
    }
}

/// Leaflet's files, read once from Debian's `libjs-leaflet` folder (or `web.leaflet`); only these are served.
struct LeafletAssets: Sendable {
    struct File: Sendable {
        let data: Data
        let type: String
    }

    private let files: [String: File]

    init(folder: String) throws(LiveViewError) {
        var files: [String: File] = [:]
        for (name, type, required) in [("leaflet.js", "text/javascript", true), ("leaflet.css", "text/css", true),
                                       ("images/layers.png", "image/png", false), ("images/layers-2x.png", "image/png", false),
                                       ("images/marker-icon.png", "image/png", false), ("images/marker-icon-2x.png", "image/png", false),
                                       ("images/marker-shadow.png", "image/png", false)] {
            let path = (folder as NSString).appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: path) else {
                if required {
                    throw LiveViewError(message: "Leaflet's \(name) is not in \(folder): install Debian's libjs-leaflet "
                                        + "(apt-get install libjs-leaflet; make deps does), or name its folder in web.leaflet")
                }
                continue
            }
            files["/leaflet/" + name] = File(data: data, type: type)
        }
        self.files = files
    }

    func file(_ path: String) -> File? { files[path] }
}

/// A local slippy-map tile folder, `{z}/{x}/{y}.png`: only paths of three integers are read, so no
/// request can name a file outside it.
struct TileFolder: Sendable {
    let root: String

    func tile(_ path: String) -> Data? {
        let parts = path.split(separator: "/")
        guard parts.count == 4, parts[0] == "tiles", parts[3].hasSuffix(".png"),
              let z = UInt8(parts[1]), z <= 24, let x = UInt32(parts[2]), let y = UInt32(parts[3].dropLast(4)) else { return nil }
        return FileManager.default.contents(atPath: "\(root)/\(z)/\(x)/\(y).png")
    }
}

/// The first outcome of starting the server: listening (`nil`) or why not.
private final class StartOutcome: @unchecked Sendable {
    // @unchecked Sendable: `outcome` is written once under `lock`; `wait` blocks on the semaphore until then.
    private let lock = NSLock()
    private let semaphore = DispatchSemaphore(value: 0)
    private var outcome: (any Error)??

    func finish(_ error: (any Error)?) {
        let first = lock.withLock {
            guard outcome == nil else { return false }
            outcome = .some(error)
            return true
        }
        if first { semaphore.signal() }
    }

    func wait() -> (any Error)? {
        semaphore.wait()
        return lock.withLock { outcome ?? nil }
    }
}

/// A value handed from a task to a waiting thread.
private final class ResultBox<T: Sendable>: @unchecked Sendable {
    // @unchecked Sendable: `value` is written once under `lock` before the semaphore is signalled.
    private let lock = NSLock()
    private let semaphore = DispatchSemaphore(value: 0)
    private var value: T?

    func set(_ value: T) {
        lock.withLock { self.value = value }
        semaphore.signal()
    }

    func wait() -> T {
        semaphore.wait()
        return lock.withLock { value! }
    }
}
