import Policy
import Synchronization

/// How a connection that never authenticated ended, each with its own penalty.
package enum PenaltyOffence: String, Sendable, Hashable, CaseIterable {
    /// At least one authentication attempt failed and none succeeded.
    case authenticationFailure = "auth_failure"
    /// It left, or its key exchange failed, without trying to authenticate.
    case noAuthentication = "no_auth"
    /// It was cut at the key-exchange or authentication deadline.
    case graceExceeded = "grace_exceeded"

    func duration(in settings: PenaltySettings) -> Duration {
        switch self {
        case .authenticationFailure: settings.authenticationFailure
        case .noAuthentication: settings.noAuthentication
        case .graceExceeded: settings.graceExceeded
        }
    }
}

/// A penalty that has just begun: what to audit and log, once.
package struct ImposedPenalty: Sendable, Equatable {
    /// The penalised address, or IPv6 /64 network.
    package let source: String
    package let duration: Duration
    /// 1 for a first penalty; each penalty that follows soon after a previous one doubles.
    package let strike: Int
    /// The offence that tipped the balance.
    package let offence: PenaltyOffence

    package init(source: String, duration: Duration, strike: Int, offence: PenaltyOffence) {
        self.source = source
        self.duration = duration
        self.strike = strike
        self.offence = offence
    }
}

/// Who is penalised and until when (OpenSSH's PerSourcePenalties, see `PenaltySettings`).
///
/// Every connection that ends unauthenticated adds its offence's time to its source's
/// account; once the account holds `min` the source is penalised for that long (doubled per
/// strike while the source keeps coming back, capped at `max`) and the acceptor closes its
/// new connections before any SSH work. Time is passed in, so tests need no sleeping.
package final class PenaltyBook: Sendable {
    private struct Account {
        /// Where the accumulated time runs out (or the penalty ends, when `enforced`).
        var expiry: ContinuousClock.Instant
        var enforced = false
        var strikes = 0
    }

    private let accounts = Mutex<[String: Account]>([:])

    package init() {}

    /// IPv4 addresses count one by one; IPv6 ones by /64, as one host often holds a whole
    /// /64 and would otherwise dodge its penalty by changing address.
    package static func sourceKey(for address: String) -> (key: String, address: IPAddress)? {
        guard let parsed = IPAddress(parsing: address) else { return nil }
        if let unmapped = parsed.unmappedIPv4 { return (unmapped.description, unmapped) }
        if parsed.isIPv4 { return (parsed.description, parsed) }
        let network = Array(parsed.bytes.prefix(8)) + Array(repeating: 0, count: 8)
        return ("\(IPAddress(bytes: network)?.description ?? address)/64", parsed)
    }

    /// Whether a new connection from `address` must be closed at accept.
    package func isPenalised(_ address: String, settings: PenaltySettings, now: ContinuousClock.Instant = .now) -> Bool {
        guard settings.enabled, let (key, parsed) = Self.sourceKey(for: address), !settings.isExempt(parsed) else {
            return false
        }
        return accounts.withLock { accounts in
            guard let account = accounts[key] else { return false }
            return account.enforced && now < account.expiry
        }
    }

    /// Adds `offence` to the account of `address`; returns the penalty when this begins one.
    package func record(_ offence: PenaltyOffence, from address: String, settings: PenaltySettings,
                        now: ContinuousClock.Instant = .now) -> ImposedPenalty? {
        guard settings.enabled, let (key, parsed) = Self.sourceKey(for: address), !settings.isExempt(parsed) else {
            return nil
        }
        let amount = offence.duration(in: settings)
        return accounts.withLock { accounts -> ImposedPenalty? in
            guard var account = accounts[key] ?? Self.newAccount(in: &accounts, settings: settings, now: now) else {
                return nil
            }
            if account.enforced && now < account.expiry {
                // A connection let in before the penalty began: it lengthens it, within the cap.
                account.expiry = min(account.expiry + amount, now + settings.maximum)
                accounts[key] = account
                return nil
            }
            if account.expiry <= now {
                // Strikes are forgotten after a quiet spell as long as the longest penalty.
                if now - account.expiry > settings.maximum { account.strikes = 0 }
                account.enforced = false
                account.expiry = now
            }
            account.expiry = account.expiry + amount
            guard account.expiry - now >= settings.minimum else {
                accounts[key] = account
                return nil
            }
            account.strikes += 1
            let grown = (account.expiry - now) * (1 << min(account.strikes - 1, 20))
            let duration = min(grown, settings.maximum)
            account.expiry = now + duration
            account.enforced = true
            accounts[key] = account
            return ImposedPenalty(source: key, duration: duration, strike: account.strikes, offence: offence)
        }
    }

    /// Enforces a penalty another node imposed (read from the cluster's shared state): `key` is
    /// refused until `until`, or longer if this book already says so. Nothing is audited or
    /// shared again: the penalty's evidence is in the imposing node's chain. The strike count
    /// becomes at least `strike`, so that a source coming back to this node is treated as a
    /// repeat offender, as it would be on the node that penalised it. Returns whether the
    /// book changed (a new penalty here, or a later end).
    @discardableResult
    package func adopt(source key: String, until: ContinuousClock.Instant, strike: Int, settings: PenaltySettings,
                       now: ContinuousClock.Instant = .now) -> Bool {
        guard until > now else { return false }
        return accounts.withLock { accounts -> Bool in
            guard var account = accounts[key] ?? Self.newAccount(in: &accounts, settings: settings, now: now) else {
                return false
            }
            let enforcedNow = account.enforced && now < account.expiry
            if enforcedNow && account.expiry >= until { return false }
            account.enforced = true
            account.expiry = until
            account.strikes = max(account.strikes, strike)
            accounts[key] = account
            return true
        }
    }

    /// How many sources the book holds (for tests and the flood report).
    package var sourceCount: Int { accounts.withLock { $0.count } }

    /// A fresh account, making room first when the book is full: forgotten first are accounts
    /// whose time has run out, then accounts not penalised. When every account is penalised
    /// the newcomer is not recorded (fail open: refusing every address is the flood's goal).
    private static func newAccount(in accounts: inout [String: Account], settings: PenaltySettings,
                                   now: ContinuousClock.Instant) -> Account? {
        if accounts.count >= settings.maxSources {
            accounts = accounts.filter { _, account in
                account.expiry > now || (account.strikes > 0 && now - account.expiry <= settings.maximum)
            }
        }
        if accounts.count >= settings.maxSources {
            let unenforced = accounts.filter { !$0.value.enforced }.sorted { $0.value.expiry < $1.value.expiry }
            // A batch at a time, so that a flood from many addresses does not sort on every close.
            let batch = max(accounts.count - settings.maxSources + 1, settings.maxSources / 8)
            for (key, _) in unenforced.prefix(batch) { accounts[key] = nil }
        }
        guard accounts.count < settings.maxSources else { return nil }
        return Account(expiry: now)
    }
}
