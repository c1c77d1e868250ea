internal import CLibPQ
import Foundation

/// One `NOTIFY` as libpq delivers it: the channel and its payload text.
package struct PostgresNotification: Sendable, Hashable {
    package var channel: String
    package var payload: String

    package init(channel: String, payload: String) {
        self.channel = channel
        self.payload = payload
    }
}

/// LISTEN's side of the libpq boundary. A listening connection receives notifications only
/// when it reads from its socket: the owner polls `socketDescriptor` (with its own wake-up
/// descriptor beside it), then calls `consumeInput()` and `takeNotifications()`.
extension PostgresConnection {
    /// The connection's socket, for `poll`; -1 when there is none (a broken connection).
    package var socketDescriptor: Int32 { PQsocket(handle) }

    /// Reads what the server sent without blocking; throws when the connection broke.
    package func consumeInput() throws(PostgresError) {
        guard PQconsumeInput(handle) == 1 else {
            throw .connectionLost(String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Every notification read so far, oldest first; empty when none arrived.
    package func takeNotifications() -> [PostgresNotification] {
        var received: [PostgresNotification] = []
        while let notification = PQnotifies(handle) {
            received.append(PostgresNotification(channel: String(cString: notification.pointee.relname),
                                                 payload: String(cString: notification.pointee.extra)))
            PQfreemem(notification)
        }
        return received
    }
}
