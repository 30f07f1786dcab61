// One recording scored under one plan, as a worker and an archive campaign do it: the report's evaluation.
import Reporting
import Archive
import RunLog
import TestbedConfiguration
import Foundation

/// Scores a recording under a plan with the report's evaluator, and encodes what the archive keeps of
/// it: the figures (with their counts, bounds and methods) and the verdicts.
enum ArchiveScoring {
    struct Scored {
        var figures: [ReportFigure]
        var verdicts: [ReportVerdict]

        /// The figures and verdicts as the JSON text `archive_results` holds.
        func json() throws(RuntimeError) -> (figures: String, verdicts: String) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            do {
                return (String(decoding: try encoder.encode(figures), as: UTF8.self), String(decoding: try encoder.encode(verdicts), as: UTF8.self))
            } catch {
                throw RuntimeError(code: .io, message: "cannot encode the result: \(error)")
            }
        }

        /// Figures as the archive stored them, or `nil` when they cannot be what the evaluator made (too
        /// large, unreadable, a value or count that is not finite, a count below 0 or past 10¹⁵): the
        /// caller then scores the recording itself.
        static func figures(json: String) -> [ReportFigure]? {
            guard json.utf8.count <= 16 << 20, let figures = try? JSONDecoder().decode([ReportFigure].self, from: Data(json.utf8)) else {
                return nil
            }
            for figure in figures {
                let counts = [figure.numerator, figure.denominator].compactMap { $0 }
                guard counts.allSatisfy({ $0.isFinite && $0 >= 0 && $0 <= 1e15 }), figure.value.map({ $0.isFinite }) ?? true else {
                    return nil
                }
            }
            return figures
        }
    }

    /// The stored object `sha256`, checked to still have that content before anything reads it.
    static func verifiedRecording(_ sha256: String, in store: RecordingStore, run: String) throws(RuntimeError) -> String {
        guard let path = store.path(sha256: sha256) else {
            throw RuntimeError(code: .io, message: "\(run): '\(sha256.prefix(80))' is not a SHA-256")
        }
        guard let actual = RunLog.sha256Hex(file: path) else {
            throw RuntimeError(code: .io, file: path, message: "\(run): the recording is missing from the store")
        }
        guard actual == sha256 else {
            throw RuntimeError(code: .io, file: path, message: "\(run): the stored recording changed (its SHA-256 is \(actual))")
        }
        return path
    }

    static func score(recording path: String, plan: TestPlan) throws(RuntimeError) -> Scored {
        let data = try RecordedRunData.load(path: path)
        let output = Evaluator(plan: plan, input: try EvaluationInput.recorded(data)).evaluate()
        return Scored(figures: output.figures, verdicts: output.verdicts)
    }
}
