import Yams

/// A place in a file. Errors in a keys file point into that file, not into the YAML.
struct SourceLocation: Hashable, Sendable {
    var file: String
    var line: Int
    var column: Int
}

/// Collects every problem of one load instead of stopping at the first.
struct Diagnostics {
    let file: String
    private(set) var errors: [ConfigurationError] = []

    init(file: String) {
        self.file = file
    }

    func location(of node: Node) -> SourceLocation {
        // Composed nodes always carry a mark; 1:1 keeps the format if one ever does not.
        SourceLocation(file: file, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    mutating func report(_ message: String, at node: Node) {
        report(message, at: location(of: node))
    }

    mutating func report(_ message: String, at location: SourceLocation) {
        errors.append(ConfigurationError(file: location.file, line: location.line, column: location.column, message: message))
    }

    /// The configuration file's errors in reading order, then those of other files (keys files).
    var sortedErrors: [ConfigurationError] {
        errors.enumerated().sorted { lhs, rhs in
            let left = (lhs.element.file == file ? 0 : 1, lhs.element.file, lhs.element.line, lhs.element.column, lhs.offset)
            let right = (rhs.element.file == file ? 0 : 1, rhs.element.file, rhs.element.line, rhs.element.column, rhs.offset)
            return left < right
        }.map(\.element)
    }
}
