// WGS84, ECEF, ENU and polar conversions agree with pymap3d (Fixtures/gen_geodesy_fixtures.py).
import Testing
import Geodesy
import TelemetryModel
import Foundation

/// `Fixtures/geodesy-pymap3d.json`: pymap3d's answers, one section per conversion. Arrays follow the
/// file's `units` field: geodetic [lat °, lon °, h m], ecef and enu in metres, aer [az °, el °, range m].
struct PyMap3DFixture: Decodable, Sendable {
    struct Point: Decodable, Sendable {
        let name: String
        let geodetic: [Double]
        let ecef: [Double]
    }
    struct Local: Decodable, Sendable {
        let name: String
        let origin: [Double]
        let geodetic: [Double]?
        let ecef: [Double]?
        let enu: [Double]
    }
    struct SiteParallel: Decodable, Sendable {
        let name: String
        let sensorENU: [Double]
        let targetENU: [Double]
        let aer: [Double]
        enum CodingKeys: String, CodingKey {
            case name, aer, sensorENU = "sensor_enu", targetENU = "target_enu"
        }
    }
    struct Offset: Decodable, Sendable {
        let name: String
        let aer: [Double]
        let enu: [Double]
    }
    struct Exact: Decodable, Sendable {
        let name: String
        let sensor: [Double]
        let geodetic: [Double]
        let aer: [Double]
    }

    let generator: String
    let pymap3d: String
    let geodetic2ecef: [Point], ecef2geodetic: [Point]
    let geodetic2enu: [Local], enu2geodetic: [Local], ecef2enu: [Local], enu2ecef: [Local]
    let enu2aer: [SiteParallel], aer2enu: [Offset]
    let geodetic2aer: [Exact], aer2geodetic: [Exact]

    static let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/geodesy-pymap3d.json")

    static func load() throws -> PyMap3DFixture {
        try JSONDecoder().decode(PyMap3DFixture.self, from: Data(contentsOf: url))
    }
}

/// The largest disagreement allowed with pymap3d: about 30 times the largest seen on Linux, which is
/// the rounding of ECEF coordinates near 6.4e6 m (an ulp is 0.9 nm).
private enum Tolerance {
    /// ECEF and ENU coordinates, and slant ranges, metres (largest seen: 3.5e-9).
    static let position = 1e-7
    /// Ellipsoidal heights, metres (largest seen: 3.4e-9).
    static let height = 1e-7
    /// Latitudes and longitudes, degrees: 1e-11° is 1.1 µm (largest seen: 2.6e-13).
    static let geodeticAngle = 1e-11
    /// Azimuths and elevations, degrees (largest seen: 6.7e-9, for a target 76 m away where
    /// nanometres of rounding subtend that much).
    static let polarAngle = 1e-7
}

extension GeodeticPosition {
    fileprivate init(_ v: [Double]) { self.init(latitude: v[0], longitude: v[1], ellipsoidalHeight: v[2]) }
}

extension PolarMeasurement {
    fileprivate init(aer v: [Double]) { self.init(range: v[2], azimuth: v[0], elevation: v[1]) }
}

/// The difference of two angles in degrees, wrapped into [−180, 180].
private func angleDifference(_ a: Double, _ b: Double) -> Double { remainder(a - b, 360) }

private func expectClose(_ got: SIMD3<Double>, _ want: [Double], within tolerance: Double, _ name: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    let d = got - SIMD3(want[0], want[1], want[2])
    let error = max(abs(d.x), abs(d.y), abs(d.z))
    #expect(error <= tolerance, "\(name): got \(got), pymap3d \(want)", sourceLocation: sourceLocation)
}

private func expectClose(_ got: GeodeticPosition, _ want: [Double], _ name: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(got.latitude - want[0]) <= Tolerance.geodeticAngle
                && abs(angleDifference(got.longitude, want[1])) <= Tolerance.geodeticAngle
                && abs(got.ellipsoidalHeight - want[2]) <= Tolerance.height,
            "\(name): got \(got), pymap3d \(want)", sourceLocation: sourceLocation)
}

private func expectClose(_ got: PolarMeasurement, _ want: [Double], _ name: String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(abs(angleDifference(got.azimuth, want[0])) <= Tolerance.polarAngle
                && abs(got.elevation - want[1]) <= Tolerance.polarAngle
                && abs(got.range - want[2]) <= Tolerance.position,
            "\(name): got \(got), pymap3d \(want)", sourceLocation: sourceLocation)
    #expect(got.azimuth >= 0 && got.azimuth < 360, "\(name): azimuth \(got.azimuth) outside [0, 360)",
            sourceLocation: sourceLocation)
}

@Suite("Geodesy against pymap3d")
struct PyMap3DFixtureTests {
    let fixture: PyMap3DFixture

    init() throws {
        fixture = try PyMap3DFixture.load()
    }

    @Test("The fixture names its generator and covers every conversion")
    func header() {
        #expect(fixture.generator == "Tests/GeodesyTests/Fixtures/gen_geodesy_fixtures.py")
        #expect(!fixture.pymap3d.isEmpty)
        let counts = [fixture.geodetic2ecef.count, fixture.ecef2geodetic.count, fixture.geodetic2enu.count,
                      fixture.enu2geodetic.count, fixture.ecef2enu.count, fixture.enu2ecef.count, fixture.enu2aer.count,
                      fixture.aer2enu.count, fixture.geodetic2aer.count, fixture.aer2geodetic.count]
        #expect(counts.allSatisfy { $0 >= 50 })
    }

