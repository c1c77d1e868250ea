import Foundation
import Yams

/// Reads and validates the configuration. The tree is composed with Yams and walked by hand
/// rather than decoded, so that every error carries the position of the node that caused it,
/// and every error in the file is reported in one run.
package enum ConfigurationLoader {
    package static func load(path: String) throws(ConfigurationErrors) -> GatewayConfiguration {
        let text: String
        do {
            text = try TextFile.read(atPath: path)
        } catch {
            throw ConfigurationErrors([
                ConfigurationError(file: path, line: 1, column: 1, message: "cannot read configuration: \(error)"),
            ])
        }
        return try load(yaml: text, sourcePath: path)
    }

    package static func load(yaml: String, sourcePath: String) throws(ConfigurationErrors) -> GatewayConfiguration {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch {
            throw ConfigurationErrors([YAMLSyntaxError.configurationError(from: error, file: sourcePath)])
        }
        var reader = ConfigurationReader(sourcePath: sourcePath)
        let configuration = reader.readDocument(root)
        guard reader.diagnostics.errors.isEmpty else { throw ConfigurationErrors(reader.diagnostics.sortedErrors) }
        return configuration
    }
}
