import Policy
import Testing

/// One expected configuration error: where, and a fragment of what it says.
struct ExpectedError: Sendable, CustomStringConvertible {
    var file: String?
    var line: Int
    var column: Int?
    var fragment: String

    init(_ line: Int, _ column: Int? = nil, _ fragment: String, file: String? = nil) {
        self.line = line
        self.column = column
        self.fragment = fragment
        self.file = file
    }

    var description: String { "\(file ?? "<config>"):\(line):\(column.map(String.init) ?? "*"): …\(fragment)…" }

    func matches(_ error: ConfigurationError, configFile: String) -> Bool {
        error.file == (file ?? configFile) && error.line == line
            && (column == nil || error.column == column) && error.message.contains(fragment)
    }
}

/// Loads `yaml` expecting exactly the given errors, in order.
func expectConfigurationErrors(
    _ yaml: String,
    file: String = "tracegate.yaml",
    _ expected: [ExpectedError],
    sourceLocation: SourceLocation = #_sourceLocation
) {
    do {
        let configuration = try ConfigurationLoader.load(yaml: yaml, sourcePath: file)
        Issue.record("expected \(expected.count) error(s), but the configuration loaded: \(configuration)", sourceLocation: sourceLocation)
    } catch {
        let rendered = error.description
        #expect(error.errors.count == expected.count, "got:\n\(rendered)", sourceLocation: sourceLocation)
        for (actual, wanted) in zip(error.errors, expected) {
            #expect(wanted.matches(actual, configFile: file), "expected \(wanted)\ngot \(actual)", sourceLocation: sourceLocation)
        }
    }
}
