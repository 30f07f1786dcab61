// The ZeroMQ binding over inproc://: patterns, multipart, polling, options and shutdown.
import Testing
import ZeroMQ
import Foundation

@Suite("ZeroMQ sockets over inproc")
struct ZMQSocketTests {
    let context: ZMQContext

    init() throws {
        context = try ZMQContext()
    }

    @Test("PUSH to PULL carries multipart messages whole and in order")
    func pushPullMultipart() throws {
        let pull = try ZMQSocket(context: context, type: .pull)
        try pull.bind("inproc://push-pull")
        let push = try ZMQSocket(context: context, type: .push)
        try push.connect("inproc://push-pull")
        let messages: [[[UInt8]]] = [
            [Array("json/radar-1".utf8), Array("{}".utf8)],
            [[1], [], [2, 3], Array(repeating: 0xAB, count: 100_000)],
            [Array("one part".utf8)],
            (0..<37).map { Array("part \($0)".utf8) },   // more parts than the socket's initial buffer
            (0..<5).map { [UInt8](repeating: UInt8($0), count: 3000 * $0) },
        ]
        for message in messages { #expect(try push.send(message)) }
        for message in messages {
            #expect(try pull.receiveParts() == message)
        }
    }

    @Test("Received bytes are lent without copying, with sizes per part")
    func lendsParts() throws {
        let pull = try ZMQSocket(context: context, type: .pull)
        try pull.bind("inproc://lend")
        let push = try ZMQSocket(context: context, type: .push)
        try push.connect("inproc://lend")
        try push.send(topic: "mavlink/drone-7", payload: [0xFD, 1, 2])
        let summary = try pull.receive { message in
            (message.partCount, message.size(ofPart: 0), message.withUnsafeBytes(ofPart: 1) { Array($0) })
        }
        let (count, topicSize, payload) = try #require(summary)
        #expect(count == 2)
        #expect(topicSize == "mavlink/drone-7".utf8.count)
        #expect(payload == [0xFD, 1, 2])
    }

    @Test("A SUB socket receives only the topics it subscribed to")
    func subscribeFilters() throws {
        let pub = try ZMQSocket(context: context, type: .pub)
        try pub.bind("inproc://pub-sub")
        let sub = try ZMQSocket(context: context, type: .sub)
        try sub.subscribe("json/")
        try sub.connect("inproc://pub-sub")
        // inproc subscriptions are applied on connect, but give the pipe a moment: send until one arrives.
        var first: [[UInt8]]?
        for _ in 0..<200 where first == nil {
            try pub.send(topic: "json/warmup", payload: [0])
            first = try sub.waitForInput(timeout: .milliseconds(10)) ? sub.receiveParts() : nil
        }
        #expect(first != nil)
        while try sub.receiveParts(blocking: false) != nil {}
        try pub.send(topic: "mavlink/drone-1", payload: [1])
        try pub.send(topic: "json/radar-1", payload: [2])
        try pub.send(topic: "xml/radar-2", payload: [3])
        #expect(try sub.waitForInput(timeout: .seconds(5)))
        #expect(try sub.receiveParts() == [Array("json/radar-1".utf8), [2]])
        #expect(try !sub.waitForInput(timeout: .milliseconds(50)))
        try sub.unsubscribe("json/")
    }

    @Test("Non-blocking receive says would-block as nil; poll times out")
    func wouldBlock() throws {
        let pull = try ZMQSocket(context: context, type: .pull)
        try pull.bind("inproc://empty")
        #expect(try pull.receiveParts(blocking: false) == nil)
        #expect(try !pull.waitForInput(timeout: .milliseconds(20)))
    }

    @Test("A receive timeout returns nil instead of blocking")
    func receiveTimeout() throws {
        let pull = try ZMQSocket(context: context, type: .pull)
        try pull.bind("inproc://timeout")
        try pull.setOption(.receiveTimeout, 20)
        #expect(try pull.receiveParts() == nil)
    }

    @Test("Integer options read back what was set", arguments: [
        (ZMQIntegerOption.sendHighWaterMark, 12_345),
        (.receiveHighWaterMark, 54_321),
        (.linger, 250),
        (.reconnectInterval, 75),
        (.reconnectIntervalMax, 5_000),
        (.maxMessageSize, 1 << 33),
        (.receiveTimeout, 10),
        (.sendTimeout, 20),
    ])
    func options(option: ZMQIntegerOption, value: Int) throws {
        let socket = try ZMQSocket(context: context, type: .sub)
        try socket.setOption(option, value)
        #expect(try socket.option(option) == value)
    }

    @Test("Bad endpoints throw errors that name them")
    func badEndpoints() throws {
        let socket = try ZMQSocket(context: context, type: .pull)
        #expect {
            try socket.bind("nonsense://x")
        } throws: { error in
            (error as? ZMQError)?.code == .unsupportedProtocol && "\(error)".contains("nonsense://x")
        }
        #expect(throws: ZMQError.self) { try socket.connect("tcp://") }
        try socket.bind("inproc://taken")
        let other = try ZMQSocket(context: context, type: .pull)
        #expect {
            try other.bind("inproc://taken")
        } throws: { error in
            (error as? ZMQError)?.code == .addressInUse
        }
    }

    @Test("A wildcard TCP port resolves through lastEndpoint")
    func lastEndpoint() throws {
        let pull = try ZMQSocket(context: context, type: .pull)
        try pull.bind("tcp://127.0.0.1:*")
        let endpoint = try pull.lastEndpoint
        #expect(endpoint.hasPrefix("tcp://127.0.0.1:"))
        let port = Int(endpoint.split(separator: ":").last ?? "")
        #expect((port ?? 0) > 0)
        let push = try ZMQSocket(context: context, type: .push)
        try push.connect(endpoint)
        try push.send([[42]])
        #expect(try pull.receiveParts() == [[42]])
    }

    @Test("Context shutdown ends a blocked receive as a clean stop")
    func shutdownUnblocks() throws {
        let local = try ZMQContext()
        let done = DispatchSemaphore(value: 0)
        let outcome = ResultBox()
        let thread = Thread {
            do {
                let pull = try ZMQSocket(context: local, type: .pull)
                try pull.bind("inproc://blocked")
                _ = try pull.receiveParts()
                outcome.set("returned")
            } catch let error as ZMQError {
                outcome.set(error.isContextTerminated ? "terminated" : "other: \(error)")
            } catch {
                outcome.set("unexpected: \(error)")
            }
            done.signal()
        }
        thread.start()
        Thread.sleep(forTimeInterval: 0.05)
        local.shutdown()
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(outcome.get() == "terminated")
    }

    @Test("A socket group polls several sockets and reports which have input")
    func groupPoll() throws {
        var group = ZMQSocketGroup()
        for name in ["a", "b", "c"] {
            let pull = try ZMQSocket(context: context, type: .pull)
            try pull.bind("inproc://group-\(name)")
            group.add(pull)
        }
        let push = try ZMQSocket(context: context, type: .push)
        try push.connect("inproc://group-b")
        #expect(try group.poll(timeout: .milliseconds(10)) == 0)
        try push.send([[7]])
        #expect(try group.poll(timeout: .seconds(5)) == 1)
        let ready = (0..<group.count).map { group.hasInput($0) }
        #expect(ready == [false, true, false])
        let parts = try group.withSocket(at: 1) { (socket) throws(ZMQError) in try socket.receiveParts() }
        #expect(parts == [[7]])
    }

    @Test("The library version is reported")
    func version() {
        #expect(ZMQContext.libraryVersion.split(separator: ".").count == 3)
    }
}

