// Every fixed label of a report, in Korean and in English.

/// A fixed label of the report (a heading, a field name, a column, a statement), with its Korean and
/// English wording.
///
/// The Korean follows the usual terms of Korean test reports (KOLAS 시험성적서): 시험기관, 의뢰자,
/// 시험방법, 시험품목, 시험일자, 시험조건, 시험결과, 측정불확도, 적합성 판정, 판정규칙, 이탈사항, 승인.
/// Both tables are exhaustive switches, so a new term cannot be added without both wordings.
public enum ReportTerm: String, Sendable, CaseIterable, Hashable {
    // Title block and page furniture.
    case reportTitle, reportSubtitle, reportID, reportFormat, issuedOn, endOfReport, reproductionNotice
    // Sections, in ISO/IEC 17025 §7.8 order.
    case sectionLaboratory, sectionReportID, sectionClient, sectionMethod, sectionItem, sectionDates, sectionConditions
    case sectionResults, sectionConformity, sectionDeviations, sectionAuthorisation, sectionProvenance
    // Laboratory and site.
    case laboratory, site, siteOrigin
    // Report identification.
    case runID, pageNumbering
    // Client and method.
    case client, methodReference, testPlan, planFile
    // Item under test.
    case systemName, systemVersion, systemFirmware, configSHA256
    // Dates.
    case testStarted, testEnded, dateOfIssue
    // Results.
    case resultsScope, externalProviders, figuresTable, quantity, value, unit, uncertainty, confidenceLevel, intervalMethod
    case counts, remark, notEvaluableValue
    // Plots.
    case plots, figureNumber, plotMap, plotPdByRange, plotPositionError, plotOSPAGOSPA, plotTimeline, noData
    case truth, tracks, origin, east, north, rangeAxis, timeAxis, errorAxis, distanceAxis, pdAxis, scaleBar
    case detected, tracked, missed, firstDetection, firstTrack, censored, firstEventsTable, drone, timeSeconds, rangeMetres
    case plotsInHTMLOnly, points, minimum, maximum, mean, last, totalSeconds, pdPlotKey, rangeBin
    // Conformity.
    case decisionRule, criterion, figureKey, compared, requirement, outcome, furtherRuns, basis
    case pass, fail, inconclusive, notEvaluable, unknownOutcome, verdictSummary, overallVerdict, noVerdicts
    // Deviations.
    case deviations, notEvaluableItems, nothingReported
    // Authorisation.
    case authorisedBy, role, signature, date, electronicSignature
    // Provenance.
    case recordingFile, recordingSHA256, runLogHeadHash, softwareVersion, softwareCommit, toolVersions, tool, version
    // This round: the plan's hashes, sampling, environment, settings, the reference's uncertainty, drafts and signatures.
    case planSHA256, labProfileSHA256, samplingPlan, environment, evaluationSettings, uncertaintyBudget, component, draftNotice
    case draftMark, notSigned, signedBy, keyFingerprint, signedAt, glossaryName

