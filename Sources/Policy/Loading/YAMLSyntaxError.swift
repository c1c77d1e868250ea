import Foundation
import Yams

/// Turns a Yams parse failure into a positioned configuration error. Yams' own descriptions
/// span several lines and repeat the document; one line with a position is what we want.
enum YAMLSyntaxError {
    static func configurationError(from error: any Error, file: String) -> ConfigurationError {
        guard let yamlError = error as? YamlError else {
            return ConfigurationError(file: file, line: 1, column: 1, message: "YAML error: \(error)")
        }
        switch yamlError {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let detail = context.map { " (\($0.text) at line \($0.mark.line), column \($0.mark.column))" } ?? ""
            return ConfigurationError(file: file, line: mark.line, column: mark.column, message: "YAML syntax error: \(problem)\(detail)")
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { SafeText.quoted($0) }.joined(separator: ", ")
            return ConfigurationError(
                file: file, line: context.mark.line, column: context.mark.column,
                message: "key \(keys) appears more than once in the same mapping")
        case .reader(let problem, let offset, _, let yaml):
            let (line, column) = offset.map { position(ofCharacterOffset: $0, in: yaml) } ?? (1, 1)
            return ConfigurationError(file: file, line: line, column: column, message: "cannot read YAML: \(problem)")
        case .no, .memory, .writer, .emitter, .representer, .dataCouldNotBeDecoded:
            return ConfigurationError(file: file, line: 1, column: 1, message: "YAML error: \(yamlError)")
        }
    }

    private static func position(ofCharacterOffset offset: Int, in text: String) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for character in text.prefix(offset) {
            if character == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
        }
        return (line, column)
    }
}
