import Audit
import Foundation
import Logging

extension ConnectionJournal {
    /// Once per penalty, never per refused connection: a flood must not flood the trail.
    @discardableResult
    func penaltyImposed(_ penalty: ImposedPenalty, triggeredBy context: ConnectionContext) -> AuditTimestamp {
        penaltyImposed(penalty, triggeredBy: context.clientAddress, metadata: context.logMetadata)
    }

    /// The same, for an offence seen before any SSH connection existed (a PROXY header from
    /// an untrusted address): `address` is the offending socket's peer.
    /// Returns when the penalty ends (wall clock), as audited.
    @discardableResult
    func penaltyImposed(_ penalty: ImposedPenalty, triggeredBy address: String, metadata: Logger.Metadata) -> AuditTimestamp {
        let milliseconds = penalty.duration.components.seconds * 1000 + penalty.duration.components.attoseconds / 1_000_000_000_000_000
        let until = AuditTimestamp.now().adding(microseconds: milliseconds * 1000)
        audit.record(.penaltyStart(source: penalty.source, triggeredBy: address, offence: penalty.offence.rawValue,
                                   durationMilliseconds: milliseconds, strike: penalty.strike, until: until))
        logger.warning("source penalised: new connections refused at accept", metadata: metadata.merging([
            "tg.source": "\(penalty.source)",
            "tg.offence": "\(penalty.offence.rawValue)",
            "tg.duration": "\(milliseconds / 1000)s",
            "tg.strike": "\(penalty.strike)",
            "tg.until": "\(until.iso8601)",
        ]) { $1 })
        return until
    }
}
