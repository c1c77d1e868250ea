/// The key id of a gateway certificate: `tracegate user=bob org=provider connection=c-… ticket=INC-42`.
/// The target's sshd writes it in its log line for the login, so one grep joins the target's
/// logs to the gateway's trail. Values are reduced to characters that survive every log
/// pipeline unquoted and cannot forge another `name=` field (no spaces, no `=`).
package enum CertificateKeyID {
    package static let prefix = "tracegate"
    private static let maximumValueLength = 128

    package static func make(user: String, organization: String, connection: String, ticket: String?) -> String {
        var fields = [prefix, "user=" + clean(user), "org=" + clean(organization), "connection=" + clean(connection)]
        if let ticket, !ticket.isEmpty { fields.append("ticket=" + clean(ticket)) }
        return fields.joined(separator: " ")
    }

    /// Letters, digits and `._-@:/+#` kept; anything else becomes `_`.
    package static func clean(_ value: String) -> String {
        let kept = value.unicodeScalars.prefix(maximumValueLength).map { scalar -> Character in
            let allowed = scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
                || "._-@:/+#".unicodeScalars.contains(scalar))
            return allowed ? Character(scalar) : "_"
        }
        return kept.isEmpty ? "_" : String(kept)
    }
}
