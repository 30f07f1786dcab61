// Writing a command's output file (a summary, a campaign, metrics): whole or not at all, without
// replacing what the path names when that is not a plain file.
import Foundation

/// Writes the files commands are asked to write (`--summary`, `--out`).
///
/// A plain file (or a new one) is written beside its name and renamed into place, so a reader never
/// sees half of it. A path that names something else (`/dev/stdout`, a named pipe, a symbolic link
/// to a file kept elsewhere) is written through instead: renaming onto it would replace the link or
/// the device node with a file (as root, `/dev/stdout` itself) rather than write to it.
public enum OutputFile {
    public static func write(_ text: String, to path: String) throws {
        var status = stat()
        let plain = lstat(path, &status) != 0 || (status.st_mode & S_IFMT) == S_IFREG
        try text.write(toFile: path, atomically: plain, encoding: .utf8)
    }
}
