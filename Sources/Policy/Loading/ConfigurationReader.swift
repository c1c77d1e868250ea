import Yams

/// Walks the composed YAML tree into a `GatewayConfiguration`, reporting each problem at the
/// node that causes it. Sections live in extensions, one file each; this file holds the
/// shape checks they all use.
struct ConfigurationReader {
    let sourcePath: String
    var diagnostics: Diagnostics
    /// Users, groups and organisations read with `mfa: required`, wherever they were declared.
    var secondFactorRequired = GrantSubjects()

    init(sourcePath: String) {
        self.sourcePath = sourcePath
        self.diagnostics = Diagnostics(file: sourcePath)
    }

    mutating func fields(of node: Node, _ what: String, allowed: [String]) -> Fields? {
        guard case .mapping(let mapping) = node else {
            diagnostics.report("expected a mapping for \(what), found \(node.kindDescription)", at: node)
            return nil
        }
        var values: [String: Node] = [:]
        for (key, value) in mapping {
            guard case .scalar(let scalar) = key, !key.isNull else {
                diagnostics.report("keys in \(what) must be plain names, found \(key.kindDescription)", at: key)
                continue
            }
            guard allowed.contains(scalar.string) else {
                diagnostics.report(
                    "unknown key \(SafeText.quoted(scalar.string)) in \(what); allowed keys: \(allowed.joined(separator: ", "))",
                    at: key)
                continue
            }
            values[scalar.string] = value
        }
        return Fields(node: node, what: what, values: values)
    }

    mutating func required(_ key: String, in fields: Fields) -> Node? {
        guard let value = fields[key] else {
            diagnostics.report("\(fields.what) is missing required key \"\(key)\"", at: fields.node)
            return nil
        }
        return value
    }

    mutating func string(_ node: Node, _ what: String) -> String? {
        guard case .scalar(let scalar) = node, !node.isNull else {
            diagnostics.report("expected a string for \(what), found \(node.kindDescription)", at: node)
            return nil
        }
        return scalar.string
    }

    mutating func sequence(_ node: Node, _ what: String) -> [Node]? {
        guard case .sequence(let sequence) = node else {
            diagnostics.report("expected a list for \(what), found \(node.kindDescription)", at: node)
            return nil
        }
        return Array(sequence)
    }

    /// Each string with its node, so later checks (unknown names, duplicates) can point at it.
    mutating func strings(_ node: Node, _ what: String) -> [(text: String, node: Node)]? {
        guard let items = sequence(node, what) else { return nil }
        return items.compactMap { item in string(item, "an entry of \(what)").map { ($0, item) } }
    }

    mutating func validName(_ node: Node, _ what: String) -> String? {
        guard let text = string(node, what) else { return nil }
        guard NameSyntax.isValidName(text) else {
            diagnostics.report("invalid \(what) \(SafeText.quoted(text)): expected \(NameSyntax.nameRule)", at: node)
            return nil
        }
        return text
    }

    mutating func validLogin(_ node: Node, _ what: String) -> String? {
        guard let text = string(node, what) else { return nil }
        guard NameSyntax.isValidLogin(text) else {
            diagnostics.report("invalid \(what) \(SafeText.quoted(text)): expected \(NameSyntax.loginRule)", at: node)
            return nil
        }
        return text
    }

    /// Reports a name that is not in `known`; `kind` is e.g. "organization".
    mutating func checkReference(_ name: String, at node: Node, kind: String, known: Set<String>, context: String) {
        guard !known.contains(name) else { return }
        let declared = known.isEmpty ? "none are declared" : "declared: " + known.sorted().joined(separator: ", ")
        diagnostics.report("\(context) names unknown \(kind) \(SafeText.quoted(name)) (\(declared))", at: node)
    }
}
