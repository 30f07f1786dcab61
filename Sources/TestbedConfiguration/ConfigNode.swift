// A YAML node with its path and position, for reading config files with errors that point at the line.
import Yams
import Foundation

/// A YAML node being read as part of a config file.
///
/// Config files are read through Yams' node tree rather than `Codable`: a `DecodingError` knows the
/// field but not the line, while a node carries its own position, so every error here (a missing
/// field, a wrong type, a value out of range, an unknown key) names file, line, column and field.
struct ConfigNode {
    let node: Node
    /// The field path, such as `endpoints[0].socket`; empty at the root.
    let path: String
    let file: String

    /// The text of a file to parse, or a config error naming it.
    static func text(ofFile path: String, noun: String) throws(RuntimeError) -> String {
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw RuntimeError(code: .config, file: path, message: "cannot read the \(noun): \(RuntimeError.reason(error))")
        }
    }

    /// The root node of YAML `text`, with YAML syntax errors reported at their line.
    static func root(yaml text: String, file: String) throws(RuntimeError) -> ConfigNode {
        let node: Node?
        do {
            node = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            switch error {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _), .composer(_, let problem, let mark, _):
                throw RuntimeError(code: .config, file: file, line: mark.line, column: mark.column, message: "not valid YAML: \(problem)")
            default:
                throw RuntimeError(code: .config, file: file, message: "not valid YAML: \(error)")
            }
        } catch {
            throw RuntimeError(code: .config, file: file, message: "not valid YAML: \(error)")
        }
        guard let node else { throw RuntimeError(code: .config, file: file, line: 1, message: "the file is empty") }
        return ConfigNode(node: node, path: "", file: file)
    }

    func error(_ message: String, at node: Node? = nil) -> RuntimeError {
        let mark = (node ?? self.node).mark
        return RuntimeError(code: .config, file: file, line: mark?.line, column: mark?.column,
                            field: path.isEmpty ? nil : path, message: message)
    }

    private func child(_ key: String, _ node: Node) -> ConfigNode {
        ConfigNode(node: node, path: path.isEmpty ? key : "\(path).\(key)", file: file)
    }

    /// Checks that this is a mapping with no keys but `allowed`; a typo is an error, not a silent default.
    /// The keys of a mapping whose keys are data (drone ids, say), in file order.
    func mappingKeys() throws(RuntimeError) -> [String] {
        guard let mapping = node.mapping else { throw error("expected a mapping") }
        var keys: [String] = []
        for key in mapping.keys {
            guard let name = key.scalar?.string, !name.isEmpty else {
                throw RuntimeError(code: .config, file: file, line: key.mark?.line, column: key.mark?.column, field: path,
                                   message: "expected a name as each key")
            }
            keys.append(name)
        }
        return keys
    }

    func mapping(allowing allowed: Set<String>) throws(RuntimeError) -> ConfigNode {
        guard let mapping = node.mapping else { throw error("expected a mapping of fields") }
        for key in mapping.keys {
            guard let name = key.scalar?.string, allowed.contains(name) else {
                let name = key.scalar?.string ?? "?"
                throw RuntimeError(code: .config, file: file, line: key.mark?.line, column: key.mark?.column,
                                   field: path.isEmpty ? name : "\(path).\(name)",
                                   message: "unknown field; expected one of \(allowed.sorted().joined(separator: ", "))")
            }
        }
        return self
    }

    func optional(_ key: String) -> ConfigNode? {
        guard let value = node.mapping?[key] else { return nil }
        // A plain `~`, `null` or nothing is YAML's null: the same as leaving the field out.
        if case .scalar(let scalar) = value, scalar.style == .plain, ["", "~", "null", "Null", "NULL"].contains(scalar.string) {
            return nil
        }
        return child(key, value)
    }

    func required(_ key: String) throws(RuntimeError) -> ConfigNode {
        guard let value = optional(key) else {
            throw RuntimeError(code: .config, file: file, line: node.mark?.line, column: node.mark?.column,
                               field: path.isEmpty ? key : "\(path).\(key)", message: "required field is missing")
        }
        return value
    }

    func sequence() throws(RuntimeError) -> [ConfigNode] {
        guard let sequence = node.sequence else { throw error("expected a list") }
        return sequence.enumerated().map { ConfigNode(node: $1, path: "\(path)[\($0)]", file: file) }
    }

    func string() throws(RuntimeError) -> String {
        guard let scalar = node.scalar else { throw error("expected a string") }
        return scalar.string
    }

    func double(in range: ClosedRange<Double>? = nil) throws(RuntimeError) -> Double {
        guard let text = node.scalar?.string, let value = Double(text), value.isFinite else {
            throw error("expected a number, found \(describe())")
        }
        if let range, !range.contains(value) {
            throw error("\(text) is outside [\(range.lowerBound.formatted), \(range.upperBound.formatted)]")
        }
        return value
    }

    func integer(atLeast minimum: Int, atMost maximum: Int = .max) throws(RuntimeError) -> Int {
        guard let text = node.scalar?.string, let value = Int(text.replacingUnderscores) else {
            throw error("expected an integer, found \(describe())")
        }
        guard value >= minimum else { throw error("\(value) is below the minimum of \(minimum)") }
        guard value <= maximum else { throw error("\(value) is above the maximum of \(maximum)") }
        return value
    }

    func boolean() throws(RuntimeError) -> Bool {
        switch node.scalar?.string {
        case "true", "True", "TRUE", "yes", "on": return true
        case "false", "False", "FALSE", "no", "off": return false
        default: throw error("expected true or false, found \(describe())")
        }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ type: T.Type, noun: String) throws(RuntimeError) -> T where T.RawValue == String {
        let text = try string()
        guard let value = T(rawValue: text) else {
            let names = T.allCases.map(\.rawValue)
            let expected = names.count > 2 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.joined(separator: " or ")
            throw error("unknown \(noun) '\(text)'; expected \(expected)")
        }
        return value
    }

    private func describe() -> String {
        switch node {
        case .scalar(let s): "'\(s.string)'"
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        }
    }
}

private extension Double {
    var formatted: String { self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self) }
}

private extension String {
    /// YAML 1.1 allows `1_000_000`.
    var replacingUnderscores: String { filter { $0 != "_" } }
}
