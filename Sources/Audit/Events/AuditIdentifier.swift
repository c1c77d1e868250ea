import Synchronization

/// Connection and session ids, one correlation id for logs, audit rows and recording files:
/// a prefix (`c-`, `s-`) and 16 hex digits, 8 of Unix time in seconds then 8 of a sequence.
///
/// Why time first: the trail's tables are indexed by these ids (`connections`, `sessions`,
/// `events (connection_id, id)`), and ids that grow with time put every new row at the right
/// edge of those B-trees, a few pages per commit, where random ids put each on a random page
/// that the commit then writes to the log in full. Why a sequence rather than random bits:
/// unique by construction within a process (48 random bits, as before, collide after some
/// 10^7 connections, and two connections would then share one row). It starts at a random
/// value so that a restart within the same second does not reuse the first ids. Ids are
/// correlation handles, not secrets: guessing one grants nothing.
package enum AuditIdentifier {
    private static let sequence = Mutex<UInt32>(UInt32.random(in: .min ... .max))

    /// A new id with this process's next sequence number.
    package static func make(prefix: String, at time: AuditTimestamp = .now()) -> String {
        let number = sequence.withLock { value in
            defer { value &+= 1 }
            return value
        }
        return make(prefix: prefix, at: time, sequence: number)
    }

    /// The id for a given time and sequence number (the load benchmark's synthetic traffic).
    package static func make(prefix: String, at time: AuditTimestamp, sequence: UInt32) -> String {
        let seconds = UInt32(truncatingIfNeeded: max(0, time.microsecondsSinceEpoch / 1_000_000))
        return prefix + hex8(seconds) + hex8(sequence)
    }

    private static func hex8(_ value: UInt32) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 8 - digits.count) + digits
    }
}
