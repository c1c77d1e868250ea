/// What a grant opens. `record` (the default): a session relayed and recorded by the gateway,
/// as `LOGIN@TARGET`. `tunnel`: a TCP stream to the target's SSH port (`ssh -J`, `ssh -W`), in
/// which the client authenticates to the target itself, so the gateway sees neither the login
/// nor the content: it audits who, where, when, how long and how many bytes.
package enum GrantMode: String, Hashable, Sendable, CaseIterable, CustomStringConvertible {
    case record
    case tunnel

    package var description: String { rawValue }
}
