import Yams

/// `web:` (the auditors' page) and `auditors:` (who sees what there).
extension ConfigurationReader {
    mutating func readWeb(_ node: Node) -> WebSettings? {
        guard let fields = fields(of: node, "web", allowed: ["listen", "session", "link", "tls_cert", "tls_key", "url"]) else {
            return nil
        }
        guard let listenNode = required("listen", in: fields), let text = string(listenNode, "web.listen") else { return nil }
        let listen: ListenAddress
        do {
            listen = try ListenAddress(parsing: text)
        } catch {
            diagnostics.report("invalid web.listen \(SafeText.quoted(text)): \(error)", at: listenNode)
            return nil
        }
        var settings = WebSettings(listen: listen)
        if let value = fields["session"].flatMap({ duration($0, "web.session") }) { settings.session = value }
        if let value = fields["link"].flatMap({ duration($0, "web.link") }) {
            guard value <= .seconds(600) else {
                diagnostics.report("web.link is at most 10m: a sign-in link is meant to be opened at once", at: fields["link"]!)
                return nil
            }
            settings.linkLifetime = value
        }
        settings.tlsCertificate = fields["tls_cert"].flatMap { string($0, "web.tls_cert") }
        settings.tlsKey = fields["tls_key"].flatMap { string($0, "web.tls_key") }
        if (settings.tlsCertificate == nil) != (settings.tlsKey == nil) {
            diagnostics.report("web needs both tls_cert and tls_key, or neither", at: node)
            return nil
        }
        if let urlNode = fields["url"], let url = string(urlNode, "web.url") {
            guard url.hasPrefix("https://") || url.hasPrefix("http://"), url.count <= 200,
                  !url.contains(where: { $0 == " " || $0 == "\"" || $0 == "<" || $0 == ">" }) else {
                diagnostics.report("web.url must be an http:// or https:// address", at: urlNode)
                return nil
            }
            settings.publicURL = url
        }
        return settings
    }

    /// `auditors: [{to: {org: retailer}, sees: {org: retailer}}, {to: {user: ada}, sees: all}]`.
    mutating func readAuditors(_ node: Node, known: KnownNames) -> [AuditorRule] {
        guard let items = sequence(node, "auditors") else { return [] }
        var rules: [AuditorRule] = []
        for (offset, item) in items.enumerated() {
            let errorsBefore = diagnostics.errors.count
            let what = "auditors entry #\(offset + 1)"
            guard let fields = fields(of: item, what, allowed: ["to", "sees"]) else { continue }
            let subjects = required("to", in: fields).flatMap { readSubjects($0, grant: what, known: known) }
            let view = required("sees", in: fields).flatMap { readAuditorView($0, what: what, known: known) }
            if let subjects, let view, diagnostics.errors.count == errorsBefore {
                rules.append(AuditorRule(index: offset + 1, line: diagnostics.location(of: item).line,
                                         subjects: subjects, view: view))
            }
        }
        return rules
    }

    private mutating func readAuditorView(_ node: Node, what: String, known: KnownNames) -> AuditorView? {
        if case .scalar(let scalar) = node {
            guard scalar.string == "all" else {
                diagnostics.report("\"sees\" of \(what) is all, or a mapping with org/orgs and targets", at: node)
                return nil
            }
            return .all
        }
        guard let fields = fields(of: node, "\"sees\" of \(what)", allowed: ["org", "orgs", "targets"]) else { return nil }
        var view = AuditorView()
        for (key, isList) in [("org", false), ("orgs", true)] {
            guard let valueNode = fields.optional(key) else { continue }
            let entries: [Node]
            if isList {
                guard let list = sequence(valueNode, "orgs of \(what)") else { continue }
                entries = list
            } else {
                entries = [valueNode]
            }
            for entry in entries {
                guard let name = validName(entry, "organization in \(what)") else { continue }
                checkReference(name, at: entry, kind: "organization", known: known.organizations, context: what)
                if !view.organizations.contains(name) { view.organizations.append(name) }
            }
        }
        if let targetsNode = fields.optional("targets"), let selector = readSelector(targetsNode, grant: what, known: known) {
            view.targets = selector
        }
        guard !view.organizations.isEmpty || !view.targets.isEmpty else {
            diagnostics.report("\"sees\" of \(what) is empty; give org/orgs, targets, or write sees: all", at: node)
            return nil
        }
        return view
    }
}
