import Policy
import SSH

/// Checks a target's host key against its pin: the one in the configuration, else the
/// one `tracegate target trust` wrote. There is no trust on first use: an unpinned key
/// is refused with its fingerprint, so that an operator can check and pin it.
struct HostKeyVerifier {
    let pinnedHostKeysPath: String

    func verify(_ presented: PublicKey, for target: Target) -> Refusal? {
        guard let pin = pin(for: target) else {
            return .hostKeyNotPinned(target: target.name, seen: presented.fingerprint)
        }
        guard let key = try? AuthorizedKey(algorithm: presented.algorithm, blob: presented.blob),
              pin.matches(key) else {
            return .hostKeyMismatch(target: target.name, seen: presented.fingerprint)
        }
        return nil
    }

    private func pin(for target: Target) -> HostKeyPin? {
        if let configured = target.hostKey { return configured }
        // Read on every connection: a pin written by `target trust` applies without a reload.
        guard let pinned = try? PinnedHostKeys.load(path: pinnedHostKeysPath).pin(for: target.name) else { return nil }
        return .key(pinned)
    }
}
