import Audit
import Certificates
import Foundation
import Policy
import Synchronization

/// Signs the short-lived certificate for one upstream login: shared by every connection
/// thread. The CA files are read again only when they change on disk (a stat per login), so
/// `tracegate keys rotate-ca` takes effect on the next login without a restart.
package final class UpstreamCertificateIssuer: Sendable {
    /// Who the certificate is for, and what the session needs.
    struct Request {
        /// The target's name: during a rotation, the CA it accepted last is offered first.
        var target: String = ""
        var user: String
        var organization: String
        var connectionID: String
        var ticket: String?
        var login: String
        var terminal: Bool
        var portForwarding: Bool
        var settings: CertificateSettings
    }

    /// The certificates for one login: one per CA in signing order, with one serial.
    struct Issued {
        var certificates: [(blob: [UInt8], authority: CertificateAuthorityKey)]
        var serial: UInt64
        var keyID: String
        var validBefore: Date
        var extensions: Set<CertificateExtension>

        func facts(acceptedBy index: Int) -> UpstreamCertificateFacts {
            UpstreamCertificateFacts(serial: Int64(serial), keyID: keyID,
                                     caFingerprint: certificates[min(index, certificates.count - 1)].authority.fingerprint,
                                     validBefore: AuditTimestamp(secondsSinceEpoch: validBefore.timeIntervalSince1970).iso8601Seconds)
        }
    }

    /// Certificates are valid from this long before now: a target whose clock is behind still
    /// accepts them.
    static let clockSkewAllowance: TimeInterval = 60

    private let stateDirectory: String
    private let serials: CertificateSerialAllocator
    /// nil when the upstream key is not ed25519 (then certificate logins are refused).
    private let upstreamPublicKey: [UInt8]?
    private let cache = Mutex<(stamps: [FileStamp?], authority: UserCertificateAuthority)?>(nil)
    /// Per target, the public key of the CA it accepted last (only consulted during a rotation).
    private let acceptedCA = Mutex<[String: [UInt8]]>([:])
    private static let rememberedTargets = 10_000

    /// `upstreamKeyBlob`: the SSH wire blob of the gateway's upstream key (ed25519).
    /// The CA is created on first use (`authority()`), not here.
    package init(stateDirectory: String, upstreamKeyBlob: [UInt8], serials: CertificateSerialAllocator) {
        var reader = SSHWireReader(upstreamKeyBlob)
        if (try? reader.text()) == "ssh-ed25519", let key = try? reader.string(), key.count == 32, reader.isAtEnd {
            upstreamPublicKey = key
        } else {
            upstreamPublicKey = nil
        }
        self.stateDirectory = stateDirectory
        self.serials = serials
    }

    /// The CA set in force, reloaded when its files changed.
    package func authority() throws(CertificateAuthorityError) -> UserCertificateAuthority {
        let stamps = [UserCertificateAuthority.currentPath(stateDirectory: stateDirectory),
                      UserCertificateAuthority.nextPath(stateDirectory: stateDirectory)].map(FileStamp.init(path:))
        if let cached = cache.withLock({ $0 }), cached.stamps == stamps { return cached.authority }
        let authority = try UserCertificateAuthority.loadOrCreate(stateDirectory: stateDirectory)
        cache.withLock { $0 = (stamps, authority) }
        return authority
    }

    func issue(_ request: Request, at now: Date = Date()) throws(CertificateAuthorityError) -> Issued {
        guard let upstreamPublicKey else {
            throw .unreadable(path: stateDirectory + "/keys/upstream_ed25519",
                              reason: "upstream_auth: certificate needs an ed25519 upstream key")
        }
        let authority = try authority()
        var order = authority.signingOrder
        if order.count > 1, let preferred = acceptedCA.withLock({ $0[request.target] }),
           let index = order.firstIndex(where: { $0.publicKey == preferred }), index > 0 {
            order.insert(order.remove(at: index), at: 0)
        }
        let serial: Int64
        do {
            serial = try serials.next()
        } catch {
            throw .serialUnavailable(error.description)
        }
        return try Self.sign(request, serial: UInt64(serial), upstreamPublicKey: upstreamPublicKey,
                             authorities: order, at: now)
    }

    /// The target accepted the certificate of `authority`: offer that CA first next time, so
    /// that a target moved to the next CA during a rotation is not offered the old one first
    /// at every login.
    func remember(_ authority: CertificateAuthorityKey, acceptedBy target: String) {
        acceptedCA.withLock { accepted in
            if accepted.count >= Self.rememberedTargets && accepted[target] == nil { accepted.removeAll() }
            accepted[target] = authority.publicKey
        }
    }

    /// Pure apart from the nonce: the time is a parameter, so a test can sign a certificate
    /// that expired an hour ago and watch a real sshd refuse it.
    static func sign(_ request: Request, serial: UInt64, upstreamPublicKey: [UInt8],
                     authorities: [CertificateAuthorityKey], at now: Date) throws(CertificateAuthorityError) -> Issued {
        let keyID = CertificateKeyID.make(user: request.user, organization: request.organization,
                                          connection: request.connectionID, ticket: request.ticket)
        var extensions: Set<CertificateExtension> = []
        if request.terminal { extensions.insert(.permitPTY) }
        if request.portForwarding { extensions.insert(.permitPortForwarding) }
        let seconds = now.timeIntervalSince1970
        let validity = TimeInterval(request.settings.validity.components.seconds)
        let validBefore = UInt64(max(0, seconds + validity))
        var nonce = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for index in nonce.indices { nonce[index] = generator.next() }
        var certificates: [(blob: [UInt8], authority: CertificateAuthorityKey)] = []
        for authority in authorities {
            let certificate = UserCertificate(
                nonce: nonce, publicKey: upstreamPublicKey, serial: serial, keyID: keyID, principals: [request.login],
                validAfter: UInt64(max(0, seconds - clockSkewAllowance)), validBefore: validBefore,
                sourceAddresses: request.settings.sourceAddresses, extensions: extensions, caPublicKey: authority.publicKey)
            do {
                certificates.append((try certificate.signed(with: authority.sign), authority))
            } catch {
                throw .signingFailed("\(error)")
            }
        }
        return Issued(certificates: certificates, serial: serial, keyID: keyID,
                      validBefore: Date(timeIntervalSince1970: TimeInterval(validBefore)), extensions: extensions)
    }
}

/// Enough of a file's identity to notice that it was replaced or rewritten.
struct FileStamp: Equatable {
    let device: UInt64
    let inode: UInt64
    let modified: Int
    let modifiedNanoseconds: Int
    let size: Int64

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
        modified = info.st_mtim.tv_sec
        modifiedNanoseconds = info.st_mtim.tv_nsec
        size = Int64(info.st_size)
    }
}
