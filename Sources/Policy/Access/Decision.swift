/// The answer to one request. An allow names the grant that justified it, so the audit trail
/// can say why access was given and later grant attributes reach the gateway with it.
package enum Decision: Hashable, Sendable {
    case allowed(target: Target, login: String, grant: Grant)
    case denied(DenialReason)

    package var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }
}
