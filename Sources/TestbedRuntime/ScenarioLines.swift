// What `--scenario` names, as the JSON lines `track` and `evaluate` read: either form of a scenario.
public import TestbedConfiguration
import Foundation

/// `--scenario` means a scenario in every command: its description (`Config/scenarios/*.yaml`, what
/// `simulate` runs) or the cuas-scenario/1 JSON lines `simulate --write` made from one. `track` and
/// `evaluate` read JSON lines; given a description, they simulate it first, with its own seed and
/// epoch, into a temporary file, so the same description always gives the same lines.
public enum ScenarioLines {
    /// Whether `path` names a scenario description rather than its JSON lines (by its extension).
    public static func isDescription(_ path: String) -> Bool {
        let lower = path.lowercased()
        return lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
    }

    /// Calls `body` with the path of `path`'s JSON lines: `path` itself, or a temporary file simulated
    /// from the description it names (removed afterwards).
    public static func with<R>(_ path: String, _ body: (String) throws(RuntimeError) -> R) throws(RuntimeError) -> R {
        guard isDescription(path) else { return try body(path) }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("haechi-scenario-\(UUID().uuidString)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw RuntimeError(code: .io, file: folder.path, message: "cannot make a temporary folder: \(RuntimeError.reason(error))")
        }
        defer { try? FileManager.default.removeItem(at: folder) }
        let lines = folder.appendingPathComponent("scenario.jsonl").path
        let options = SimulateOptions(writePath: lines)
        _ = try SimulateRunner.run(spec: SimulateRunner.prepare(ScenarioConfiguration.load(path: path), options: options),
                                   scenarioPath: path, options: options)
        return try body(lines)
    }
}
