/// A consent command of the gateway shell, parsed from its words: `approvals`,
/// `approve r-… [--for D] [--note TEXT]`, `deny r-… --reason TEXT`. A value, so that parsing,
/// authorising (by the grant's `approval.by`) and executing stay three separate steps.
package enum ConsentCommand: Equatable, Sendable {
    case list
    case approve(id: String, validFor: Duration?, note: String?)
    case deny(id: String, reason: String)
    case reviews
    case review(id: String, accepted: Bool, note: String)

    /// Notes and reasons are stored and shown to the other side: bounded and printable.
    package static let maximumTextLength = 500

    package struct ParseError: Error, Equatable, Sendable, CustomStringConvertible {
        package var description: String
    }

    /// `words[0]` is the command name; nil when it is none of the consent commands.
    package static func parse(_ words: [String]) -> Result<ConsentCommand, ParseError>? {
        guard let name = words.first else { return nil }
        let arguments = Array(words.dropFirst())
        switch name {
        case "approvals":
            guard arguments.isEmpty else { return .failure(ParseError(description: "approvals takes no arguments")) }
            return .success(.list)
        case "approve":
            return parseDecision(arguments, usage: "approve r-ID [--for 1h] [--note TEXT]", options: ["--for", "--note"])
                .flatMap { id, options in
                    var validFor: Duration?
                    if let text = options["--for"] {
                        guard let duration = ScalarSyntax.duration(text) else {
                            return .failure(ParseError(description: "--for \(SafeText.quoted(text, limit: 32)): expected a duration such as 30m or 2h"))
                        }
                        validFor = duration
                    }
                    return .success(.approve(id: id, validFor: validFor, note: options["--note"]))
                }
        case "deny":
            return parseDecision(arguments, usage: "deny r-ID --reason TEXT", options: ["--reason"])
                .flatMap { id, options in
                    guard let reason = options["--reason"], !reason.isEmpty else {
                        return .failure(ParseError(description: "deny needs --reason TEXT: the engineer reads it"))
                    }
                    return .success(.deny(id: id, reason: reason))
                }
        case "reviews":
            guard arguments.isEmpty else { return .failure(ParseError(description: "reviews takes no arguments")) }
            return .success(.reviews)
        case "review":
            return parseDecision(arguments, usage: "review b-ID --accept TEXT | --reject TEXT", options: ["--accept", "--reject"],
                                 isID: { isItemID($0, prefix: "b-") })
                .flatMap { id, options in
                    switch (options["--accept"], options["--reject"]) {
                    case (let note?, nil): return .success(.review(id: id, accepted: true, note: note))
                    case (nil, let note?): return .success(.review(id: id, accepted: false, note: note))
                    default:
                        return .failure(ParseError(description: "review needs either --accept TEXT or --reject TEXT"))
                    }
                }
        default:
            return nil
        }
    }

    /// The request id, then options; an option's value runs to the next option, so that
    /// `deny r-1 --reason not during the sale` needs no quotes.
    private static func parseDecision(_ arguments: [String], usage: String, options allowed: Set<String>,
                                      isID: (String) -> Bool = isRequestID)
        -> Result<(String, [String: String]), ParseError>
    {
        guard let id = arguments.first, !id.hasPrefix("--") else {
            return .failure(ParseError(description: "usage: \(usage)"))
        }
        guard isID(id) else {
            return .failure(ParseError(description: "\(SafeText.quoted(id, limit: 32)) is no id; usage: \(usage)"))
        }
        var options: [String: String] = [:]
        var current: String?
        var values: [String] = []
        func close() {
            if let current { options[current] = values.joined(separator: " ") }
        }
        for word in arguments.dropFirst() {
            if word.hasPrefix("--") {
                guard allowed.contains(word) else {
                    return .failure(ParseError(description: "unknown option \(SafeText.quoted(word, limit: 32)); usage: \(usage)"))
                }
                guard options[word] == nil, current != word else {
                    return .failure(ParseError(description: "\(word) is given twice"))
                }
                close()
                current = word
                values = []
            } else {
                guard current != nil else {
                    return .failure(ParseError(description: "unexpected \(SafeText.quoted(word, limit: 32)); usage: \(usage)"))
                }
                values.append(word)
            }
        }
        close()
        for (option, value) in options {
            if value.isEmpty { return .failure(ParseError(description: "\(option) needs a value")) }
            if value.count > maximumTextLength {
                return .failure(ParseError(description: "\(option) is longer than \(maximumTextLength) characters"))
            }
            if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
                return .failure(ParseError(description: "\(option) contains control characters"))
            }
        }
        return .success((id, options))
    }

    /// `r-` and 1 to 32 lowercase hex digits.
    package static func isRequestID(_ text: String) -> Bool {
        isItemID(text, prefix: "r-")
    }

    /// `PREFIX` and 1 to 32 lowercase hex digits (`r-…` requests, `b-…` review items).
    package static func isItemID(_ text: String, prefix: String) -> Bool {
        guard text.hasPrefix(prefix) else { return false }
        let digits = text.utf8.dropFirst(2)
        return !digits.isEmpty && digits.count <= 32
            && digits.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
    }
}
