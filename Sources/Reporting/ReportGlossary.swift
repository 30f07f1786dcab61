// The one glossary of the report's figures: each metric's Korean and English name.

/// Every figure's name in Korean and English, used by every renderer and listed side by side in
/// `docs/glossary.md` (a test holds the two equal).
///
/// The Korean follows Korean test-report usage (KOLAS 시험성적서; KS W 8000): 건수 for a count,
/// 항적 for a track, 신뢰구간 for a confidence interval, 탐지확률 for Pd.
public enum ReportGlossary {
    /// One metric: its key (or key prefix) and its names.
    public struct Entry: Sendable, Hashable {
        /// The figure key, or for a per-sensor figure the key before `_<sensor>`.
        public var key: String
        public var name: ReportText
    }

    /// The metrics, in the order of the figures table.
    public static let entries: [Entry] = [
        e("pd", "탐지확률 (Pd)", "Probability of detection (Pd)"),
        e("pd_within", "거리 이내 탐지확률 (Pd)", "Probability of detection within range (Pd)"),
        e("false_alarms_per_scan", "스캔당 오경보 건수", "False alarms per scan"),
        e("false_alarms_per_sensor_hour", "센서·시간당 오경보 건수", "False alarms per sensor-hour"),
        e("false_alarms_per_hour", "시스템·시간당 오경보 건수", "False alarms per system-hour"),
        e("range_bias_m", "거리 편향", "Range bias"),
        e("range_rmse_m", "거리 평균제곱근오차", "Range RMSE"),
        e("azimuth_bias_deg", "방위각 편향", "Azimuth bias"),
        e("azimuth_rmse_deg", "방위각 평균제곱근오차", "Azimuth RMSE"),
        e("elevation_bias_deg", "고각 편향", "Elevation bias"),
        e("elevation_rmse_deg", "고각 평균제곱근오차", "Elevation RMSE"),
        e("scan_period_s", "스캔 주기", "Scan period"),
        e("update_interval_s", "표적 갱신 간격", "Target update interval"),
        e("max_detection_range_m", "최대 탐지거리 (요구 Pd 기준)", "Maximum detection range (at the required Pd)"),
        e("min_detection_range_m", "최소 탐지거리 (요구 Pd 기준)", "Minimum detection range (at the required Pd)"),
        e("farthest_detection_m", "최원 탐지 경사거리 (관측)", "Farthest detection (observed)"),
        e("nearest_detection_m", "최근접 탐지 경사거리 (관측)", "Nearest detection (observed)"),
        e("fastest_target_detected_mps", "탐지한 가장 빠른 표적의 속력", "Fastest target detected"),
        e("ospa_mean_m", "OSPA 평균", "Mean OSPA"),
        e("gospa_mean", "GOSPA 평균", "Mean GOSPA"),
        e("completeness", "항적 완전성 (SIAP)", "Track completeness (SIAP)"),
        e("ambiguity", "항적 모호성 (SIAP)", "Track ambiguity (SIAP)"),
        e("spuriousness", "허위 항적 비율 (SIAP)", "Track spuriousness (SIAP)"),
        e("siap_position_accuracy_m", "위치 정확도 (SIAP)", "Position accuracy (SIAP)"),
        e("siap_velocity_accuracy_mps", "속도 정확도 (SIAP)", "Velocity accuracy (SIAP)"),
        e("rate_of_track_number_change_per_s", "항적번호 변경률", "Rate of track number change"),
        e("longest_track_segment", "최장 항적 구간 비율", "Longest track segment"),
        e("horizontal_rmse_m", "수평 위치 평균제곱근오차", "Horizontal position RMSE"),
        e("vertical_rmse_m", "수직 위치 평균제곱근오차", "Vertical position RMSE"),
        e("position_rmse_3d_m", "3차원 위치 평균제곱근오차", "3-D position RMSE"),
        e("horizontal_p95_m", "수평 위치오차 95백분위수", "Horizontal position error, 95th percentile"),
        e("vertical_p95_m", "수직 위치오차 95백분위수", "Vertical position error, 95th percentile"),
        e("position_p95_3d_m", "3차원 위치오차 95백분위수", "3-D position error, 95th percentile"),
        e("position_bias_east_m", "동쪽 위치 편향", "Position bias, east"),
        e("position_bias_north_m", "북쪽 위치 편향", "Position bias, north"),
        e("position_bias_up_m", "수직 위치 편향", "Position bias, up"),
        e("cep50_m", "원형공산오차 (CEP50)", "Circular error probable (CEP50)"),
        e("latency_s", "항적 지연시간", "Track latency"),
        e("mota", "다중객체 추적정확도 (MOTA)", "Multiple-object tracking accuracy (MOTA)"),
        e("motp_m", "다중객체 추적정밀도 (MOTP)", "Multiple-object tracking precision (MOTP)"),
        e("idf1", "식별 F1 점수 (IDF1)", "Identity F1 score (IDF1)"),
        e("id_switches", "식별번호 전환 건수", "Identity switches"),
        e("fragmentations", "항적 단절 건수", "Track fragmentations"),
        e("false_tracks_per_hour", "시스템·시간당 허위 항적 건수", "False tracks per system-hour"),
        e("max_targets_tracked", "동시 추적 표적 수 (최대)", "Targets tracked at once (maximum)"),
        e("claimed_identity_correct", "주장 식별자 일치율", "Claimed identity correct"),
        e("first_detection_range_m", "최초 탐지거리 (최소)", "First-detection range (least)"),
        e("first_track_range_m", "최초 항적 확정거리 (최소)", "First confirmed-track range (least)"),
        e("time_to_first_detection_s", "탐지영역 진입 후 최초 탐지까지 시간", "Time from entry into coverage to first detection"),
        e("time_to_first_track_s", "탐지영역 진입 후 최초 항적 확정까지 시간", "Time from entry into coverage to first confirmed track"),
        e("class_drone_as_drone", "드론을 드론으로 분류한 비율", "Drones classified as drone"),
        e("class_drone_as_bird", "드론을 조류로 분류한 비율", "Drones classified as bird"),
        e("class_drone_as_manned_aircraft", "드론을 유인 항공기로 분류한 비율", "Drones classified as manned aircraft"),
        e("class_drone_as_other", "드론을 기타로 분류한 비율", "Drones classified as other"),
        e("class_drone_as_unknown", "드론을 미상으로 분류한 비율", "Drones classified as unknown"),
        e("class_false_alarm_as_drone", "오경보를 드론으로 분류한 비율", "False alarms classified as drone"),
        e("class_false_alarm_as_bird", "오경보를 조류로 분류한 비율", "False alarms classified as bird"),
        e("class_false_alarm_as_manned_aircraft", "오경보를 유인 항공기로 분류한 비율", "False alarms classified as manned aircraft"),
        e("class_false_alarm_as_other", "오경보를 기타로 분류한 비율", "False alarms classified as other"),
        e("class_false_alarm_as_unknown", "오경보를 미상으로 분류한 비율", "False alarms classified as unknown"),
        e("time_to_first_correct_classification_s", "탐지영역 진입 후 처음 올바르게 분류하기까지의 시간", "Time from entry into coverage to first correct classification"),
        e("first_correct_classification_range_m", "처음 올바르게 분류한 거리 (최소)", "First correct-classification range (least)"),
        e("reference_uncertainty_m", "기준 위치 확장불확도 (k=2)", "Reference position expanded uncertainty (k = 2)"),
    ]

