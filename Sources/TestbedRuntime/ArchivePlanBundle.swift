// A test plan with the files it names, as the archive keeps it and as a worker rebuilds it.
import Archive
import RunLog
import TestbedConfiguration
import Foundation

/// A plan and the files it names (a laboratory profile, a conditions file) go to the archive together,
/// under one SHA-256: the plan text's own when it names no file (the hash reports quote), else the
/// hash of the plan text followed by each file's path and text. A worker on another machine parses the
/// plan with those files' kept text, so it scores with exactly what was queued.
enum ArchivePlanBundle {
    static func archived(_ plan: TestPlan) -> ArchivePlan {
        let includes = (try? JSONSerialization.data(withJSONObject: plan.includedFiles, options: [.sortedKeys, .withoutEscapingSlashes]))
            .map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        return ArchivePlan(sha256: sha256(plan), name: plan.name, systemName: plan.systemName, text: plan.text, includes: includes)
    }

    static func sha256(_ plan: TestPlan) -> String {
        if plan.includedFiles.isEmpty { return plan.textSHA256 }
        var bundle = plan.text
        for (path, text) in plan.includedFiles.sorted(by: { $0.key < $1.key }) { bundle += "\n--- \(path) ---\n" + text }
        return RunLog.sha256Hex(Data(bundle.utf8))
    }

    /// The plan as queued: its text, with the files it names taken from what the archive kept
    /// rather than from this machine's disk.
    static func plan(_ archived: ArchivePlan) throws(RuntimeError) -> TestPlan {
        let label = "archive:plan-\(archived.sha256.prefix(16)).yaml"
        guard let includes = (try? JSONSerialization.jsonObject(with: Data(archived.includes.utf8))) as? [String: String] else {
            throw RuntimeError(code: .config, file: label, message: "the archived plan's files are not readable")
        }
        return try TestPlan.parse(archived.text, file: label, includedFiles: includes)
    }
}
