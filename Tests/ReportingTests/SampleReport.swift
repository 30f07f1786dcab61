// A realistic report for the tests: figures with intervals, a verdict of each outcome, every plot's
// series, and a drone that was never detected (censored).
@testable import Reporting

enum SampleReport {
    static let reportID = "HAECHI-RPT-2025-0314-007"

    /// Built from exact arithmetic only (no sin/cos), so the JSON golden is the same on every platform.
    static func make() -> ReportData {
        let t = (0...30).map(Double.init)
        // Drone 1 inbound from the north-east, drone 2 crossing west to east, drone 3 low and far (never seen).
        let truth1 = ReportSeries(name: "drone-1", x: t.map { 1800 - 40 * $0 }, y: t.map { 1500 - 30 * $0 })
        let truth2 = ReportSeries(name: "drone-2", x: t.map { -1200 + 60 * $0 }, y: t.map { 600 + 0.5 * $0 * $0 })
        let truth3 = ReportSeries(name: "drone-3", x: t.map { 2600 - 10 * $0 }, y: t.map { -900 + 5 * $0 })
        let track1 = ReportSeries(name: "track-0001", x: t.dropFirst(4).map { 1803.5 - 40 * $0 }, y: t.dropFirst(4).map { 1497.25 - 30 * $0 })
        let track2 = ReportSeries(name: "track-0002", x: t.dropFirst(6).map { -1196 + 60 * $0 }, y: t.dropFirst(6).map { 604.5 + 0.5 * $0 * $0 })
        let falseTrack = ReportSeries(name: "track-0003", x: [400, 410, 425, 445], y: [-300, -290, -275, -262.5])
        let ranges = [250.0, 750, 1250, 1750, 2250, 2750]
        var pd = ReportSeries(name: "Pd (radar-0)", x: ranges, y: [1, 0.975, 0.95, 0.9, 0.625, 0.25],
                              lower: [0.8316, 0.8684, 0.8308, 0.7634, 0.4063, 0.0549],
                              upper: [1, 0.9994, 0.9939, 0.9721, 0.8114, 0.5719])
        pd.numerators = [20, 39, 38, 36, 25, 10]
        pd.denominators = [20, 40, 40, 40, 40, 40]
        pd.xLower = ranges.map { $0 - 250 }
        pd.xUpper = ranges.map { $0 + 250 }
        let error1 = ReportSeries(name: "drone-1 horizontal", x: Array(t.dropFirst(4)), y: t.dropFirst(4).map { 8 + 0.25 * $0 })
        let error2 = ReportSeries(name: "drone-2 horizontal", x: Array(t.dropFirst(6)), y: t.dropFirst(6).map { 14 - 0.125 * $0 })
        let ospa = ReportSeries(name: "OSPA (c = 100 m, p = 1)", x: t, y: t.map { $0 < 4 ? 100 : $0 < 6 ? 66.5 : 45.25 })
        let gospa = ReportSeries(name: "GOSPA (c = 100 m, p = 1, α = 2)", x: t, y: t.map { $0 < 4 ? 150 : $0 < 6 ? 105.5 : 70.75 })
        var report = ReportData(
            reportID: reportID,
            laboratory: "해치 대드론 시험장 (Haechi Counter-UAS Test Range)",
            siteName: "Yeoju range, north pad",
            siteOrigin: [37.2851234, 127.6412345, 68.4],
            client: "Example Defence Co., Ltd.",
            method: "HAECHI-TM-001 rev. 2: detection and tracking of small UAS",
            planName: "quickstart-acceptance",
            planFile: "Config/plans/quickstart.yaml",
            systemName: "SkyGuard R-200",
            systemVersion: "2.4.1",
            systemFirmware: "fw-7.0.3",
            configSHA256: "9f2c4e1b7a6d8c0e3f5a2b4d6c8e0a1b3d5f7e9c1a3b5d7f9e1c3a5b7d9f1e3a",
            testStartedUTC: "2025-03-14T01:00:00Z",
            testEndedUTC: "2025-03-14T01:00:30Z",
            issuedUTC: "2025-03-15T09:30:00Z",
            conditions: ["Scenario: quickstart, 3 drones, seed 42", "Sensor: radar-0, X-band, 1 s scan",
                         "Weather: clear, wind 3 m/s from NW, 12 °C"],
            figures: [
                ReportFigure(key: "pd_within_2km", value: 0.94, unit: "", lower: 0.8345, upper: 0.9875, confidence: 0.95,
                             method: "clopper-pearson", numerator: 47, denominator: 50),
                ReportFigure(key: "horizontal_rmse_m", value: 11.82, unit: "m", lower: 10.9, upper: 12.95, confidence: 0.95,
                             method: "bootstrap-percentile", numerator: 45, denominator: nil),
                ReportFigure(key: "false_alarm_rate_per_hour", value: 3.2, unit: "1/h", lower: 1.1743, upper: 6.9651, confidence: 0.95,
                             method: "poisson-exact", numerator: 6, denominator: 1.875),
                ReportFigure(key: "ospa_mean_m", value: 52.475, unit: "m"),
                ReportFigure(key: "latency_s", value: nil, unit: "s", note: ReportText(ko: "10 s 이상 실제 경로와 겹친 항적 없음", en: "no track overlapped truth for 10 s or more")),
                ReportFigure(key: "siap_completeness", value: 0.8710, unit: "", lower: 0.8, upper: nil, confidence: 0.95,
                             method: "clopper-pearson (one-sided)", numerator: 54, denominator: 62),
            ],
            decisionRule: ReportText(ko: "단측 95 % 하한(상한)이 요구값을 충족하면 적합, 상한(하한)이 미달하면 부적합, 그 밖에는 판정 보류.",
                                      en: "PASS if the one-sided 95 % lower (upper) confidence bound meets the requirement; FAIL if the upper (lower) bound falls short; otherwise INCONCLUSIVE."),
            verdicts: [
                ReportVerdict(criterion: "pd_within_2km >= 0.9 @ 95%", figureKey: "pd_within_2km", outcome: "INCONCLUSIVE",
                              compared: 0.8345, requirement: 0.9, furtherRunsNeeded: 12,
                              explanation: "lower bound 0.8345 < 0.9 < upper bound 0.9875; 12 further runs at Pd 0.94 would settle it"),
                ReportVerdict(criterion: "horizontal_rmse_m <= 15 m", figureKey: "horizontal_rmse_m", outcome: "PASS",
                              compared: 12.95, requirement: 15, explanation: "upper bound 12.95 m <= 15 m"),
                ReportVerdict(criterion: "false_alarm_rate_per_hour <= 1", figureKey: "false_alarm_rate_per_hour", outcome: "FAIL",
                              compared: 1.1743, requirement: 1, explanation: "lower bound 1.1743 /h > 1 /h"),
                ReportVerdict(criterion: "latency_s <= 1.0 s", figureKey: "latency_s", outcome: "NOT_EVALUABLE",
                              compared: nil, requirement: 1, explanation: "latency not evaluable: see deviations"),
            ],
            deviations: [ReportText(ko: "시험장 안전 통제로 60 s 대신 30 s에 시험을 중단함.", en: "Run stopped at 30 s instead of 60 s (range safety hold).")],
            notEvaluable: [ReportText(ko: "latency_s: 10 s 이상 실제 경로와 겹친 항적 없음.", en: "latency_s: no track overlapped truth for 10 s or more.")],
            authorisedBy: "김해치 (Kim Hae-chi)",
            authorisedRole: "Technical manager / 기술책임자",
            runID: "run-20250314-010000",
            recordingFile: "Replays/run-20250314-010000.mcap",
            recordingSHA256: "3b1f5d7e9a2c4e6f8a0b2d4f6e8c0a2e4c6a8f0d2b4e6a8c0f2d4b6e8a0c2f4d",
            runLogHeadHash: "c0ffee00d15ea5e5b01dfacecafe0badf00d1234567890abcdef0123456789ab",
            softwareVersion: "0.1.0",
            softwareCommit: "4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f",
            toolVersions: ["swift": "6.3.1", "swift-crypto": "3.12.3", "GRDB": "7.10.0", "Yams": "6.2.2"],
            mapTruth: [truth1, truth2, truth3],
            mapTracks: [track1, track2, falseTrack],
            pdByRange: pd,
            positionErrorOverTime: [error1, error2],
            ospaOverTime: ospa,
            gospaOverTime: gospa,
            timelines: [
                ReportTimeline(drone: "drone-1", segments: [[0, 2, 0], [2, 4, 1], [4, 30, 2]], firstDetectionSeconds: 2,
                               firstDetectionRangeM: 2209.1, firstTrackSeconds: 4, firstTrackRangeM: 2066.5),
                ReportTimeline(drone: "drone-2", segments: [[0, 3, 0], [3, 6, 1], [6, 18, 2], [18, 21, 1], [21, 30, 2]],
                               firstDetectionSeconds: 3, firstDetectionRangeM: 1194.4, firstTrackSeconds: 6, firstTrackRangeM: 1052.9),
                ReportTimeline(drone: "drone-3", segments: [[0, 30, 0]], firstDetectionSeconds: nil, firstDetectionRangeM: nil,
                               firstTrackSeconds: nil, firstTrackRangeM: nil),
            ])
        report.pdRequirement = 0.9
        report.pdRequirementWithinM = 2000
        return report
    }

    /// The same report with nothing measured: no figures, verdicts, series or timelines.
    static func empty() -> ReportData {
        var report = make()
        report.figures = []
        report.verdicts = []
        report.conditions = []
        report.deviations = []
        report.notEvaluable = ["Recording has no truth: nothing could be evaluated."]
        report.toolVersions = [:]
        report.mapTruth = []
        report.mapTracks = []
        report.pdByRange = nil
        report.pdRequirement = nil
        report.pdRequirementWithinM = nil
        report.positionErrorOverTime = []
        report.ospaOverTime = nil
        report.gospaOverTime = nil
        report.timelines = []
        return report
    }
}
