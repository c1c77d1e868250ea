import Foundation
import Policy

/// A connection that ends without authenticating charges its source (see `PenaltyBook`).
extension ClientConnection {
    var penaltyOffence: PenaltyOffence? {
        if isAuthenticated || endReason == .shutdown { return nil }
        if keyExchangeTimedOut || endReason == .authenticationTimeout { return .graceExceeded }
        return authenticationAttempts > 0 ? .authenticationFailure : .noAuthentication
    }

    func recordPenalty() {
        guard let offence = penaltyOffence else { return }
        // The settings in force now, so that a reload's exempt list applies at once.
        let penalties = runtime.settings.configuration.penalties
        guard let imposed = runtime.penalties.record(offence, from: context.clientAddress, settings: penalties) else { return }
        let until = journal.penaltyImposed(imposed, triggeredBy: context)
        runtime.sharePenalty(imposed, until: until)
    }
}
