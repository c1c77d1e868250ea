/// The answer to a tunnel request (`ssh -J`, `ssh -W`): the target whose SSH port the stream
/// may reach and the `tunnel` grant that allows it, or why not.
package enum TunnelDecision: Hashable, Sendable {
    case allowed(target: Target, grant: Grant)
    case denied(DenialReason)

    package var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }
}
