// Cursor-on-Target events as a TAK device reads them: times, defaults, and text a sender cannot break.
import Testing
import TelemetryModel
@testable import TestbedRuntime
import TestbedConfiguration

@Suite("Cursor-on-Target events")
struct CotEventTests {
    @Test("Times are UTC to the millisecond, before 1970 too; the defaults are TAK's")
    func times() {
        #expect(CotEvent.cotTime(Timestamp(nanosecondsSinceEpoch: 1_796_669_432_810_989_126)) == "2026-12-07T18:50:32.810Z")
        #expect(CotEvent.cotTime(Timestamp(nanosecondsSinceEpoch: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(CotEvent.cotTime(Timestamp(nanosecondsSinceEpoch: -1_500_000_000)) == "1969-12-31T23:59:58.500Z")
        let settings = CotSettings()
        #expect(settings.udp == "udp://239.2.3.1:6969" && settings.type == "a-u-A-M-F-Q" && !settings.enabled)
    }

    @Test("Control characters a sender put in a sensor id never reach the XML")
    func controlCharacters() {
        #expect(CotEvent.escaped("radar\u{0}-1\u{1B}[2J\tok\n") == "radar-1[2J\tok\n")
    }

    @Test("Escaping drops what XML cannot carry and writes the four entities, in one pass; clean text is kept as is")
    func escaping() {
        #expect(CotEvent.escaped("Haechi track 7, sensor radar-1") == "Haechi track 7, sensor radar-1")
        #expect(CotEvent.escaped("a&b<c>d\"e\u{1}f\tg") == "a&amp;b&lt;c&gt;d&quot;e" + "f\tg")
        #expect(CotEvent.escaped("레이더 <1>") == "레이더 &lt;1&gt;")
        #expect(CotEvent.escaped("&amp;") == "&amp;amp;")
    }

    @Test("Numbers as printf's %.Nf writes them; a non-finite one as CoT's unknown")
    func numbers() {
        #expect(CotEvent.number(35.123456789, 7) == "35.1234568")
        #expect(CotEvent.number(-0.04, 1) == "-0.0")
        #expect(CotEvent.number(2.675, 2) == "2.67")       // the double below 2.675: rounding is exact, not decimal
        #expect(CotEvent.number(1e300, 1).count == 303)
        #expect(CotEvent.number(.nan, 1) == "9999999.0")
        #expect(CotEvent.number(-.infinity, 7) == "9999999.0")
    }
}
