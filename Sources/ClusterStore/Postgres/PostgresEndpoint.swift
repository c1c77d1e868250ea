import Foundation

/// Where and as whom to connect: the configuration's URI plus the password from its file or
/// the environment. The password stays in this value and goes to libpq as a separate keyword;
/// it is never added to the URI, a log line or an error.
package struct PostgresEndpoint: Sendable {
    package var url: String
    var password: String?
    /// Seconds libpq waits for a connection before giving up (a down server must not stall
    /// the shipper's loop, nor a command, for the kernel's TCP timeout).
    package var connectTimeoutSeconds = 5
    /// How long sent data may stay unacknowledged before the kernel drops the connection
    /// (`tcp_user_timeout`): a server that vanished without a reset fails the blocked call
    /// within this, not the kernel's quarter of an hour.
    package var tcpUserTimeoutMilliseconds = 30_000

    package init(url: String, password: String?) {
        self.url = url
        self.password = password
    }

    /// The password from `passwordFile` (first line, trailing whitespace dropped), else from the
    /// environment variable, else none (trust or peer authentication, or `~/.pgpass`).
    package static func resolve(url: String, passwordFile: String?, environmentVariable: String,
                                environment: [String: String] = ProcessInfo.processInfo.environment)
        throws(PostgresError) -> PostgresEndpoint
    {
        if let passwordFile {
            let text: String
            do {
                text = try String(contentsOfFile: passwordFile, encoding: .utf8)
            } catch {
                throw .passwordFileUnreadable(path: passwordFile, reason: (error as NSError).localizedDescription)
            }
            let line = text.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            return PostgresEndpoint(url: url, password: line.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        if let value = environment[environmentVariable], !value.isEmpty {
            return PostgresEndpoint(url: url, password: value)
        }
        return PostgresEndpoint(url: url, password: nil)
    }
}

extension PostgresEndpoint: CustomStringConvertible {
    /// For logs and debugging: the URI, and whether a password is set, never the password.
    package var description: String {
        "\(url) (\(password == nil ? "no password" : "password set"))"
    }
}
