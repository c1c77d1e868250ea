import Crypto
import Foundation
import Policy
import Synchronization

/// One-time sign-in links and the web sessions they open, in the gateway's memory.
///
/// Only SHA-256 digests of link tokens and cookies are kept: a memory dump, a log line or the
/// trail never holds a usable secret. A link works once, within its lifetime; a session lasts
/// `web.session` from its sign-in. A restart of the gateway signs everyone out (nothing is
/// kept on disk to steal), which suits a page reached through `ssh gateway web` in seconds.
package final class WebSignInBook: Sendable {
    package struct Signin: Sendable, Hashable {
        package var user: String
        package var cookie: String
        package var tag: String
    }

    package enum Refusal: String, Sendable, Error {
        case unknownLink = "unknown or already used link"
        case expiredLink = "expired link"
    }

    private struct PendingLink {
        var user: String
        var expires: ContinuousClock.Instant
    }

    private struct Session {
        var user: String
        var expires: ContinuousClock.Instant
    }

    private struct State {
        var links: [String: PendingLink] = [:]
        var sessions: [String: Session] = [:]
    }

    private let state = Mutex(State())
    private let serving = Mutex<WebSettings?>(nil)

    /// The settings the page was started with (listen, TLS, lifetimes apply at start; a
    /// reload changes who sees what, not where the page is); nil while no page runs.
    package var servingSettings: WebSettings? {
        get { serving.withLock { $0 } }
        set { serving.withLock { $0 = newValue } }
    }
    /// Bounds memory whatever happens: a user printing links in a loop evicts the oldest.
    private static let capacity = 10_000

    package init() {}

    /// A new link token for `user`, valid for `lifetime`, and the tag that names it in the trail.
    package func issueLink(for user: String, lifetime: Duration) -> (token: String, tag: String) {
        let token = Self.randomToken()
        let digest = Self.digest(token)
        let now = ContinuousClock.now
        state.withLock { state in
            state.links = state.links.filter { $0.value.expires > now }
            if state.links.count >= Self.capacity, let oldest = state.links.min(by: { $0.value.expires < $1.value.expires }) {
                state.links[oldest.key] = nil
            }
            state.links[digest] = PendingLink(user: user, expires: now + lifetime)
        }
        return (token, Self.tag(digest))
    }

    /// Consumes a link: whatever the answer, the token cannot be used again.
    package func redeem(_ token: String, sessionLifetime: Duration) -> Result<Signin, Refusal> {
        guard Self.isWellFormed(token) else { return .failure(.unknownLink) }
        let digest = Self.digest(token)
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let link = state.links.removeValue(forKey: digest) else { return .failure(.unknownLink) }
            guard link.expires > now else { return .failure(.expiredLink) }
            state.sessions = state.sessions.filter { $0.value.expires > now }
            if state.sessions.count >= Self.capacity,
               let oldest = state.sessions.min(by: { $0.value.expires < $1.value.expires }) {
                state.sessions[oldest.key] = nil
            }
            let cookie = Self.randomToken()
            let sessionDigest = Self.digest(cookie)
            state.sessions[sessionDigest] = Session(user: link.user, expires: now + sessionLifetime)
            return .success(Signin(user: link.user, cookie: cookie, tag: Self.tag(sessionDigest)))
        }
    }

    /// The user of a live session cookie, and the session's tag.
    package func session(cookie: String) -> (user: String, tag: String)? {
        guard Self.isWellFormed(cookie) else { return nil }
        let digest = Self.digest(cookie)
        let now = ContinuousClock.now
        return state.withLock { state in
            guard let session = state.sessions[digest] else { return nil }
            guard session.expires > now else {
                state.sessions[digest] = nil
                return nil
            }
            return (session.user, Self.tag(digest))
        }
    }

    /// Ends one session (sign-out).
    package func end(cookie: String) {
        guard Self.isWellFormed(cookie) else { return }
        let digest = Self.digest(cookie)
        _ = state.withLock { $0.sessions.removeValue(forKey: digest) }
    }

    /// Ends every web session and pending link of `user`; how many sessions ended.
    package func endAll(for user: String) -> Int {
        state.withLock { state in
            let before = state.sessions.count
            state.sessions = state.sessions.filter { $0.value.user != user }
            state.links = state.links.filter { $0.value.user != user }
            return before - state.sessions.count
        }
    }

    /// 32 random bytes from the system's CSPRNG, base64url without padding (43 characters).
    static func randomToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func isWellFormed(_ token: String) -> Bool {
        token.utf8.count == 43 && token.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2D || byte == 0x5F
        }
    }

    static func digest(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// What the trail and logs may show of a secret: 12 hex digits of its digest.
    static func tag(_ digest: String) -> String { String(digest.prefix(12)) }
}
