/// A failure at the PostgreSQL boundary, with the server's (or libpq's) own message: the
/// operator reads "password authentication failed for user …" rather than a code.
/// Messages never carry the password: libpq does not echo it, and nothing here adds it.
package enum PostgresError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The connection could not be made (server down, refused, authentication failed).
    case connectionFailed(String)
    /// A statement failed; `sqlState` is the five-character SQLSTATE when the server sent one.
    case statementFailed(sqlState: String?, message: String)
    /// The connection broke while in use; a new one has to be made.
    case connectionLost(String)
    /// The password file could not be read.
    case passwordFileUnreadable(path: String, reason: String)

    package var description: String {
        switch self {
        case .connectionFailed(let message): "cannot connect to PostgreSQL: \(message)"
        case .statementFailed(let state, let message): "PostgreSQL refused a statement\(state.map { " (\($0))" } ?? ""): \(message)"
        case .connectionLost(let message): "the PostgreSQL connection was lost: \(message)"
        case .passwordFileUnreadable(let path, let reason): "cannot read the PostgreSQL password file \(path): \(reason)"
        }
    }

    /// Whether retrying later on a new connection may succeed (the shipper keeps trying);
    /// a statement the server refused for its content will be refused again.
    package var isConnectionProblem: Bool {
        switch self {
        case .connectionFailed, .connectionLost: true
        case .statementFailed(let state, _):
            // Class 08: connection exception; 57P: operator intervention (shutdown, crash).
            state.map { $0.hasPrefix("08") || $0.hasPrefix("57P") } ?? true
        case .passwordFileUnreadable: false
        }
    }
}