    /// The Korean wording.
    public var korean: String {
        switch self {
        case .reportTitle: "시험성적서"
        case .reportSubtitle: "대드론(C-UAS) 탐지·추적 시스템 시험"
        case .reportID: "성적서 번호"
        case .reportFormat: "성적서 형식"
        case .issuedOn: "발행일"
        case .endOfReport: "이하 여백"
        case .reproductionNotice: "이 시험성적서는 시험기관의 서면 승인 없이 전체가 아닌 일부만 복제할 수 없습니다."
        case .sectionLaboratory: "시험기관 및 시험장소"
        case .sectionReportID: "성적서 식별"
        case .sectionClient: "의뢰자"
        case .sectionMethod: "시험방법"
        case .sectionItem: "시험품목"
        case .sectionDates: "시험일자"
        case .sectionConditions: "시험조건"
        case .sectionResults: "시험결과"
        case .sectionConformity: "적합성 진술"
        case .sectionDeviations: "이탈사항 및 평가 불가 항목"
        case .sectionAuthorisation: "승인"
        case .sectionProvenance: "부록 A. 출처 정보"
        case .laboratory: "시험기관"
        case .site: "시험장소"
        case .siteOrigin: "기준점 (위도, 경도, 타원체고)"
        case .runID: "시험 실행 번호"
        case .pageNumbering: "각 쪽에 성적서 번호와 쪽 번호(쪽/전체 쪽)를 표시하며, 마지막 쪽에 ‘시험성적서 끝’을 표시합니다."
        case .client: "의뢰자"
        case .methodReference: "시험방법 기준"
        case .testPlan: "시험계획서"
        case .planFile: "시험계획서 파일"
        case .systemName: "품명"
        case .systemVersion: "소프트웨어 버전"
        case .systemFirmware: "펌웨어 버전"
        case .configSHA256: "설정 해시 (SHA-256)"
        case .testStarted: "시험 시작"
        case .testEnded: "시험 종료"
        case .dateOfIssue: "발행일"
        case .resultsScope: "이 시험결과는 시험한 시험품목에만 해당합니다."
        case .externalProviders: "이 성적서의 결과는 모두 시험기관이 기록 파일로부터 산출한 것이며, 외부 공급자가 제공한 결과는 없습니다."
        case .figuresTable: "시험결과 및 신뢰구간"
        case .quantity: "항목"
        case .value: "측정값"
        case .unit: "단위"
        case .uncertainty: "신뢰구간"
        case .confidenceLevel: "신뢰수준"
        case .intervalMethod: "산출방법"
        case .counts: "건수"
        case .remark: "비고"
        case .notEvaluableValue: "평가 불가"
        case .plots: "그림"
        case .figureNumber: "그림"
        case .plotMap: "평면 궤적도: 실제 위치와 항적 (동-북, m, 동일 축척)"
        case .plotPdByRange: "거리별 탐지확률(Pd)과 신뢰구간"
        case .plotPositionError: "시간에 따른 위치오차"
        case .plotOSPAGOSPA: "시간에 따른 OSPA 및 GOSPA"
        case .plotTimeline: "드론별 탐지·추적·미탐지 시간선"
        case .noData: "데이터 없음"
        case .truth: "실제 위치"
        case .tracks: "항적"
        case .origin: "기준점"
        case .east: "동 (m)"
        case .north: "북 (m)"
        case .rangeAxis: "거리 (m)"
        case .timeAxis: "시간 (s)"
        case .errorAxis: "위치오차 (m)"
        case .distanceAxis: "거리 척도 (m)"
        case .pdAxis: "탐지확률 Pd"
        case .scaleBar: "축척"
        case .detected: "탐지"
        case .tracked: "추적"
        case .missed: "미탐지"
        case .firstDetection: "최초 탐지"
        case .firstTrack: "최초 항적 확정"
        case .censored: "미탐지 (중도절단)"
        case .firstEventsTable: "드론별 최초 탐지 및 최초 항적 확정"
        case .drone: "드론"
        case .timeSeconds: "시각 (s)"
        case .rangeMetres: "거리 (m)"
        case .plotsInHTMLOnly: "그림은 Markdown에서 표시할 수 없으므로 HTML 성적서를 참조하십시오. 아래는 그림 자료의 요약표입니다."
        case .points: "점 수"
        case .minimum: "최소"
        case .maximum: "최대"
        case .mean: "평균"
        case .last: "마지막 값"
        case .totalSeconds: "누적 시간 (s)"
        case .pdPlotKey: "점: 거리 구간별 Pd · 세로 막대: 신뢰구간 · 가로 막대: 거리 구간 · k/n: 탐지 수/탐지 기회 수"
        case .rangeBin: "거리 구간 (m)"
        case .decisionRule: "판정규칙"
        case .criterion: "판정기준"
        case .figureKey: "항목"
        case .compared: "비교값"
        case .requirement: "요구값"
        case .outcome: "판정"
        case .furtherRuns: "추가 시행 수 (무실패 / 관측률)"
        case .basis: "근거"
        case .pass: "적합"
        case .fail: "부적합"
        case .inconclusive: "판정 보류"
        case .notEvaluable: "평가 불가"
        case .unknownOutcome: "알 수 없는 판정"
        case .verdictSummary: "판정 요약"
        case .overallVerdict: "종합 판정"
        case .noVerdicts: "판정기준 없음"
        case .deviations: "이탈사항"
        case .notEvaluableItems: "평가 불가 항목"
        case .nothingReported: "없음"
        case .authorisedBy: "승인자"
        case .role: "직위"
        case .signature: "서명"
        case .date: "일자"
        case .electronicSignature: "이 성적서의 전자서명(Ed25519)은 함께 제공되는 report.signature.json에 있으며, `haechi verify`로 모든 파일과 기록 파일의 무결성을 검증할 수 있습니다."
        case .recordingFile: "기록 파일"
        case .recordingSHA256: "기록 파일 SHA-256"
        case .runLogHeadHash: "실행 기록 체인 해시"
        case .softwareVersion: "Haechi 소프트웨어 버전"
        case .softwareCommit: "소스 커밋"
        case .toolVersions: "도구 버전"
        case .tool: "도구"
        case .version: "버전"
        case .planSHA256: "시험계획서 내용 해시 (SHA-256)"
        case .labProfileSHA256: "시험기관 정보 파일 해시 (SHA-256)"
        case .samplingPlan: "시료 채취(표본) 계획"
        case .environment: "측정된 환경 조건"
        case .evaluationSettings: "평가 설정"
        case .uncertaintyBudget: "기준 위치 불확도 산정표 (GUM)"
        case .component: "요인"
        case .draftNotice: "이 문서는 초안입니다. 시험책임자가 `haechi sign`으로 서명하기 전에는 시험성적서로서 효력이 없습니다."
        case .draftMark: "초안"
        case .notSigned: "서명되지 않음 (초안)"
        case .signedBy: "전자서명자"
        case .keyFingerprint: "공개키 지문 (SHA-256)"
        case .signedAt: "서명 일시"
        case .glossaryName: "명칭"
        }
    }

