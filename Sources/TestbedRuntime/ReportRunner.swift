// `haechi report`: a recorded run evaluated against a test plan, rendered, signed and logged.
import Evaluation
import Reporting
import RunLog
import SessionRecording
import TelemetryModel
import Tracking
import Foundation
public import TestbedConfiguration

/// Runs `haechi report`.
///
/// The recording is replayed through the same decoders and tracker (so the tracks are the live
/// run's, bit for bit), the Evaluation module scores the decoded detections and the tracks against
/// the drones' truth, the plan's criteria are decided under its one-sided confidence rule, and the
/// report is rendered in each format and language asked for, signed (Ed25519, with the public key
/// beside it) and logged in the run log.
public enum ReportRunner {
    public static func run(_ options: ReportOptions) throws(RuntimeError) -> ReportResult {
        let plan = try TestPlan.load(path: options.planPath)
        let font = try reportFont(options), printer = try pdfPrinter(options)
        let recordingPath = try locateRecording(options.target, log: options.logPath)
        guard let recordingSHA = RunLog.sha256Hex(file: recordingPath) else {
            throw RuntimeError(code: .io, file: recordingPath, message: "cannot read the recording")
        }
        let progress = options.progress
        defer { progress?.finish() }
        progress?.phase("replaying \(recordingPath) through the tracker")
        let data = try RecordedRunData.load(path: recordingPath)
        var override: EvaluationInput.TrackOverride?
        if let tracksPath = options.tracksPath {
            guard let sha = RunLog.sha256Hex(file: tracksPath) else { throw RuntimeError(code: .io, file: tracksPath, message: "cannot read the track file") }
            override = .file(path: tracksPath, tracks: try EvaluateRunner.readTracks(tracksPath), sha256: sha)
        } else if let system = options.systemTracks {
            override = .recordedSystem(system)
        }
        let input = try EvaluationInput.recorded(data, tracks: override)
        progress?.phase("scoring \(input.tracks.count) tracks and the sensors' detections against \(input.truths.count) truths")
        var evaluation = Evaluator(plan: plan, input: input).evaluate()
        if override != nil { try evaluation.addReferenceTracker(plan: plan, data: data) }
        // The range's key signs the draft and its run-log entry: checked (owner, mode, not beside the
        // log) before anything is logged or written.
        let (key, generated) = try RangeKey.load(path: options.keyPath, logPath: options.logPath)

        // The report quotes the run log's head hash, its own entry's. So the entry is made first
        // (not written), the report rendered, signed and written aside with it, and only then is the
        // entry appended, the files moved into place in the same transaction: a report that cannot
        // be rendered, signed or written leaves no entry, and an entry always has its report.
        let log: RunLog
        do { log = try RunLog(path: options.logPath) } catch { throw RuntimeError(code: .io, file: options.logPath, message: error.message) }
        let metricsJSON = String(decoding: (try? JSONSerialization.data(withJSONObject: evaluation.figures.reduce(into: [String: Any]()) {
            $0[$1.key] = $1.value ?? NSNull()
        }, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
        let verdictsJSON = String(decoding: (try? JSONSerialization.data(withJSONObject: evaluation.verdicts.reduce(into: [String: String]()) {
            $0[$1.criterion] = $1.outcome
        }, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
        let configHash = RunLogging.configHash(configText: data.provenance.configText, trackerText: data.provenance.trackerText)
        let record = RunLogRecord(
            kind: "draft", runID: data.provenance.runID, plan: plan.name, systemName: plan.systemName,
            systemVersion: plan.systemVersion, systemFirmware: plan.systemFirmware,
            sources: Array(Set(data.scans.map(\.sensorID)).union(data.truth.keys)).sorted(),
            recordingPath: RunLogging.relative(recordingPath, toFolderOf: options.logPath), recordingSHA256: recordingSHA,
            configSHA256: configHash, softwareVersion: HaechiVersion.version, softwareCommit: HaechiVersion.commit,
            metrics: metricsJSON, verdicts: verdictsJSON)

        let folder = try ReportOutputFolder(path: options.outputDirectory)
        var published = false
        defer { if !published { folder.abandon() } }
        for _ in 0..<appendAttempts {
            let issued = Date()
            let entry: RunLogEntry
            do { entry = try log.nextEntry(record, signingKey: key.key, loggedAt: issued) } catch {
                throw RuntimeError(code: .io, file: options.logPath, message: error.message)
            }
            let report = makeReport(entry: entry, issued: issued, plan: plan, data: data, input: input, evaluation: evaluation,
                                    recordingPath: recordingPath, recordingSHA: recordingSHA, configHash: configHash)

            // Render, sign, and write aside.
            var files: [String: Data] = [:]
            var formats = options.formats
            if !formats.contains(.json) { formats.append(.json) }   // `haechi sign` renders the signed report from it
            let languages: [ReportLanguage] = options.language == .both ? [.both] : [options.language]
            for format in formats {
                for language in languages {
                    let text: String
                    do { text = try format.renderer(language: language, font: font).render(report) } catch {
                        throw RuntimeError(code: .io, message: "cannot render the \(format.rawValue) report: \(error.message)")
                    }
                    files[format == .json ? "report.json" : "report.\(language.rawValue).\(format.rawValue)"] = Data(text.utf8)
                }
            }
            if let printer {
                progress?.phase("printing the PDF with Chromium")
                try addPDFs(to: &files, printer: printer)
            }
            let manifest: SignedManifest
            do {
                manifest = try ReportSigner.sign(files: files, recordingSHA256: recordingSHA, runLogHeadHash: entry.hash,
                                                 reportID: report.reportID, privateKey: key.pem, planSHA256: report.planSHA256,
                                                 labProfileSHA256: report.labProfileSHA256, draft: true)
            } catch {
                throw RuntimeError(code: .io, message: "cannot sign the report: \(error.message)")
            }
            do { files[SignedManifest.fileName] = try manifest.jsonData() } catch {
                throw RuntimeError(code: .io, message: "cannot sign the report: \(error.message)")
            }
            files["report-signing.pub"] = Data(key.publicKey.pem.utf8)
            let staged = try folder.stage(files)

            // Append the entry and move the files into place, or neither.
            var moveFailure: RuntimeError?
            let outcome: RunLogAppendOutcome
            do {
                outcome = try log.append(exactly: entry) {
                    do throws(RuntimeError) { try staged.publish() } catch {
                        moveFailure = error
                        return false
                    }
                    return true
                }
            } catch {
                staged.unpublish()   // the commit failed after the files were moved: take them back out
                throw RuntimeError(code: .io, file: options.logPath, message: error.message)
            }
            switch outcome {
            case .appended:
                published = true
                let summary = ReportVerdictSummary(verdicts: evaluation.verdicts)
                return ReportResult(files: staged.published, overall: summary.overall, verdicts: evaluation.verdicts,
                                    notEvaluable: report.notEvaluable.map(\.en), keyFingerprint: key.publicKey.fingerprint,
                                    generatedKey: generated, embeddedFont: describe(font))
            case .declined:
                staged.unpublish()
                throw moveFailure ?? RuntimeError(code: .io, file: options.outputDirectory, message: "cannot write the report")
            case .headMoved:
                staged.discard()   // another entry came first: make the report again on the new head
            }
        }
        throw RuntimeError(code: .io, file: options.logPath,
                           message: "the run log kept changing while the report was made (\(appendAttempts) attempts); nothing was logged or written")
    }

    /// How many times a report is made again when other entries keep being appended meanwhile.
    static let appendAttempts = 8

    /// The report of an evaluation, quoting the run-log entry it will be logged as.
    static func makeReport(entry: RunLogEntry, issued: Date, plan: TestPlan, data: RecordedRunData, input: EvaluationInput,
                           evaluation: Evaluator.Output, recordingPath: String, recordingSHA: String, configHash: String) -> ReportData {
        let reportID = "HR-\(data.provenance.runID.replacingOccurrences(of: "run-", with: ""))-\(entry.sequence)"
        let issuedAt = Timestamp(nanosecondsSinceEpoch: Int64(issued.timeIntervalSince1970 * 1e9))
        var report = ReportData(
            reportID: reportID, laboratory: plan.laboratory, siteName: data.provenance.siteName,
            siteOrigin: [data.configuration.site.origin.latitude, data.configuration.site.origin.longitude,
                         data.configuration.site.origin.ellipsoidalHeight],
            client: plan.client, method: plan.method, planName: plan.name, planFile: plan.file, systemName: plan.systemName,
            systemVersion: plan.systemVersion, systemFirmware: plan.systemFirmware, configSHA256: configHash,
            testStartedUTC: input.span.map { ReportClock.utc($0.lowerBound) } ?? "—", testEndedUTC: input.span.map { ReportClock.utc($0.upperBound) } ?? "—",
            issuedUTC: ReportClock.utc(issuedAt),
            conditions: plan.conditions.map(ReportText.init(verbatim:)) + evaluation.conditions, figures: evaluation.figures,
            decisionRule: evaluation.decisionRule, verdicts: evaluation.verdicts,
            deviations: plan.deviations.map(ReportText.init(verbatim:)) + evaluation.deviations,
            notEvaluable: evaluation.notEvaluable, authorisedBy: plan.authorisedBy, authorisedRole: plan.authorisedRole,
            runID: data.provenance.runID, recordingFile: (recordingPath as NSString).lastPathComponent, recordingSHA256: recordingSHA,
            runLogHeadHash: entry.hash, softwareVersion: HaechiVersion.version, softwareCommit: HaechiVersion.commit,
            toolVersions: ["haechi": HaechiVersion.version, "recording_software": data.provenance.version,
                           "recording_commit": data.provenance.commit],
            mapTruth: evaluation.mapTruth, mapTracks: evaluation.mapTracks, pdByRange: evaluation.pdByRange,
            positionErrorOverTime: evaluation.positionErrorOverTime, ospaOverTime: evaluation.ospaOverTime,
            gospaOverTime: evaluation.gospaOverTime, timelines: evaluation.timelines)
        report.testStartedKST = input.span.map { ReportClock.kst($0.lowerBound) } ?? ""
        report.testEndedKST = input.span.map { ReportClock.kst($0.upperBound) } ?? ""
        report.issuedKST = ReportClock.kst(issuedAt)
        report.planSHA256 = plan.textSHA256
        report.labProfileSHA256 = plan.labProfile.map { RunLog.sha256Hex(Data($0.text.utf8)) } ?? ""
        report.laboratoryDetails = (plan.labProfile?.fields ?? []).map { ReportField(label: ReportClock.profileLabel($0.key), value: $0.value) }
        report.clientDetails = [("address", plan.clientAddress), ("contact", plan.clientContact)].filter { !$0.1.isEmpty }
            .map { ReportField(label: ReportClock.profileLabel($0.0), value: $0.1) }
        report.itemDetails = [("serial", plan.itemSerial), ("condition", plan.itemCondition)].filter { !$0.1.isEmpty }
            .map { ReportField(label: ReportClock.profileLabel($0.0), value: $0.1) }
        report.samplingPlan = plan.sampling.isEmpty ? nil : ReportText(verbatim: plan.sampling)
        report.environment = plan.environment.map { ReportField(label: ReportClock.profileLabel($0.key), value: $0.value) }
        if plan.environment.isEmpty {
            report.notEvaluable.append(ReportText(ko: "계획서에 측정된 환경 조건(environment 또는 conditions_file)이 없습니다.",
                                                  en: "The plan records no measured environmental conditions (environment or conditions_file)."))
        }
        if plan.labProfile == nil {
            report.deviations.append(ReportText(ko: "계획서가 시험기관 정보 파일(laboratory_profile)을 지정하지 않아 시험기관 주소가 없습니다.",
                                                en: "The plan names no laboratory profile (laboratory_profile): the laboratory's address is missing."))
        }
        report.evaluationSettings = evaluation.settings
        report.uncertaintyBudget = evaluation.budget
        report.uncertaintyNotes = evaluation.budgetNotes
        annotatePdPlot(&report, plan: plan)
        return report
    }

    /// The recording a target names: a path to an `.mcap`, or a run id looked up in the run log.
    static func locateRecording(_ target: String, log: String) throws(RuntimeError) -> String {
        if target.hasSuffix(".mcap") || FileManager.default.fileExists(atPath: target) {
            guard FileManager.default.fileExists(atPath: target) else {
                throw RuntimeError(code: .io, file: target, message: "no such recording")
            }
            return target
        }
        return try RunLogging.recordingPath(ofRun: target, log: log)
    }
}
