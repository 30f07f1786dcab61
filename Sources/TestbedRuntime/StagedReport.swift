// StagedReport: a report's files staged in its output folder, moved into place together or removed.
import Reporting
import Foundation
import TestbedConfiguration

/// A report's files written aside, in a staging folder, ready to be moved into the output folder.
final class StagedReport {
    let folder: String
    let staging: String
    /// The file names, the signature manifest last: a folder whose move was cut short then fails
    /// verification rather than passing as a mix of two reports.
    let names: [String]
    /// The files moved into place so far.
    private(set) var published: [String] = []

    init(folder: String, staging: String, names: [String]) {
        self.folder = folder
        self.staging = staging
        let manifest = SignedManifest.fileName
        self.names = names.filter { $0 != manifest }.sorted() + (names.contains(manifest) ? [manifest] : [])
    }

    /// Moves every file into the output folder (replacing what is there by the same name), then
    /// removes the staging folder.
    func publish() throws(RuntimeError) {
        for name in names {
            let target = (folder as NSString).appendingPathComponent(name)
            guard rename((staging as NSString).appendingPathComponent(name), target) == 0 else {
                throw RuntimeError(code: .io, file: target, message: "cannot write the report: \(String(cString: strerror(errno)))")
            }
            published.append(target)
        }
        rmdir(staging)
    }

    /// Removes the files moved into place (the run-log entry that goes with them was not committed),
    /// and whatever is still staged.
    func unpublish() {
        for path in published { unlink(path) }
        published = []
        discard()
    }

    /// Removes the staged files and the staging folder.
    func discard() {
        for name in names { unlink((staging as NSString).appendingPathComponent(name)) }
        rmdir(staging)
    }
}
