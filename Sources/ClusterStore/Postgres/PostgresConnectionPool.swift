import Dispatch
import Synchronization

/// A few libpq connections for calls made while someone waits: a login's second factor, on
/// that connection's own thread (a dedicated thread, never Swift's cooperative pool, which
/// must not block on libpq). Every wait is bounded, so that a PostgreSQL that is down, slow or
/// partitioned away costs an engineer a few seconds and a clear refusal, never a hung login:
/// - at most `maximumInUse` connections at once (a burst of logins cannot open hundreds of
///   connections to the shared server); a caller waits up to `connectTimeoutSeconds` for one;
/// - connecting: the endpoint's `connect_timeout`;
/// - each statement: `statement_timeout` on the server (it also bounds a wait for a row
///   another node holds locked), and the endpoint's TCP user timeout for a vanished server.
final class PostgresConnectionPool: Sendable {
    private let endpoint: PostgresEndpoint
    private let statementTimeoutMilliseconds: Int
    private let prepare: @Sendable (PostgresConnection) throws -> Void
    private let idle = Mutex<[Parked]>([])
    private let slots: DispatchSemaphore
    private let maximumIdle: Int

    /// `prepare` runs once on each new connection (a schema check), before its first use.
    init(endpoint: PostgresEndpoint, statementTimeoutMilliseconds: Int, maximumInUse: Int = 8, maximumIdle: Int = 2,
         prepare: @escaping @Sendable (PostgresConnection) throws -> Void) {
        self.endpoint = endpoint
        self.statementTimeoutMilliseconds = statementTimeoutMilliseconds
        self.prepare = prepare
        slots = DispatchSemaphore(value: maximumInUse)
        self.maximumIdle = maximumIdle
    }

    /// Runs `body` on a connection of the pool. A parked connection may have died since its
    /// last use (PostgreSQL restarted): when it fails for the connection's sake, `body` runs
    /// once more on a new one. Only connection problems are retried, and the statements run
    /// here are safe to repeat (a repeated `accept` refuses the code: the safe side).
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        guard slots.wait(timeout: .now() + .seconds(endpoint.connectTimeoutSeconds)) == .success else {
            throw PostgresError.connectionFailed("every connection to PostgreSQL for logins is busy")
        }
        defer { slots.signal() }
        if let parked = idle.withLock({ $0.popLast() }) {
            do {
                let value = try body(parked.connection)
                park(parked)
                return value
            } catch let error as PostgresError where error.isConnectionProblem {
                // Dropped: a fresh connection below.
            }
        }
        let fresh = Parked(try open())
        let value = try body(fresh.connection)
        park(fresh)
        return value
    }

    private func open() throws -> PostgresConnection {
        let connection = try PostgresConnection(endpoint)
        try connection.execute("SET statement_timeout = \(statementTimeoutMilliseconds)")
        try prepare(connection)
        return connection
    }

    /// Kept for the next caller unless enough are kept already; a broken one is dropped.
    private func park(_ parked: Parked) {
        guard parked.connection.isOpen else { return }
        idle.withLock { list in
            if list.count < maximumIdle { list.append(parked) }
        }
    }
}

/// A connection waiting in the pool. `PostgresConnection` is deliberately not `Sendable`
/// (libpq is not thread-safe per connection); this box is, because the pool hands each parked
/// connection to exactly one caller at a time, under the mutex, and takes it back the same way.
private final class Parked: @unchecked Sendable {
    let connection: PostgresConnection

    init(_ connection: PostgresConnection) {
        self.connection = connection
    }
}
