#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The Unix account reading the trail, as recorded in `audit.query` events.
package struct AuditInvoker: Sendable, Hashable {
    package var name: String
    package var uid: Int

    package init(name: String, uid: Int) {
        self.name = name
        self.uid = uid
    }

    /// The effective user of this process, by the password database rather than `$USER`,
    /// which the person being recorded could set to anything.
    package static func current() -> AuditInvoker {
        let uid = geteuid()
        guard let entry = getpwuid(uid), let name = entry.pointee.pw_name else {
            return AuditInvoker(name: "uid:\(uid)", uid: Int(uid))
        }
        return AuditInvoker(name: String(cString: name), uid: Int(uid))
    }
}

extension AuditStore {
    /// Records, durably, that `invoker` is about to read the trail with `command` and `filter`.
    /// Reading the trail is itself audited (issue 3, item 8), so if this throws the caller
    /// must not read: an unrecorded read is what the other organisation must be able to rule out.
    package func recordQuery(by invoker: AuditInvoker, command: String, filter: [String: AuditValue]) throws(AuditError) {
        let writer = makeWriter()
        defer { writer.close() }
        try writer.recordDurably(.auditQuery(user: invoker.name, uid: invoker.uid, command: command, filter: filter))
    }
}
