// What a statement returned: column names and rows of text (nil for SQL NULL).

/// The rows of a statement's result, every value as PostgreSQL's text form.
public struct PostgresRows: Sendable, Hashable {
    public var columns: [String]
    public var values: [[String?]]

    /// The rows as dictionaries by column name.
    public var records: [[String: String?]] {
        values.map { row in Dictionary(uniqueKeysWithValues: zip(columns, row)) }
    }

    /// The first row's first value, for a one-value query (`SELECT count(*) …`).
    public var scalar: String? { values.first?.first ?? nil }
}
