import ArgumentParser
import Audit

/// `--format table|json|csv`. Declared here, not as a conformance of `Audit.ExportFormat`,
/// so that parsing stays in the executable and Audit knows nothing of argument-parser.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case table
    case json
    case csv

    var exportFormat: ExportFormat {
        switch self {
        case .table: .table
        case .json: .json
        case .csv: .csv
        }
    }
}