/// A thread-safe box for a test thread's outcome.
final class ResultBox: @unchecked Sendable {
    // Invariant: `value` is only touched under `lock`.
    private let lock = NSLock()
    private var value: String?
    func set(_ text: String) { lock.withLock { value = text } }
    func get() -> String? { lock.withLock { value } }
}

@Suite("CurveZMQ keys and handshake events")
struct ZMQCurveTests {
    @Test("A generated pair is Z85, and its public key is derived again from the secret one")
    func keyPairs() throws {
        let pair = try ZMQCurveKeyPair.generate()
        #expect(pair.publicKey.utf8.count == 40 && pair.secretKey.utf8.count == 40 && pair.publicKey != pair.secretKey)
        #expect(ZMQCurveKeyPair.isKey(pair.publicKey) && ZMQCurveKeyPair.isKey(pair.secretKey))
        #expect(try ZMQCurveKeyPair(secretKey: pair.secretKey) == pair)
        #expect(try ZMQCurveKeyPair.generate() != pair)
        #expect(!ZMQCurveKeyPair.isKey("short") && !ZMQCurveKeyPair.isKey(String(repeating: "\"", count: 40)))   // '"' is not Z85
        #expect(throws: ZMQError.self) { _ = try ZMQCurveKeyPair(secretKey: "not a key") }
        #expect(ZMQCurveKeyPair.z85([0x86, 0x4F, 0xD2, 0x6F]) == nil)   // only 32-byte keys
        #expect(ZMQCurveKeyPair.z85([UInt8](repeating: 0, count: 32)) == String(repeating: "0", count: 40))
    }

    @Test("Monitor messages become handshake events; other events are not")
    func events() {
        func message(_ event: UInt16, _ value: UInt32) -> [[UInt8]] {
            [withUnsafeBytes(of: event) { Array($0) } + withUnsafeBytes(of: value) { Array($0) }, Array("tcp://127.0.0.1:1".utf8)]
        }
        #expect(ZMQHandshakeEvent(parts: message(0x1000, 0)) == .succeeded)
        #expect(ZMQHandshakeEvent(parts: message(0x2000, 0x1100_0002)) == .mechanismMismatch)
        #expect(ZMQHandshakeEvent(parts: message(0x2000, 0x1100_0001)) == .protocolError(0x1100_0001))
        #expect(ZMQHandshakeEvent(parts: message(0x4000, 400)) == .refused(status: 400))
        #expect(ZMQHandshakeEvent(parts: message(0x0800, 0)) == .failed)
        #expect(ZMQHandshakeEvent(parts: message(0x0001, 0)) == nil)   // connected
        #expect(ZMQHandshakeEvent(parts: [[1, 2]]) == nil)
    }
}
