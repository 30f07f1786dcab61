// One Cursor-on-Target event: a confirmed track as CoT XML or as a TAK Protocol Version 1 message.
public import TelemetryModel
public import Tracking
public import Geodesy
import TrackingMath
import Foundation
import CLibCFormat
public import TestbedConfiguration

/// One CoT event: a confirmed track at one time.
public struct CotEvent: Sendable, Hashable {
    public var uid: String
    public var type: String
    public var callsign: String
    /// The event's time and start (the track's time, a message time), and stale.
    public var time: Timestamp
    public var stale: Timestamp
    public var latitude: Double
    public var longitude: Double
    /// Height above the WGS84 ellipsoid, metres.
    public var hae: Double
    /// Circular (horizontal) and linear (vertical) error, metres, one sigma.
    public var ce: Double
    public var le: Double
    /// Speed over ground, m/s, and course, degrees clockwise from true north.
    public var speed: Double
    public var course: Double
    public var remarks: String

    /// The event of `track`, placed with `plane` (the site's tangent plane).
    public init(track: TrackOutput, plane: LocalTangentPlane, settings: CotSettings) {
        let position = plane.geodetic(track.state.position)
        let c = track.state.covariance
        let v = track.state.velocity
        uid = "\(settings.uidPrefix)-\(track.trackID)"
        type = settings.type
        callsign = "\(settings.callsignPrefix)\(track.trackID)"
        time = track.time
        // A track's time is a sender's (any Int64): the stale time saturates instead of overflowing.
        let (sum, overflow) = track.time.nanosecondsSinceEpoch.addingReportingOverflow(Int64(settings.staleSeconds * 1e9))
        stale = Timestamp(nanosecondsSinceEpoch: overflow ? .max : sum)
        latitude = position.latitude
        longitude = position.longitude
        hae = position.ellipsoidalHeight
        ce = (0.5 * (c[0, 0] + c[1, 1])).squareRoot()
        le = max(0, c[2, 2]).squareRoot()
        speed = (v.x * v.x + v.y * v.y).squareRoot()
        var course = atan2(v.x, v.y) * 180 / .pi
        if course < 0 { course += 360 }
        self.course = course
        remarks = "Haechi track \(track.trackID), sensor \(track.sensorID)" + (track.updated ? "" : ", coasting")
    }

    /// 2026-12-07T10:00:05.123Z (milliseconds, as CoT writes times), from `gmtime_r`: a formatter
    /// object per call was the costliest part of an event on the decode thread.
    static func cotTime(_ t: Timestamp) -> String {
        let ms = t.nanosecondsSinceEpoch / 1_000_000
        var seconds = time_t(ms / 1000 - (ms % 1000 < 0 ? 1 : 0))
        let millis = ((ms % 1000) + 1000) % 1000
        var parts = tm()
        guard gmtime_r(&seconds, &parts) != nil else { return "1970-01-01T00:00:00.000Z" }
        // Digits written here: `String(format:)` built an NSString per call.
        var text = ""
        text.reserveCapacity(24)
        func digits(_ value: Int, _ width: Int) {
            let decimal = String(value)
            if decimal.utf8.count < width { text += String(repeating: "0", count: width - decimal.utf8.count) }
            text += decimal
        }
        digits(Int(parts.tm_year) + 1900, 4)
        text += "-"
        digits(Int(parts.tm_mon) + 1, 2)
        text += "-"
        digits(Int(parts.tm_mday), 2)
        text += "T"
        digits(Int(parts.tm_hour), 2)
        text += ":"
        digits(Int(parts.tm_min), 2)
        text += ":"
        digits(Int(parts.tm_sec), 2)
        text += "."
        digits(Int(millis), 3)
        return text + "Z"
    }

    /// `x` as printf's `%.<decimals>f`; a non-finite value as CoT's unknown.
    static func number(_ x: Double, _ decimals: Int) -> String {
        guard x.isFinite else { return "9999999.0" }
        // 512 bytes hold any double with up to 7 decimals (at most 309 digits before the point).
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 512) { buffer in
            let length = haechi_format_fixed(buffer.baseAddress!, 512, Int32(decimals), x)
            guard length >= 0 else { return "" }
            return String(decoding: UnsafeRawBufferPointer(start: buffer.baseAddress!, count: min(Int(length), 511)), as: UTF8.self)
        }
    }

    /// `text` as XML attribute or element text: the control characters XML cannot carry dropped, and
    /// `&`, `<`, `>` and `"` written as entities. In one pass, and none when there is nothing to do.
    static func escaped(_ text: String) -> String {
        let clean = text.utf8.allSatisfy { b in
            (b >= 0x20 || b == 0x09 || b == 0x0A || b == 0x0D) && b != UInt8(ascii: "&") && b != UInt8(ascii: "<")
                && b != UInt8(ascii: ">") && b != UInt8(ascii: "\"")
        }
        if clean { return text }
        var out = ""
        out.unicodeScalars.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default: if scalar.value >= 0x20 { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// The event as CoT XML.
    public var xml: String {
        let escaped = Self.escaped
        let t = Self.cotTime(time)
        return "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
            + "<event version=\"2.0\" uid=\"\(escaped(uid))\" type=\"\(escaped(type))\" how=\"m-f\" time=\"\(t)\" start=\"\(t)\" "
            + "stale=\"\(Self.cotTime(stale))\">"
            + "<point lat=\"\(Self.number(latitude, 7))\" lon=\"\(Self.number(longitude, 7))\" hae=\"\(Self.number(hae, 1))\" "
            + "ce=\"\(Self.number(ce, 1))\" le=\"\(Self.number(le, 1))\"/>"
            + "<detail><contact callsign=\"\(escaped(callsign))\"/><track course=\"\(Self.number(course, 1))\" "
            + "speed=\"\(Self.number(speed, 2))\"/><remarks>\(escaped(remarks))</remarks></detail></event>"
    }

    /// The event as a TAK Protocol Version 1 `TakMessage` (its `cotEvent`; no `takControl`).
    public var takMessage: [UInt8] {
        var detail = ProtobufWriter()
        detail.string(1, "<remarks>\(Self.escaped(remarks))</remarks>")
        var contact = ProtobufWriter()
        contact.string(2, callsign)
        detail.message(2, contact)
        var track = ProtobufWriter()
        track.double(1, speed)
        track.double(2, course)
        detail.message(7, track)
        var event = ProtobufWriter()
        event.string(1, type)
        event.string(5, uid)
        let ms = UInt64(max(0, time.nanosecondsSinceEpoch / 1_000_000))
        event.varint(6, ms)
        event.varint(7, ms)
        event.varint(8, UInt64(max(0, stale.nanosecondsSinceEpoch / 1_000_000)))
        event.string(9, "m-f")
        event.double(10, latitude)
        event.double(11, longitude)
        event.double(12, hae)
        event.double(13, ce.isFinite ? ce : 9_999_999)
        event.double(14, le.isFinite ? le : 9_999_999)
        event.message(15, detail)
        var message = ProtobufWriter()
        message.message(2, event)
        return message.bytes
    }

    /// The mesh framing (UDP): `0xBF 0x01 0xBF` and the message.
    public var meshDatagram: [UInt8] { [0xBF, 0x01, 0xBF] + takMessage }

    /// The stream framing (TCP): `0xBF`, the message's length as a varint, and the message.
    public var streamBytes: [UInt8] {
        let body = takMessage
        var out: [UInt8] = [0xBF]
        ProtobufWriter.appendVarint(UInt64(body.count), to: &out)
        return out + body
    }
}
