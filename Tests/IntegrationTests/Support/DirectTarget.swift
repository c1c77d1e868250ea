import TestSupport

/// One sshd and a client with an authorised key, no gateway: the harness on its own.
struct DirectTarget {
    let directory: TemporaryDirectory
    let server: OpenSSHServer
    let key: KeyPair
    let client: OpenSSHClient

    static func start(extraConfiguration: [String] = []) async throws -> DirectTarget {
        let directory = try TemporaryDirectory(prefix: "tracegate-direct")
        let server = try await OpenSSHServer.start(extraConfiguration: extraConfiguration)
        let key = try await KeyPair.generate(in: directory.path, name: "engineer")
        try server.authorize(publicKeyLine: key.publicKeyLine)
        let client = try OpenSSHClient(
            in: directory.path, name: "target", port: server.port, identity: key,
            hostKeyLine: server.hostKeyLine, user: server.login
        )
        return DirectTarget(directory: directory, server: server, key: key, client: client)
    }

    /// sshd's log, for failure messages.
    var context: String { "--- sshd log (tail) ---\n" + String(server.log.suffix(4000)) }
}
