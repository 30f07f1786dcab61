// Truth fixes from MAVLink: which clock times them and which reference their height uses.
import Testing
import TelemetryModel

@Suite("MAVLink truth fixes")
struct MAVLinkTruthAssemblerTests {
    let header = MAVLinkFrameHeader(version: 2, sequence: 0, systemID: 8, componentID: 1, messageID: 33, isSigned: false)
    let received = Timestamp(nanosecondsSinceEpoch: 1_900_000_000_000_000_000)

    func position(bootMs: UInt32) -> MAVLinkMessage {
        .globalPositionInt(MAVLinkGlobalPositionInt(timeBootMilliseconds: bootMs, latitudeE7: 358_500_000, longitudeE7: 1_265_500_000,
                                                    altitudeMSLMillimetres: 100_000, relativeAltitudeMillimetres: 95_000,
                                                    vx: 300, vy: -400, vz: 150, heading: 0))
    }

    func gps(ellipsoidMm: Int32, fix: UInt8 = 3, time: UInt64 = 0) -> MAVLinkMessage {
        .gpsRawInt(MAVLinkGPSRawInt(timeMicroseconds: time, latitudeE7: 358_500_001, longitudeE7: 1_265_500_001, altitudeMSLMillimetres: 100_000,
                                    eph: 0, epv: 0, velocity: 0, courseOverGround: 0, fixType: fix, satellitesVisible: 12,
                                    altitudeEllipsoidMillimetres: ellipsoidMm, horizontalAccuracy: 0, verticalAccuracy: 0,
                                    velocityAccuracy: 0, headingAccuracy: 0, yaw: 0))
    }

    @Test("Before SYSTEM_TIME a fix takes the receive time; after, time_boot_ms mapped to UTC")
    func clocks() throws {
        var assembler = MAVLinkTruthAssembler(droneID: "drone-8", siteGeoidSeparation: 23)
        let early = try unwrap(assembler.ingest(header, position(bootMs: 1000), receivedAt: received))
        #expect(early.clock == .receive)
        #expect(early.time == received)
        _ = assembler.ingest(header, .systemTime(MAVLinkSystemTime(timeUnixMicroseconds: 1_748_736_060_000_000, timeBootMilliseconds: 60_000)),
                             receivedAt: received)
        let late = try unwrap(assembler.ingest(header, position(bootMs: 61_500), receivedAt: received))
        #expect(late.clock == .systemTime)
        #expect(late.time == Timestamp(nanosecondsSinceEpoch: 1_748_736_061_500_000_000))
        #expect(late.droneID == "drone-8")
        #expect(late.systemID == 8)
    }

    @Test("A SYSTEM_TIME without UTC (0) does not set the clock")
    func systemTimeWithoutUTC() throws {
        var assembler = MAVLinkTruthAssembler(droneID: "d", siteGeoidSeparation: 0)
        _ = assembler.ingest(header, .systemTime(MAVLinkSystemTime(timeUnixMicroseconds: 0, timeBootMilliseconds: 5)), receivedAt: received)
        #expect(try unwrap(assembler.ingest(header, position(bootMs: 10), receivedAt: received)).clock == .receive)
    }

    @Test("Height: MSL plus the site's geoid separation, until GPS_RAW_INT gives the ellipsoid height")
    func heights() throws {
        var assembler = MAVLinkTruthAssembler(droneID: "d", siteGeoidSeparation: 23)
        let before = try unwrap(assembler.ingest(header, position(bootMs: 0), receivedAt: received))
        #expect(before.heightReference == .mslPlusGeoid)
        #expect(before.position.ellipsoidalHeight == 123)
        // GPS_RAW_INT says the ellipsoid is 24.5 m below MSL here; a zero alt_ellipsoid means "absent".
        _ = assembler.ingest(header, gps(ellipsoidMm: 0), receivedAt: received)
        #expect(try unwrap(assembler.ingest(header, position(bootMs: 0), receivedAt: received)).heightReference == .mslPlusGeoid)
        _ = assembler.ingest(header, gps(ellipsoidMm: 124_500), receivedAt: received)
        let after = try unwrap(assembler.ingest(header, position(bootMs: 0), receivedAt: received))
        #expect(after.heightReference == .ellipsoid)
        #expect(after.position.ellipsoidalHeight == 124.5)
    }

    @Test("Velocity turns from north-east-down cm/s into east-north-up m/s")
    func velocity() throws {
        var assembler = MAVLinkTruthAssembler(droneID: "d", siteGeoidSeparation: 0)
        let fix = try unwrap(assembler.ingest(header, position(bootMs: 0), receivedAt: received))
        #expect(fix.velocityENU == ENUVector(-4, 3, -1.5))
        #expect(fix.position.latitude == 35.85)
        #expect(fix.position.longitude == 126.55)
    }

    @Test("GPS_RAW_INT yields truth only from systems without GLOBAL_POSITION_INT, and only with a fix")
    func gpsOnlySystems() throws {
        var assembler = MAVLinkTruthAssembler(droneID: "d", siteGeoidSeparation: 23)
        #expect(assembler.ingest(header, gps(ellipsoidMm: 0, fix: 1), receivedAt: received) == nil)
        let unix = try unwrap(assembler.ingest(header, gps(ellipsoidMm: 0, time: 1_748_736_000_123_456), receivedAt: received))
        #expect(unix.clock == .gpsUnix)
        #expect(unix.time == Timestamp(nanosecondsSinceEpoch: 1_748_736_000_123_456_000))
        #expect(unix.heightReference == .mslPlusGeoid)
        #expect(unix.position.ellipsoidalHeight == 123)
        let boot = try unwrap(assembler.ingest(header, gps(ellipsoidMm: 130_000, time: 5_000_000), receivedAt: received))
        #expect(boot.clock == .receive)
        #expect(boot.position.ellipsoidalHeight == 130)
        _ = assembler.ingest(header, position(bootMs: 0), receivedAt: received)
        #expect(assembler.ingest(header, gps(ellipsoidMm: 0), receivedAt: received) == nil)
        // Another system on the same source is tracked separately.
        let other = MAVLinkFrameHeader(version: 2, sequence: 0, systemID: 9, componentID: 1, messageID: 24, isSigned: false)
        #expect(assembler.ingest(other, gps(ellipsoidMm: 0), receivedAt: received) != nil)
    }
}

/// `#require` cannot take a mutating call; this evaluates it first.
func unwrap<T>(_ value: T?, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    try #require(value, sourceLocation: sourceLocation)
}
