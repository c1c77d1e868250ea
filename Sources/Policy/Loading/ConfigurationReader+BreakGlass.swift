import Yams

/// `break_glass:`: `{to, targets, logins, max_session, source, reviewers}`, read with the
/// grants' own selectors.
extension ConfigurationReader {
    static let breakGlassKeys = ["to", "targets", "logins", "max_session", "source", "reviewers"]

    mutating func readBreakGlass(_ node: Node, known: KnownNames) -> [BreakGlassRule] {
        guard let items = sequence(node, "break_glass") else { return [] }
        var rules: [BreakGlassRule] = []
        for (offset, item) in items.enumerated() {
            let errorsBefore = diagnostics.errors.count
            let what = "break_glass #\(offset + 1)"
            guard let fields = fields(of: item, what, allowed: Self.breakGlassKeys) else { continue }
            let subjects = required("to", in: fields).flatMap { readSubjects($0, grant: what, known: known) }
            let selector = required("targets", in: fields).flatMap { readSelector($0, grant: what, known: known) }
            let logins = required("logins", in: fields).flatMap { readLogins($0, grant: what) }
            let maxSession = fields.optional("max_session").flatMap { readMaxSession($0, grant: what) }
            let sources = fields.optional("source").map { oneOrMany($0, "source of \(what)").compactMap { readSource($0, grant: what) } } ?? []
            let reviewers = fields.optional("reviewers").flatMap { readSubjects($0, grant: what, known: known, key: "reviewers") }
            if let subjects, let selector, let logins, diagnostics.errors.count == errorsBefore {
                rules.append(BreakGlassRule(
                    index: offset + 1, line: diagnostics.location(of: item).line, sourceFile: sourcePath, subjects: subjects,
                    targetSelector: selector, logins: logins, maxSession: maxSession, sources: sources, reviewers: reviewers))
            }
        }
        return rules
    }
}
