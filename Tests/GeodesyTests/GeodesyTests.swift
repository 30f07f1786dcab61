// WGS84, ECEF and ENU conversions: known points, round trips, and the polar measurement.
import Testing
import Geodesy
import TelemetryModel

@Suite("Geodesy")
struct GeodesyTests {
    let site = GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 5)

    @Test("ECEF of known points")
    func ecefKnownPoints() {
        let equator = WGS84.ecef(GeodeticPosition(latitude: 0, longitude: 0, ellipsoidalHeight: 0))
        #expect(abs(equator.x - 6_378_137) < 1e-6 && abs(equator.y) < 1e-6 && abs(equator.z) < 1e-6)
        let pole = WGS84.ecef(GeodeticPosition(latitude: 90, longitude: 0, ellipsoidalHeight: 0))
        #expect(abs(pole.z - 6_356_752.314_245) < 1e-3)
        let east = WGS84.ecef(GeodeticPosition(latitude: 0, longitude: 90, ellipsoidalHeight: 100))
        #expect(abs(east.y - 6_378_237) < 1e-6)
    }

    @Test("Geodetic to ECEF and back is exact to a tenth of a millimetre", arguments: [
        (35.85, 126.55, 5.0), (-33.9, 151.2, 40.0), (89.9, -179.9, 1000.0), (0.0, 0.0, -50.0), (60.0, 10.0, 30_000.0),
    ])
    func roundTrip(lat: Double, lon: Double, h: Double) {
        let back = WGS84.geodetic(ecef: WGS84.ecef(GeodeticPosition(latitude: lat, longitude: lon, ellipsoidalHeight: h)))
        #expect(abs(back.latitude - lat) < 1e-9)
        #expect(abs(back.longitude - lon) < 1e-9)
        #expect(abs(back.ellipsoidalHeight - h) < 1e-4)
    }

    @Test("ENU at the site: the origin is zero, north is +N, up is +U, and conversions invert")
    func enu() {
        let frame = LocalTangentPlane(origin: site)
        let zero = frame.enu(site)
        #expect(abs(zero.x) < 1e-6 && abs(zero.y) < 1e-6 && abs(zero.z) < 1e-6)
        let north = frame.enu(GeodeticPosition(latitude: 35.86, longitude: 126.55, ellipsoidalHeight: 5))
        #expect(north.y > 1100 && north.y < 1115 && abs(north.x) < 1e-6)   // 0.01° of latitude ≈ 1109 m here
        let up = frame.enu(GeodeticPosition(latitude: 35.85, longitude: 126.55, ellipsoidalHeight: 105))
        #expect(abs(up.z - 100) < 1e-6)
        for point in [ENUVector(1575.52, -1511.081, 274.355), ENUVector(-3000, 2500, 30), ENUVector(0, 0, 0)] {
            let back = frame.enu(frame.geodetic(point))
            #expect(abs(back.x - point.x) < 1e-4 && abs(back.y - point.y) < 1e-4 && abs(back.z - point.z) < 1e-4)
        }
    }

    @Test("The scenario peer's own example: truth ENU and WGS84 agree to a millimetre")
    func scenarioExample() {
        // From a cuas-scenario/1 truth record (../shared/peers/stonesoup/README.md), written by an independent implementation.
        let frame = LocalTangentPlane(origin: site)
        let p = frame.geodetic(ENUVector(1575.52, -1511.081, 274.355))
        #expect(abs(p.latitude - 35.836380605) < 2e-8)
        #expect(abs(p.longitude - 126.56743728) < 2e-8)
        #expect(abs(p.ellipsoidalHeight - 279.729) < 2e-3)
    }

    @Test("Polar measurement: compass azimuth clockwise from north, elevation above the horizontal", arguments: [
        (ENUVector(0, 1000, 0), 1000.0, 0.0, 0.0),
        (ENUVector(1000, 0, 0), 1000.0, 90.0, 0.0),
        (ENUVector(0, -1000, 0), 1000.0, 180.0, 0.0),
        (ENUVector(-1000, 0, 0), 1000.0, 270.0, 0.0),
        (ENUVector(0, 1000, 1000), 1414.213562373095, 0.0, 45.0),
    ])
    func polar(offset: ENUVector, range: Double, azimuth: Double, elevation: Double) {
        let sensor = ENUVector(100, 200, 10)
        let m = PolarMeasurement(of: sensor + offset, from: sensor)
        #expect(abs(m.range - range) < 1e-9)
        #expect(abs(m.azimuth - azimuth) < 1e-9)
        #expect(abs(m.elevation - elevation) < 1e-9)
        let back = m.enuOffset
        #expect(abs(back.x - offset.x) < 1e-6 && abs(back.y - offset.y) < 1e-6 && abs(back.z - offset.z) < 1e-6)
    }
}
