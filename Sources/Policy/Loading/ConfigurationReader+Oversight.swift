import Yams

/// `oversight:`: `{to: SELECTOR, sessions: {of: SELECTOR, targets: TARGET_SELECTOR}, may: [...]}`.
/// Like grants, every key is enforced and every name must be declared.
extension ConfigurationReader {
    static let oversightKeys = ["to", "sessions", "may"]

    mutating func readOversight(_ node: Node, known: KnownNames) -> [OversightRule] {
        guard let items = sequence(node, "oversight") else { return [] }
        var rules: [OversightRule] = []
        for (offset, item) in items.enumerated() {
            let errorsBefore = diagnostics.errors.count
            let what = "oversight #\(offset + 1)"
            guard let fields = fields(of: item, what, allowed: Self.oversightKeys) else { continue }
            let holders = required("to", in: fields).flatMap { readSubjects($0, grant: what, known: known) }
            let scope = required("sessions", in: fields).flatMap { readSessionScope($0, rule: what, known: known) }
            let rights = required("may", in: fields).flatMap { readRights($0, rule: what) }
            if let holders, let scope, let rights, diagnostics.errors.count == errorsBefore {
                rules.append(OversightRule(
                    index: offset + 1, line: diagnostics.location(of: item).line, sourceFile: sourcePath,
                    holders: holders, sessionsOf: scope.of, targets: scope.targets, rights: rights))
            }
        }
        return rules
    }

    private mutating func readSessionScope(_ node: Node, rule: String,
                                           known: KnownNames) -> (of: GrantSubjects?, targets: TargetSelector?)? {
        let what = "\"sessions\" of \(rule)"
        guard let fields = fields(of: node, what, allowed: ["of", "targets"]) else { return nil }
        let of = fields.optional("of").flatMap { readSubjects($0, grant: what, known: known, key: "of") }
        let targets = fields.optional("targets").flatMap { readOversightTargets($0, rule: what, known: known) }
        if fields.optional("of") != nil && of == nil || fields.optional("targets") != nil && targets == nil { return nil }
        guard of != nil || targets != nil else {
            // "Every session" must be written, not implied by an empty mapping.
            diagnostics.report("\(what) is empty; say whose sessions (of) or on which targets (targets), or both", at: node)
            return nil
        }
        return (of, targets)
    }

    /// Target names, labels or owning organisations.
    private mutating func readOversightTargets(_ node: Node, rule: String, known: KnownNames) -> TargetSelector? {
        let what = "\"targets\" of \(rule)"
        guard let fields = fields(of: node, what, allowed: ["names", "labels", "owner", "owners"]) else { return nil }
        var selector = TargetSelector()
        for (name, nameNode) in names(in: fields, key: "names", isList: true, what: "target in \(what)") {
            checkReference(name, at: nameNode, kind: "target", known: known.targets, context: rule)
            if !selector.names.contains(name) { selector.names.append(name) }
        }
        for (key, isList) in [("owner", false), ("owners", true)] {
            for (name, nameNode) in names(in: fields, key: key, isList: isList, what: "owner in \(what)") {
                checkReference(name, at: nameNode, kind: "organization", known: known.organizations, context: rule)
                if !selector.owners.contains(name) { selector.owners.append(name) }
            }
        }
        if let labelsNode = fields.optional("labels") {
            selector.labels = readLabelSelector(labelsNode, "labels in \(what)") ?? [:]
        }
        guard !selector.isEmpty else {
            diagnostics.report("\(what) is empty; give target names, labels or an owner", at: node)
            return nil
        }
        return selector
    }

    mutating func readWatchNotice(_ node: Node) -> Bool? {
        guard let text = string(node, "watch_notice") else { return nil }
        switch text {
        case "true", "on", "yes": return true
        case "false", "off", "no": return false
        default:
            diagnostics.report("watch_notice must be true or false, found \(SafeText.quoted(text))", at: node)
            return nil
        }
    }

    private mutating func readRights(_ node: Node, rule: String) -> Set<OversightRight>? {
        let what = "\"may\" of \(rule)"
        guard let entries = strings(node, what) else { return nil }
        guard !entries.isEmpty else {
            diagnostics.report("\(what) is empty; list one or more of list, watch, terminate, lock", at: node)
            return nil
        }
        var rights: Set<OversightRight> = []
        for (text, entry) in entries {
            guard let right = OversightRight(rawValue: text) else {
                diagnostics.report("unknown right \(SafeText.quoted(text)) in \(what); expected list, watch, terminate or lock",
                                   at: entry)
                continue
            }
            rights.insert(right)
        }
        return rights.count == entries.count ? rights : nil
    }
}

extension ConfigurationReader {
    /// `require_watcher: SELECTOR` and `max_wait: D` of a grant (moderated sessions).
    mutating func readModeration(_ fields: Fields, grant: String, mode: GrantMode,
                                 known: KnownNames) -> (watcher: GrantSubjects?, maxWait: Duration) {
        var maxWait: Duration = .seconds(600)
        if let node = fields.optional("max_wait"), let text = string(node, "max_wait of \(grant)") {
            if let duration = ScalarSyntax.duration(text), duration > .zero {
                maxWait = duration
            } else {
                diagnostics.report("max_wait of \(grant): expected a duration such as 90s, 10m or 1h, found \(SafeText.quoted(text))", at: node)
            }
            if fields.optional("require_watcher") == nil {
                diagnostics.report("max_wait of \(grant) needs require_watcher: it is how long a session waits for a watcher", at: node)
            }
        }
        guard let node = fields.optional("require_watcher") else { return (nil, maxWait) }
        if mode == .tunnel {
            diagnostics.report("\(grant) is a tunnel grant: the gateway cannot hold or show an end-to-end session; remove require_watcher", at: node)
            return (nil, maxWait)
        }
        return (readSubjects(node, grant: grant, known: known, key: "require_watcher"), maxWait)
    }
}
