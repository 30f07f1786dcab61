// ReportOutputFolder: a report's files written aside in its output folder, then moved into place together.
import Foundation
import TestbedConfiguration

/// The output folder of `haechi report`. It is created if missing, and must be empty if not; each attempt's files are written
/// to a staging folder inside it (`.haechi-report-XXXXXX`, on the same file system, so moving a file
/// into place is one `rename(2)`), and are then either all moved into place or all removed.
final class ReportOutputFolder {
    /// The output folder.
    let path: String
    /// Whether this run created it (and so removes it again, if it stays empty, when the report fails).
    private let created: Bool

    /// Creates the folder if it is missing.
    /// - Throws: ``RuntimeError`` when it cannot be created (a read-only place, a file in the way).
    init(path: String) throws(RuntimeError) {
        self.path = path
        created = !FileManager.default.fileExists(atPath: path)
        // A report is never written over another: a signed report replaced by a new draft, or a PDF
        // of the old one left beside the new files, would pass for what it is not.
        if !created {
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            let kept = entries.filter { !$0.hasPrefix(".haechi-report-") }.sorted()
            if !kept.isEmpty {
                throw RuntimeError(code: .io, file: path, message: "cannot write the report: the output folder is not empty (\(kept.prefix(3).joined(separator: ", "))"
                                   + (kept.count > 3 ? ", ..." : "") + "): a report is never written over another; "
                                   + "name a new folder, or move this one away")
            }
        }
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw RuntimeError(code: .io, file: path, message: "cannot write the report: cannot create the folder: \(RuntimeError.reason(error))")
        }
    }

    /// Writes `files` (name → bytes) into a new staging folder inside the output folder.
    /// - Throws: ``RuntimeError`` when the staging folder or a file cannot be written; nothing is left.
    func stage(_ files: [String: Data]) throws(RuntimeError) -> StagedReport {
        var template = Array((path as NSString).appendingPathComponent(".haechi-report-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw RuntimeError(code: .io, file: path, message: "cannot write the report: \(String(cString: strerror(errno)))")
        }
        let staged = StagedReport(folder: path, staging: String(cString: made), names: Array(files.keys))
        for (name, bytes) in files {
            do {
                try bytes.write(to: URL(fileURLWithPath: (staged.staging as NSString).appendingPathComponent(name)))
            } catch {
                staged.discard()
                throw RuntimeError(code: .io, file: path, message: "cannot write the report: \(RuntimeError.reason(error))")
            }
        }
        return staged
    }

    /// After a failure: removes the output folder if this run created it and it is still empty.
    func abandon() {
        if created { rmdir(path) }
    }
}
