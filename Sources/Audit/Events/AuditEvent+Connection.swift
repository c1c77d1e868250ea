/// Constructors for the connection-scoped kinds. They fix `result`, `reason` and the detail
/// keys that `QueryTableUpdater` reads, so the gateway cannot misspell them.
extension AuditEvent {
    /// `connection.open`: a client connected and finished key exchange. `via` is the trusted
    /// proxy (`host:port`) whose PROXY header named the source; nil for a direct connection.
    package static func connectionOpen(_ context: AuditContext, via: String? = nil) -> AuditEvent {
        var details: [String: AuditValue] = [:]
        if let via { details[AuditDetailKey.proxiedVia] = .string(via) }
        return AuditEvent(.connectionOpen, context: context, details: details)
    }

    /// `auth.attempt`: one authentication attempt. `keyType`/`keyFingerprint` are the key
    /// offered in this attempt (it may differ from the one that finally succeeds); `user` and
    /// `organization` are its owner when the key is known.
    package static func authAttempt(
        _ context: AuditContext,
        result: AuthAttemptResult,
        method: String = "publickey",
        user: String?,
        organization: String?,
        keyType: String?,
        keyFingerprint: String?,
        reason: String? = nil
    ) -> AuditEvent {
        var event = AuditEvent(
            .authAttempt, context: context, result: result.rawValue, reason: reason,
            details: [AuditDetailKey.method: .string(method)])
        event.user = user ?? context.user
        event.organization = organization ?? context.organization
        event.keyType = keyType
        event.keyFingerprint = keyFingerprint
        return event
    }

    /// `access.decision`: the policy's answer for the requested target and login, with the
    /// grant that allowed it or the reason it was denied. Write it with `recordDurably` before
    /// anything is forwarded.
    package static func accessDecision(
        _ context: AuditContext,
        result: AccessDecisionResult,
        grant: String? = nil,
        reason: String? = nil,
        secondFactor: String? = nil
    ) -> AuditEvent {
        var details: [String: AuditValue] = [:]
        if let grant { details[AuditDetailKey.grant] = .string(grant) }
        if let secondFactor { details[AuditDetailKey.secondFactor] = .string(secondFactor) }
        return AuditEvent(.accessDecision, context: context, result: result.rawValue, reason: reason, details: details)
    }

    /// `upstream.connect`: the gateway's own connection to the target, with the host key it saw
    /// (also on failure: a changed host key is the interesting case), and what each leg
    /// negotiated: whether the relayed traffic had post-quantum key exchange end to end.
    package static func upstreamConnect(
        _ context: AuditContext,
        result: UpstreamResult,
        address: String?,
        hostKeyFingerprint: String?,
        reason: String? = nil,
        clientLeg: NegotiatedLeg? = nil,
        targetLeg: NegotiatedLeg? = nil,
        certificate: UpstreamCertificateFacts? = nil
    ) -> AuditEvent {
        var details: [String: AuditValue] = [:]
        if let address { details[AuditDetailKey.upstreamAddress] = .string(address) }
        if let hostKeyFingerprint { details[AuditDetailKey.hostKeyFingerprint] = .string(hostKeyFingerprint) }
        if let clientLeg {
            details[AuditDetailKey.clientKeyExchange] = .string(clientLeg.keyExchange)
            details[AuditDetailKey.clientCipherIn] = .string(clientLeg.cipherIn)
            details[AuditDetailKey.clientCipherOut] = .string(clientLeg.cipherOut)
        }
        if let targetLeg {
            details[AuditDetailKey.targetKeyExchange] = .string(targetLeg.keyExchange)
            details[AuditDetailKey.targetCipherIn] = .string(targetLeg.cipherIn)
            details[AuditDetailKey.targetCipherOut] = .string(targetLeg.cipherOut)
        }
        if let certificate {
            details[AuditDetailKey.upstreamAuth] = .string("certificate")
            details[AuditDetailKey.certificateSerial] = .integer(certificate.serial)
            details[AuditDetailKey.certificateKeyID] = .string(certificate.keyID)
            details[AuditDetailKey.certificateCA] = .string(certificate.caFingerprint)
            details[AuditDetailKey.certificateValidBefore] = .string(certificate.validBefore)
        }
        return AuditEvent(.upstreamConnect, context: context, result: result.rawValue, reason: reason, details: details)
    }

    /// `connection.close`: the client connection ended, and why. `detail` is free text for
    /// `error` (what failed), kept out of `reason` so that reasons stay a closed set.
    package static func connectionClose(
        _ context: AuditContext,
        reason: ConnectionCloseReason,
        detail: String? = nil
    ) -> AuditEvent {
        var details: [String: AuditValue] = [:]
        if let detail { details["error"] = .string(detail) }
        return AuditEvent(.connectionClose, context: context, reason: reason.rawValue, details: details)
    }
}
