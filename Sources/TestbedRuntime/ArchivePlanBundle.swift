// A test plan with the files it names, as the archive keeps it and as a worker rebuilds it.
import Archive
import RunLog
import TestbedConfiguration
import Foundation

/// A plan and the files it names (a laboratory profile, a conditions file) go to the archive together,
/// under one SHA-256: the plan text's own when it names no file (the hash reports quote), else the
/// hash of the plan text followed by each file's path and text. A worker on another machine rebuilds
/// the plan's folder from them in a temporary folder, so it scores with exactly what was queued.
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

    /// The plan, parsed from a temporary folder holding its text and the files it names at the
    /// relative paths it names them by. A file named by an absolute path, or a path that does not stay
    /// inside the rebuilt folder, is refused.
    static func plan(_ archived: ArchivePlan) throws(RuntimeError) -> TestPlan {
        let label = "archive:plan-\(archived.sha256.prefix(16))"
        guard let includes = (try? JSONSerialization.jsonObject(with: Data(archived.includes.utf8))) as? [String: String] else {
            throw RuntimeError(code: .config, file: label, message: "the archived plan's files are not readable")
        }
        if includes.isEmpty { return try TestPlan.parse(archived.text, file: "\(label).yaml") }
        // Deep enough that every "../" the plan writes stays inside the temporary folder.
        let depth = includes.keys.map { $0.split(separator: "/").filter { $0 == ".." }.count }.max() ?? 0
        let root = (NSTemporaryDirectory() as NSString).appendingPathComponent("haechi-plan-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let folder = ([root] + Array(repeating: "p", count: depth + 1)).joined(separator: "/")
        func write(_ text: String, to relative: String) throws(RuntimeError) {
            let path = ((folder as NSString).appendingPathComponent(relative) as NSString).standardizingPath
            guard !relative.hasPrefix("/"), path.hasPrefix(root + "/") else {
                throw RuntimeError(code: .config, file: label, message: "the plan names \(relative): an archived plan can name files only by relative paths")
            }
            do {
                try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: path, atomically: false, encoding: .utf8)
            } catch {
                throw RuntimeError(code: .io, file: path, message: "cannot rebuild the archived plan: \(RuntimeError.reason(error))")
            }
        }
        for (relative, text) in includes { try write(text, to: relative) }
        try write(archived.text, to: "plan.yaml")
        return try TestPlan.load(path: (folder as NSString).appendingPathComponent("plan.yaml"))
    }
}
