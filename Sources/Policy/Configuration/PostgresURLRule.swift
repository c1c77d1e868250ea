/// What `cluster.postgres` may be: a `postgresql://` or `postgres://` URI (the forms libpq
/// reads) that carries no password, neither as `user:password@` nor as a `password=`
/// parameter. Checked here, byte by byte, so that `config check` refuses it with one line
/// before the gateway ever hands the text to libpq.
package enum PostgresURLRule {
    /// Why `text` is refused, or nil when it is acceptable.
    package static func problem(with text: String) -> String? {
        guard let scheme = ["postgresql://", "postgres://"].first(where: { text.hasPrefix($0) }) else {
            return "cluster.postgres must be a postgresql:// URI"
        }
        guard text.count <= 500, !text.contains(where: { $0.isWhitespace || $0.isNewline }) else {
            return "cluster.postgres must be one URI without spaces"
        }
        let rest = text.dropFirst(scheme.count)
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") {
            return "cluster.postgres must not contain a password: put it in cluster.password_file or \(ClusterSettings.passwordEnvironmentVariable)"
        }
        if let query = rest.firstIndex(of: "?") {
            let parameters = rest[rest.index(after: query)...].split(separator: "&")
            if parameters.contains(where: { $0.lowercased().hasPrefix("password=") }) {
                return "cluster.postgres must not contain a password: put it in cluster.password_file or \(ClusterSettings.passwordEnvironmentVariable)"
            }
        }
        return nil
    }
}