    /// The English wording.
    public var english: String {
        switch self {
        case .reportTitle: "Test Report"
        case .reportSubtitle: "Counter-UAS detection and tracking system test"
        case .reportID: "Report No."
        case .reportFormat: "Report format"
        case .issuedOn: "Issued"
        case .endOfReport: "End of report; the rest of this page is intentionally blank"
        case .reproductionNotice: "This report shall not be reproduced except in full without the written approval of the laboratory."
        case .sectionLaboratory: "Laboratory and test site"
        case .sectionReportID: "Report identification"
        case .sectionClient: "Client"
        case .sectionMethod: "Test method"
        case .sectionItem: "Item under test"
        case .sectionDates: "Dates"
        case .sectionConditions: "Test conditions"
        case .sectionResults: "Test results"
        case .sectionConformity: "Statement of conformity"
        case .sectionDeviations: "Deviations and items not evaluable"
        case .sectionAuthorisation: "Authorisation"
        case .sectionProvenance: "Annex A. Provenance"
        case .laboratory: "Laboratory"
        case .site: "Test site"
        case .siteOrigin: "Site origin (latitude, longitude, ellipsoidal height)"
        case .runID: "Run ID"
        case .pageNumbering: "Every page carries the report number and its page number (page / pages); the last page is marked ‘End of report’."
        case .client: "Client"
        case .methodReference: "Method reference"
        case .testPlan: "Test plan"
        case .planFile: "Test plan file"
        case .systemName: "Name"
        case .systemVersion: "Software version"
        case .systemFirmware: "Firmware version"
        case .configSHA256: "Configuration hash (SHA-256)"
        case .testStarted: "Test started"
        case .testEnded: "Test ended"
        case .dateOfIssue: "Date of issue"
        case .resultsScope: "These results relate only to the item tested."
        case .externalProviders: "All results in this report were computed by the laboratory from the recording; none were provided by external providers."
        case .figuresTable: "Results and confidence intervals"
        case .quantity: "Quantity"
        case .value: "Value"
        case .unit: "Unit"
        case .uncertainty: "Confidence interval"
        case .confidenceLevel: "Confidence level"
        case .intervalMethod: "Method"
        case .counts: "Counts"
        case .remark: "Remark"
        case .notEvaluableValue: "Not evaluable"
        case .plots: "Figures"
        case .figureNumber: "Figure"
        case .plotMap: "Top-down map: truth and tracks (east-north, m, equal scale)"
        case .plotPdByRange: "Probability of detection (Pd) against range, with confidence intervals"
        case .plotPositionError: "Position error over time"
        case .plotOSPAGOSPA: "OSPA and GOSPA over time"
        case .plotTimeline: "Per-drone timeline: detected, tracked, missed"
        case .noData: "No data"
        case .truth: "Truth"
        case .tracks: "Tracks"
        case .origin: "Origin"
        case .east: "East (m)"
        case .north: "North (m)"
        case .rangeAxis: "Range (m)"
        case .timeAxis: "Time (s)"
        case .errorAxis: "Position error (m)"
        case .distanceAxis: "Distance (m)"
        case .pdAxis: "Pd"
        case .scaleBar: "Scale"
        case .detected: "Detected"
        case .tracked: "Tracked"
        case .missed: "Missed"
        case .firstDetection: "First detection"
        case .firstTrack: "First confirmed track"
        case .censored: "Never (censored)"
        case .firstEventsTable: "First detection and first confirmed track per drone"
        case .drone: "Drone"
        case .timeSeconds: "Time (s)"
        case .rangeMetres: "Range (m)"
        case .plotsInHTMLOnly: "Plots cannot be shown in Markdown; see the HTML report. Summary tables of the plotted data follow."
        case .points: "Points"
        case .minimum: "Min"
        case .maximum: "Max"
        case .mean: "Mean"
        case .last: "Last"
        case .totalSeconds: "Total time (s)"
        case .pdPlotKey: "Point: Pd per range bin · vertical bar: confidence interval · horizontal bar: range bin · k/n: detections/opportunities"
        case .rangeBin: "Range bin (m)"
        case .decisionRule: "Decision rule"
        case .criterion: "Criterion"
        case .figureKey: "Quantity"
        case .compared: "Value compared"
        case .requirement: "Requirement"
        case .outcome: "Verdict"
        case .furtherRuns: "Further trials (no failures / observed rate)"
        case .basis: "Basis"
        case .pass: "PASS"
        case .fail: "FAIL"
        case .inconclusive: "INCONCLUSIVE"
        case .notEvaluable: "NOT EVALUABLE"
        case .unknownOutcome: "Unknown verdict"
        case .verdictSummary: "Verdict summary"
        case .overallVerdict: "Overall verdict"
        case .noVerdicts: "No acceptance criteria"
        case .deviations: "Deviations"
        case .notEvaluableItems: "Items not evaluable"
        case .nothingReported: "None"
        case .authorisedBy: "Authorised by"
        case .role: "Role"
        case .signature: "Signature"
        case .date: "Date"
        case .electronicSignature: "The electronic signature (Ed25519) of this report is in the accompanying report.signature.json; `haechi verify` checks every file and the recording against it."
        case .recordingFile: "Recording file"
        case .recordingSHA256: "Recording SHA-256"
        case .runLogHeadHash: "Run-log chain hash"
        case .softwareVersion: "Haechi software version"
        case .softwareCommit: "Software commit"
        case .toolVersions: "Tool versions"
        case .tool: "Tool"
        case .version: "Version"
        case .planSHA256: "Test plan content hash (SHA-256)"
        case .labProfileSHA256: "Laboratory profile hash (SHA-256)"
        case .samplingPlan: "Sampling plan"
        case .environment: "Measured environmental conditions"
        case .evaluationSettings: "Evaluation settings"
        case .uncertaintyBudget: "Reference position uncertainty budget (GUM)"
        case .component: "Component"
        case .draftNotice: "This document is a DRAFT. It is not a test report until a certification officer signs it with `haechi sign`."
        case .draftMark: "DRAFT"
        case .notSigned: "Not signed (draft)"
        case .signedBy: "Electronically signed by"
        case .keyFingerprint: "Public key fingerprint (SHA-256)"
        case .signedAt: "Signed at"
        case .glossaryName: "Name"
        }
    }

    /// The term for a verdict's outcome code (`PASS`, `FAIL`, `INCONCLUSIVE`, `NOT_EVALUABLE`), or
    /// `.unknownOutcome`.
    public static func outcome(_ code: String) -> ReportTerm {
        switch ReportVerdictSummary.normalisedOutcome(code) {
        case "PASS": .pass
        case "FAIL": .fail
        case "INCONCLUSIVE": .inconclusive
        case "NOT_EVALUABLE": .notEvaluable
        default: .unknownOutcome
        }
    }
}
