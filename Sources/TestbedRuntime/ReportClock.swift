// Times as a Korean report shows them (KST beside UTC), and the labels of plan and profile fields.
import Reporting
import TelemetryModel
import Foundation

/// Formats a data timestamp in UTC and in Korea Standard Time (UTC+9, no daylight saving), to the
/// millisecond, and names the fields a plan or laboratory profile may give.
enum ReportClock {
    /// `2026-12-07 03:51:39.123 UTC`.
    static func utc(_ t: Timestamp) -> String { format(t, offsetHours: 0, zone: "UTC") }
    /// `2026-12-07 12:51:39.123 KST`.
    static func kst(_ t: Timestamp) -> String { format(t, offsetHours: 9, zone: "KST") }

    private static func format(_ t: Timestamp, offsetHours: Int64, zone: String) -> String {
        let ns = t.nanosecondsSinceEpoch + offsetHours * 3_600_000_000_000
        var seconds = time_t(ns >= 0 ? ns / 1_000_000_000 : (ns - 999_999_999) / 1_000_000_000)
        let millis = ((ns % 1_000_000_000) + 1_000_000_000) % 1_000_000_000 / 1_000_000
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d.%03d %@", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
                      Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(millis), zone)
    }

    /// The label of a plan or profile field.
    static func profileLabel(_ key: String) -> ReportText {
        switch key {
        case "address": ReportText(ko: "주소", en: "Address")
        case "accreditation": ReportText(ko: "인정 번호", en: "Accreditation")
        case "contact": ReportText(ko: "담당자", en: "Contact")
        case "phone": ReportText(ko: "전화", en: "Telephone")
        case "email": ReportText(ko: "전자우편", en: "E-mail")
        case "site": ReportText(ko: "시험장", en: "Test site")
        case "serial": ReportText(ko: "일련번호", en: "Serial number")
        case "condition": ReportText(ko: "접수 시 상태", en: "Condition on receipt")
        case "temperature_c": ReportText(ko: "기온", en: "Temperature")
        case "humidity_pct": ReportText(ko: "상대습도", en: "Relative humidity")
        case "wind_mps": ReportText(ko: "풍속", en: "Wind speed")
        case "wind_from_deg": ReportText(ko: "풍향", en: "Wind from")
        case "visibility_km": ReportText(ko: "시정", en: "Visibility")
        case "pressure_hpa": ReportText(ko: "기압", en: "Pressure")
        case "precipitation": ReportText(ko: "강수", en: "Precipitation")
        case "measured_at": ReportText(ko: "측정 시각", en: "Measured at")
        default: ReportText(verbatim: key)
        }
    }
}
