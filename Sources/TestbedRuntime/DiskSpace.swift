// A file's size and the free space beside it: the status line's and web view's recording figures.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sizes read from the file system, never thrown: a figure that cannot be read is 0 or `nil`.
public enum DiskSpace {
    /// The size of the file at `path` (0 when it cannot be read).
    public static func fileSize(_ path: String) -> UInt64 {
        var info = stat()
        return stat(path, &info) == 0 ? UInt64(info.st_size) : 0
    }

    /// Free bytes on the file system holding `path`, for an unprivileged writer.
    public static func freeBytes(near path: String) -> UInt64? {
        var info = statvfs()
        let slash = path.lastIndex(of: "/")
        let folder = slash.map { String(path[..<$0]) } ?? "."
        guard statvfs(folder.isEmpty ? "/" : folder, &info) == 0 else { return nil }
        return UInt64(info.f_bavail) * UInt64(info.f_frsize)
    }
}
