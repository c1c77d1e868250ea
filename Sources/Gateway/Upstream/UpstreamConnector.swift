import Audit
import Certificates
import Policy
import SSH

/// Opens the gateway's own connection to a target: connect with a timeout, verify the
/// pinned host key, log in with the gateway's key or with a short-lived certificate for it.
/// The engineer's credentials never reach the target.
struct UpstreamConnector {
    let upstreamKey: PrivateKey
    let settings: GatewaySettings
    let certificates: UpstreamCertificateIssuer

    /// How to log in: the plain key, or a certificate issued for this request.
    enum Login {
        case key
        case certificate(UpstreamCertificateIssuer.Request)
    }

    struct Connected {
        let session: UpstreamSession
        let hostKeyFingerprint: String
        let leg: NegotiatedLeg
        /// The certificate the target accepted, for `upstream_auth: certificate`.
        let certificate: UpstreamCertificateFacts?
        /// False when the certificate was issued without `permit-pty`: the target refuses a terminal.
        let allowsTerminal: Bool
    }

    struct Failed: Error {
        let refusal: Refusal
        let hostKeyFingerprint: String?
        /// The certificate the target refused (its serial is in the trail with the refusal).
        var certificate: UpstreamCertificateFacts?
        /// Detail for the log only (never shown to the engineer).
        var detail: String?
    }

    func connect(to target: Target, as login: String, using method: Login) -> Result<Connected, Failed> {
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
        switch method {
        case .key:
            do {
                try session.authenticate(with: upstreamKey)
            } catch {
                session.tearDown()
                return .failure(Failed(refusal: .upstreamLoginRefused(target: target.name, login: login),
                                       hostKeyFingerprint: hostKey.fingerprint))
            }
            return .success(Connected(session: session, hostKeyFingerprint: hostKey.fingerprint, leg: Self.leg(of: session), certificate: nil,
                                      allowsTerminal: true))
        case .certificate(let request):
            let issued: UpstreamCertificateIssuer.Issued
            let keys: [CertifiedKey]
            do {
                issued = try certificates.issue(request)
                keys = try issued.certificates.map { (blob, _) throws(SSHError) in try upstreamKey.certified(with: blob) }
            } catch {
                session.tearDown()
                return .failure(Failed(refusal: .certificateUnavailable, hostKeyFingerprint: hostKey.fingerprint,
                                       detail: "\(error)"))
            }
            do {
                let accepted = try session.authenticate(withCertificates: keys)
                certificates.remember(issued.certificates[accepted].authority, acceptedBy: target.name)
                return .success(Connected(session: session, hostKeyFingerprint: hostKey.fingerprint, leg: Self.leg(of: session),
                                          certificate: issued.facts(acceptedBy: accepted),
                                          allowsTerminal: issued.extensions.contains(.permitPTY)))
            } catch {
                session.tearDown()
                return .failure(Failed(refusal: .upstreamCertificateRefused(target: target.name, login: login),
                                       hostKeyFingerprint: hostKey.fingerprint,
                                       certificate: issued.facts(acceptedBy: 0)))
            }
        }
    }

    /// What the target leg negotiated, for the `upstream.connect` event.
    private static func leg(of session: UpstreamSession) -> NegotiatedLeg {
        let negotiated = session.negotiatedAlgorithms
        return NegotiatedLeg(keyExchange: negotiated.keyExchange, cipherIn: negotiated.cipherIn,
                             cipherOut: negotiated.cipherOut)
    }
}
