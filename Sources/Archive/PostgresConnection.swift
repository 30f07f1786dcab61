// One connection to PostgreSQL through libpq: parameterised statements in, rows of text out.
import CLibPQ
import Foundation

/// A connection to the archive's PostgreSQL server.
///
/// libpq rather than postgres-nio (docs/architecture.md, "The archive's client"): Haechi's archive
/// commands and workers are sequential programs that wait on one statement at a time, which is
/// libpq's model, and libpq is what `psql` and every other client on the server's machine use, so it
/// reads the same URLs, `~/.pgpass`, `PG*` variables, TLS modes and SCRAM authentication. It costs no
/// build time (Debian's libpq-dev), where postgres-nio brings swift-nio and its siblings.
///
/// Every value goes to the server as a text parameter (`$1`, `$2`, …) and comes back as text: no
/// value is ever spliced into SQL. A connection is used by one thread at a time.
public final class PostgresConnection {
    private let connection: OpaquePointer

    /// Connects. `url` is a libpq connection string or URL (`postgresql://user@host:port/db`); a
    /// `password` given here overrides one libpq would find itself (`PGPASSWORD`, `~/.pgpass`).
    public init(url: String, password: String?, applicationName: String = "haechi") throws(ArchiveError) {
        // expand_dbname = 1: the first "dbname" value is itself a URL or key=value string, and the
        // later keywords override what it says.
        var keywords = ["dbname", "application_name", "client_encoding", "connect_timeout", "options"]
        // Notices ("relation already exists, skipping") would go to stderr; warnings still do.
        var values = [url, applicationName, "UTF8", "10", "-c client_min_messages=warning"]
        if let password { keywords.append("password"); values.append(password) }
        let made = Self.withCStrings(keywords) { keywordPointers in
            Self.withCStrings(values) { valuePointers in PQconnectdbParams(keywordPointers, valuePointers, 1) }
        }
        guard let made else { throw ArchiveError("cannot connect to the archive: out of memory") }
        guard PQstatus(made) == CONNECTION_OK else {
            let reason = Self.message(PQerrorMessage(made))
            PQfinish(made)
            throw ArchiveError("cannot connect to the archive (\(Self.redacted(url))): \(reason)")
        }
        connection = made
    }

    deinit { PQfinish(connection) }

    /// Runs one statement with text parameters (`nil` is SQL NULL) and returns its rows.
    @discardableResult
    public func execute(_ sql: String, _ parameters: [String?] = []) throws(ArchiveError) -> PostgresRows {
        let result = Self.withOptionalCStrings(parameters) { pointers in
            PQexecParams(connection, sql, Int32(parameters.count), nil, pointers, nil, nil, 0)
        }
        guard let result else { throw ArchiveError("the archive's connection failed: \(Self.message(PQerrorMessage(connection)))") }
        defer { PQclear(result) }
        let status = PQresultStatus(result)
        guard status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK else {
            let state = PQresultErrorField(result, Int32(UInt8(ascii: "C"))).map { String(cString: $0) }
            throw ArchiveError("the archive refused a statement: \(Self.message(PQresultErrorMessage(result)))", sqlState: state)
        }
        var names: [String] = []
        for column in 0..<PQnfields(result) { names.append(String(cString: PQfname(result, column))) }
        var rows: [[String?]] = []
        rows.reserveCapacity(Int(PQntuples(result)))
        for row in 0..<PQntuples(result) {
            var values: [String?] = []
            values.reserveCapacity(names.count)
            for column in 0..<Int32(names.count) {
                values.append(PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column)))
            }
            rows.append(values)
        }
        return PostgresRows(columns: names, values: rows)
    }

    /// Runs `body` in a transaction (`BEGIN ISOLATION LEVEL …`): committed when it returns, rolled
    /// back when it throws.
    public func transaction<T>(isolation: String = "READ COMMITTED",
                               _ body: (PostgresConnection) throws(ArchiveError) -> T) throws(ArchiveError) -> T {
        try execute("BEGIN ISOLATION LEVEL \(isolation)")
        do {
            let value = try body(self)
            try execute("COMMIT")
            return value
        } catch {
            _ = try? execute("ROLLBACK")
            throw error
        }
    }

    /// libpq's messages end with a newline and sometimes carry a second line of detail.
    private static func message(_ text: UnsafePointer<CChar>?) -> String {
        guard let text else { return "unknown error" }
        return String(cString: text).split(whereSeparator: \.isNewline).joined(separator: "; ")
    }

    /// A connection string with any password in it replaced, for error messages.
    static func redacted(_ url: String) -> String {
        if let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@") {
            let userInfo = url[scheme.upperBound..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                return String(url[..<colon]) + ":***" + String(url[at...])
            }
        }
        return url.replacing(/password\s*=\s*\S+/, with: "password=***")
    }

    private static func withCStrings<R>(_ strings: [String], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        var copies = strings.map { strdup($0) }
        defer { copies.forEach { free($0) } }
        copies.append(nil)
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }

    private static func withOptionalCStrings<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies = strings.map { $0.map { strdup($0) } ?? nil }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }
}
