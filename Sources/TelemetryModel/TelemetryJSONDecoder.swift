// Decodes Haechi telemetry JSON v1 payloads (and cuas-scenario/1 lines) into records.
internal import Foundation

/// A decoded JSON v1 message: its record and its optional per-source sequence number.
public struct DecodedJSONRecord: Hashable, Sendable {
    /// The record.
    public var record: TelemetryRecord
    /// The record's `seq`, if the source numbers its messages.
    public var sequenceNumber: UInt64?

    /// Creates a decoded record.
    public init(record: TelemetryRecord, sequenceNumber: UInt64? = nil) {
        self.record = record
        self.sequenceNumber = sequenceNumber
    }
}

/// Decodes JSON v1 payloads. Not thread-safe to share: give each decoding thread its own.
///
/// Anything that breaks the JSON grammar (RFC 8259) or is not UTF-8, wherever it is in the payload, is
/// ``RejectReason/malformedJSON``; valid JSON that breaks the schema (a missing or mistyped field, a
/// value out of range, an unknown `type`) is ``RejectReason/schemaInvalid``.
/// Unknown fields are ignored. See `docs/wire-formats.md` and `docs/schemas/`.
public struct TelemetryJSONDecoder {
    private let decoder = JSONDecoder()

    /// Creates a decoder.
    public init() {}

    /// Decodes one payload.
    public func decode(_ payload: UnsafeRawBufferPointer) throws(TelemetryDecodingError) -> DecodedJSONRecord {
        // The hot records in one pass; anything else, or anything unusual, through the reference path.
        if let record = JSONFastPath.decode(payload) { return record }
        return try referenceDecode(payload)
    }

    /// Decodes one payload with the `Decodable` reference path only (JSONDecoder needs `Data`: one copy).
    ///
    /// The payload is first checked against the JSON grammar and UTF-8 (``JSONGrammar``): JSONDecoder
    /// checks only the values it reads, so without it a leading zero or invalid UTF-8 in a field it
    /// skips would pass.
    public func referenceDecode(_ payload: UnsafeRawBufferPointer) throws(TelemetryDecodingError) -> DecodedJSONRecord {
        if let violation = JSONGrammar.violation(in: payload) {
            throw TelemetryDecodingError(reason: .malformedJSON, message: "not valid JSON: \(violation)")
        }
        return try decode(Data(payload))
    }

    /// Decodes one payload.
    public func decode(_ payload: [UInt8]) throws(TelemetryDecodingError) -> DecodedJSONRecord {
        // Array.withUnsafeBytes rethrows untyped errors: carry the typed one out in a Result.
        let result: Result<DecodedJSONRecord, TelemetryDecodingError> = payload.withUnsafeBytes { bytes in
            do throws(TelemetryDecodingError) { return .success(try decode(bytes)) } catch { return .failure(error) }
        }
        return try result.get()
    }

    private func decode(_ data: Data) throws(TelemetryDecodingError) -> DecodedJSONRecord {
        do {
            return try decoder.decode(WireRecord.self, from: data).decoded
        } catch let violation as SchemaViolation {
            throw TelemetryDecodingError(reason: .schemaInvalid, message: violation.message)
        } catch let error as DecodingError {
            throw Self.classify(error, data: data)
        } catch {
            throw TelemetryDecodingError(reason: .malformedJSON, message: "\(error)")
        }
    }

    /// JSONDecoder parses the whole document before decoding any field, and reports a syntax error as
    /// `dataCorrupted` at the root. swift-foundation reports a number that does not fit its field
    /// (`1.5` for an integer) in exactly the same way, so on that error alone (a cold path) the
    /// syntax is checked again with `JSONSerialization` to tell the two apart.
    /// Everything else happened while reading a well-formed document, so it is a schema error.
    private static func classify(_ error: DecodingError, data: Data) -> TelemetryDecodingError {
        switch error {
        case .dataCorrupted(let context) where context.codingPath.isEmpty:
            if (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil {
                return TelemetryDecodingError(reason: .schemaInvalid, message: "a number does not fit its field (an integer field given a fraction, or out of range)")
            }
            return TelemetryDecodingError(reason: .malformedJSON, message: context.underlyingError.map { "not valid JSON: \($0)" } ?? "not valid JSON")
        case .dataCorrupted(let context):
            return schema(context, context.debugDescription)
        case .keyNotFound(let key, let context):
            return TelemetryDecodingError(reason: .schemaInvalid, message: "\(path(context.codingPath + [key])): required field is missing")
        case .typeMismatch(let type, let context):
            if context.codingPath.isEmpty {
                return TelemetryDecodingError(reason: .schemaInvalid, message: "a record must be a JSON object")
            }
            return schema(context, "expected \(describe(type))")
        case .valueNotFound(let type, let context):
            return schema(context, "expected \(describe(type)), found null")
        @unknown default:
            return TelemetryDecodingError(reason: .schemaInvalid, message: "\(error)")
        }
    }

    private static func schema(_ context: DecodingError.Context, _ text: String) -> TelemetryDecodingError {
        TelemetryDecodingError(reason: .schemaInvalid, message: "\(path(context.codingPath)): \(text)")
    }

    private static func path(_ keys: [any CodingKey]) -> String {
        var text = ""
        for key in keys {
            if let index = key.intValue { text += "[\(index)]" } else { text += text.isEmpty ? key.stringValue : ".\(key.stringValue)" }
        }
        return text.isEmpty ? "record" : text
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Double.Type, is Float.Type: "a number"
        case is Int64.Type, is UInt64.Type, is Int.Type: "an integer"
        case is Bool.Type: "a boolean"
        default: "\(type)"
        }
    }
}

/// A broken rule of the schema found after decoding (a range, a count), with the field's path.
struct SchemaViolation: Error {
    var message: String
}
