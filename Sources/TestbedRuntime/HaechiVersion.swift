// The software's name, version and source commit, as written into summaries and recordings.
import Foundation

/// Haechi's identity.
public enum HaechiVersion {
    /// The release version.
    public static let version = "0.1.0"
    /// The program name.
    public static let name = "haechi"
    /// The git commit of the source this binary was built from, when the build was a git checkout
    /// (`git rev-parse HEAD` in the source folder, with `-dirty` when it had changes), else "unknown".
    /// Read at run time from the folder the build recorded (#filePath): a binary moved away from its
    /// checkout says "unknown" rather than guess.
    public static let commit: String = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path
        func git(_ arguments: [String]) -> String? {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["git", "-C", folder] + arguments
            let pipe = Pipe()
            process.standardOutput = pipe
            process.standardError = FileHandle.nullDevice
            do { try process.run() } catch { return nil }
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else { return nil }
            return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        guard let head = git(["rev-parse", "HEAD"]), head.count == 40 else { return "unknown" }
        let dirty = git(["status", "--porcelain", "--untracked-files=no"]).map { !$0.isEmpty } ?? false
        return dirty ? head + "-dirty" : head
    }()
}