    private static func e(_ key: String, _ ko: String, _ en: String) -> Entry {
        Entry(key: key, name: ReportText(ko: ko, en: en))
    }

    private static let byKey: [String: ReportText] = Dictionary(uniqueKeysWithValues: entries.map { ($0.key, $0.name) })

    /// The name of a figure key, with its qualifiers: `pd_radar-0_1000_2000m` is Pd of sensor radar-0
    /// between 1000 and 2000 m, `pd_within_2000m` Pd within 2000 m, `range_rmse_m_radar-0` the range
    /// RMSE of radar-0. `nil` for a key the glossary does not know.
    public static func name(ofKey key: String) -> ReportText? {
        if let name = byKey[key] { return name }
        // reference_tracker_<key>: Haechi's own tracker beside a system's tracks (`haechi report --system-tracks`).
        if key.hasPrefix("reference_tracker_"), let name = name(ofKey: String(key.dropFirst("reference_tracker_".count))) {
            return ReportText(ko: "참조 추적기(Haechi)의 \(name.ko)", en: "\(name.en), reference tracker (Haechi)")
        }
        if key.hasPrefix("pd_within_"), key.hasSuffix("m"), let metres = Int(key.dropFirst(10).dropLast()) {
            return ReportText(ko: "\(metres) m 이내 탐지확률 (Pd)", en: "Probability of detection (Pd) within \(metres) m")
        }
        if key.hasPrefix("pd_") {
            let rest = String(key.dropFirst(3))
            // pd_<sensor>_<lo>_<hi>m: the range bin is the last two parts.
            let parts = rest.split(separator: "_", omittingEmptySubsequences: false)
            if parts.count >= 3, let last = parts.last, last.hasSuffix("m"), let hi = Int(last.dropLast()),
               let lo = Int(parts[parts.count - 2]) {
                let sensor = parts.dropLast(2).joined(separator: "_")
                return ReportText(ko: "탐지확률 (Pd), 센서 \(sensor), 경사거리 \(lo)–\(hi) m",
                                  en: "Probability of detection (Pd), sensor \(sensor), slant range \(lo)–\(hi) m")
            }
            return ReportText(ko: "탐지확률 (Pd), 센서 \(rest)", en: "Probability of detection (Pd), sensor \(rest)")
        }
        // <metric>_<sensor>: the longest known prefix.
        for entry in entries.sorted(by: { $0.key.count > $1.key.count }) where key.hasPrefix(entry.key + "_") {
            let sensor = key.dropFirst(entry.key.count + 1)
            return ReportText(ko: "\(entry.name.ko), 센서 \(sensor)", en: "\(entry.name.en), sensor \(sensor)")
        }
        return nil
    }
}

extension ReportGlossary {
    /// A unit of further trials: `runs` (시행), `scans` (스캔), `hours` (시간).
    public static func unit(_ unit: String) -> ReportText {
        switch unit {
        case "scans": ReportText(ko: "스캔", en: "scans")
        case "hours": ReportText(ko: "시간", en: "hours")
        default: ReportText(ko: "회 시행", en: "runs")
        }
    }
}