    @Test("Geodetic to ECEF")
    func geodeticToECEF() {
        for c in fixture.geodetic2ecef {
            expectClose(WGS84.ecef(GeodeticPosition(c.geodetic)), c.ecef, within: Tolerance.position, c.name)
        }
    }

    @Test("ECEF to geodetic")
    func ecefToGeodetic() {
        for c in fixture.ecef2geodetic {
            expectClose(WGS84.geodetic(ecef: SIMD3(c.ecef[0], c.ecef[1], c.ecef[2])), c.geodetic, c.name)
        }
    }

    @Test("Geodetic to ENU at the site origin")
    func geodeticToENU() throws {
        for c in fixture.geodetic2enu {
            let frame = LocalTangentPlane(origin: GeodeticPosition(c.origin))
            expectClose(frame.enu(GeodeticPosition(try #require(c.geodetic))), c.enu, within: Tolerance.position, c.name)
        }
    }

    @Test("ENU at the site origin to geodetic")
    func enuToGeodetic() throws {
        for c in fixture.enu2geodetic {
            let frame = LocalTangentPlane(origin: GeodeticPosition(c.origin))
            expectClose(frame.geodetic(ENUVector(c.enu[0], c.enu[1], c.enu[2])), try #require(c.geodetic), c.name)
        }
    }

    @Test("ECEF to ENU at the site origin")
    func ecefToENU() throws {
        for c in fixture.ecef2enu {
            let frame = LocalTangentPlane(origin: GeodeticPosition(c.origin))
            let ecef = try #require(c.ecef)
            expectClose(frame.enu(ecef: SIMD3(ecef[0], ecef[1], ecef[2])), c.enu, within: Tolerance.position, c.name)
        }
    }

    @Test("ENU at the site origin to ECEF")
    func enuToECEF() throws {
        for c in fixture.enu2ecef {
            let frame = LocalTangentPlane(origin: GeodeticPosition(c.origin))
            expectClose(frame.ecef(enu: ENUVector(c.enu[0], c.enu[1], c.enu[2])), try #require(c.ecef),
                        within: Tolerance.position, c.name)
        }
    }

    @Test("Site-parallel polar measurement of an ENU offset (pymap3d enu2aer)")
    func siteParallelPolar() {
        for c in fixture.enu2aer {
            let sensor = ENUVector(c.sensorENU[0], c.sensorENU[1], c.sensorENU[2])
            let target = ENUVector(c.targetENU[0], c.targetENU[1], c.targetENU[2])
            expectClose(PolarMeasurement(of: target, from: sensor), c.aer, c.name)
        }
    }

    @Test("ENU offset of a polar measurement (pymap3d aer2enu)")
    func polarOffset() {
        for c in fixture.aer2enu {
            expectClose(PolarMeasurement(aer: c.aer).enuOffset, c.enu, within: Tolerance.position, c.name)
        }
    }

    @Test("Exact polar measurement in the sensor's own frame (pymap3d geodetic2aer)")
    func sensorFramePolar() {
        for c in fixture.geodetic2aer {
            expectClose(SensorFrame(position: GeodeticPosition(c.sensor)).polar(of: GeodeticPosition(c.geodetic)), c.aer, c.name)
        }
    }

    @Test("Position of a polar measurement in the sensor's own frame (pymap3d aer2geodetic)")
    func sensorFrameGeodetic() {
        for c in fixture.aer2geodetic {
            expectClose(SensorFrame(position: GeodeticPosition(c.sensor)).geodetic(of: PolarMeasurement(aer: c.aer)),
                        c.geodetic, c.name)
        }
    }

    @Test("Site-parallel and exact elevations differ by at most the tilt between the tangent planes, ≈ 0.009° per km")
    func siteParallelTilt() throws {
        // Pairs the two polar sections by case name; sensor-0 sits at the site origin, where they agree.
        let exact = Dictionary(uniqueKeysWithValues: fixture.geodetic2aer.map { ($0.name, $0) })
        let minimumRadius = WGS84.semiMinorAxis * WGS84.semiMinorAxis / WGS84.semiMajorAxis   // meridian radius at the equator
        for c in fixture.enu2aer {
            let e = try #require(exact[c.name])
            let sensor = ENUVector(c.sensorENU[0], c.sensorENU[1], c.sensorENU[2])
            let target = ENUVector(c.targetENU[0], c.targetENU[1], c.targetENU[2])
            let siteParallel = PolarMeasurement(of: target, from: sensor)
            let own = SensorFrame(position: GeodeticPosition(e.sensor)).polar(of: GeodeticPosition(e.geodetic))
            let tilt = (sensor.x * sensor.x + sensor.y * sensor.y).squareRoot() / minimumRadius * 180 / .pi
            #expect(abs(siteParallel.elevation - own.elevation) <= tilt * 1.001 + Tolerance.polarAngle, "\(c.name)")
            #expect(abs(siteParallel.range - own.range) <= Tolerance.position, "\(c.name): the rotation keeps the range")
        }
    }
}
