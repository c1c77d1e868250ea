import Foundation

/// Where a child's standard input comes from.
package enum ProcessInput: Sendable {
    case none
    case data(Data)
    case file(String)
}

/// Where a child's standard output goes. Large transfers go to a file (or nowhere) so the
/// test process does not hold hundreds of megabytes in memory.
package enum ProcessOutput: Sendable {
    case capture
    case file(String)
    case discard
}
