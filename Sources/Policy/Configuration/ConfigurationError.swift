/// One problem in the configuration, positioned the way compilers do so that editors and CI
/// logs can jump to it.
package struct ConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    package var file: String
    package var line: Int
    package var column: Int
    package var message: String

    package init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    package var description: String { "\(file):\(line):\(column): \(message)" }
}

/// All problems found in one load: fixing a file one error per run is tedious.
package struct ConfigurationErrors: Error, Hashable, Sendable, CustomStringConvertible {
    package var errors: [ConfigurationError]

    package init(_ errors: [ConfigurationError]) {
        self.errors = errors
    }

    package var description: String { errors.map(\.description).joined(separator: "\n") }
}
