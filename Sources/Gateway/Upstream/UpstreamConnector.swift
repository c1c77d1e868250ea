import Audit
import Policy
import SSH

/// Opens the gateway's own connection to a target: connect with a timeout, verify the
/// pinned host key, log in with the gateway's key. The engineer's credentials never
/// reach the target.
struct UpstreamConnector {
    let upstreamKey: PrivateKey
    let settings: GatewaySettings

    struct Connected {
        let session: UpstreamSession
        let hostKeyFingerprint: String
        let leg: NegotiatedLeg
    }

    struct Failed: Error {
        let refusal: Refusal
        let hostKeyFingerprint: String?
    }

    func connect(to target: Target, as login: String) -> Result<Connected, Failed> {
        let session: UpstreamSession
        do {
            session = try UpstreamSession(host: target.host, port: target.port, login: login,
                                          timeout: settings.limits.upstreamTimeout,
                                          algorithms: settings.upstreamAlgorithms)
            try session.connect()
        } catch {
            return .failure(Failed(refusal: .targetUnreachable(target: target.name, reason: error.description),
                                   hostKeyFingerprint: nil))
        }
        let hostKey: PublicKey
        do {
            hostKey = try session.serverHostKey()
        } catch {
            session.tearDown()
            return .failure(Failed(refusal: .targetUnreachable(target: target.name, reason: error.description),
                                   hostKeyFingerprint: nil))
        }
        let verifier = HostKeyVerifier(pinnedHostKeysPath: settings.pinnedHostKeysPath)
        if let refusal = verifier.verify(hostKey, for: target) {
            session.tearDown()
            return .failure(Failed(refusal: refusal, hostKeyFingerprint: hostKey.fingerprint))
        }
        do {
            try session.authenticate(with: upstreamKey)
        } catch {
            session.tearDown()
            return .failure(Failed(refusal: .upstreamLoginRefused(target: target.name, login: login),
                                   hostKeyFingerprint: hostKey.fingerprint))
        }
        let negotiated = session.negotiatedAlgorithms
        let leg = NegotiatedLeg(keyExchange: negotiated.keyExchange, cipherIn: negotiated.cipherIn,
                                cipherOut: negotiated.cipherOut)
        return .success(Connected(session: session, hostKeyFingerprint: hostKey.fingerprint, leg: leg))
    }
}
