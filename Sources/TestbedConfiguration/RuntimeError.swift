// The one error type of TestbedRuntime: a problem a person fixes in a file or on the command line.
import Foundation

/// An error in a configuration file or a run: it names the file, the line and the field.
public struct RuntimeError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What kind of problem it is; the CLI maps it to an exit code.
    public struct Code: Hashable, Sendable {
        fileprivate enum Wrapped: Hashable, Sendable { case config, io, ingest }
        fileprivate var wrapped: Wrapped
        /// A configuration file is unreadable, not YAML, or breaks the reference (exit 2).
        public static let config = Code(wrapped: .config)
        /// A file could not be read or written (exit 1).
        public static let io = Code(wrapped: .io)
        /// Ingest could not start or failed while running (exit 1).
        public static let ingest = Code(wrapped: .ingest)
    }

    /// What kind of problem it is.
    public var code: Code
    /// The file at fault, if any.
    public var file: String?
    /// 1-based line in ``file``, when known.
    public var line: Int?
    /// 1-based column in ``file``, when known.
    public var column: Int?
    /// The field at fault, as a path such as `endpoints[0].socket`.
    public var field: String?
    /// What is wrong and, where it helps, what is expected.
    public var message: String

    /// Creates an error.
    public init(code: Code, file: String? = nil, line: Int? = nil, column: Int? = nil, field: String? = nil, message: String) {
        self.code = code
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `file:line:column: error: field: message`, the form editors and terminals link to.
    public var description: String {
        var location = ""
        if let file {
            location = file
            if let line { location += ":\(line)" + (column.map { ":\($0)" } ?? "") }
            location += ": "
        }
        return location + "error: " + (field.map { "\($0): " } ?? "") + message
    }
}

extension RuntimeError {
    /// Why a file operation failed, in plain words ("no such file or directory", "permission denied",
    /// "no space left on device"), never an error domain and code: Foundation's descriptions of file
    /// errors read "Error Domain=NSPOSIXErrorDomain Code=2" or "The operation could not be completed".
    public static func reason(_ error: any Error) -> String {
        func plain(_ code: Int32) -> String {
            let text = String(cString: strerror(code))
            return text.prefix(1).lowercased() + text.dropFirst()
        }
        if let posix = error as? POSIXError { return plain(posix.code.rawValue) }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain { return plain(Int32(ns.code)) }
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return plain(Int32(underlying.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            switch ns.code {
            case NSFileNoSuchFileError, NSFileReadNoSuchFileError: return plain(ENOENT)
            case NSFileReadNoPermissionError, NSFileWriteNoPermissionError: return plain(EACCES)
            case NSFileWriteOutOfSpaceError: return plain(ENOSPC)
            case NSFileWriteVolumeReadOnlyError: return plain(EROFS)
            case NSFileReadCorruptFileError, NSFileReadInapplicableStringEncodingError: return "not readable text (not UTF-8?)"
            default: break
            }
        }
        return ns.localizedDescription
    }
}
