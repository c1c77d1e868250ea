import Foundation

/// A real, throwaway PostgreSQL 15 (Debian's `postgresql` binaries) on 127.0.0.1: `initdb` in
/// a temp directory of its own, password authentication over TCP (so the gateway's password
/// file is exercised), stopped and deleted with this value.
///
/// PostgreSQL refuses to run as root: as root, the cluster belongs to the `postgres` user
/// (created by Debian's package) and every server command runs through `runuser`.
package final class PostgreSQLServer: Sendable {
    package static let binaries = "/usr/lib/postgresql/15/bin"
    package static let user = "tracegate"

    package let directory: TemporaryDirectory
    package let port: UInt16
    package let password: String
    /// The password on one line, readable by the gateway (`cluster.password_file`).
    package let passwordFile: String
    private let dataDirectory: String
    private let owner: String?

    private init(directory: TemporaryDirectory, port: UInt16, password: String, passwordFile: String, owner: String?) {
        self.directory = directory
        self.port = port
        self.password = password
        self.passwordFile = passwordFile
        self.dataDirectory = directory.file("data")
        self.owner = owner
    }

    deinit {
        stopBlocking()
    }

    /// `postgresql://tracegate@127.0.0.1:PORT/NAME`: no password, as the configuration wants it.
    package func url(database: String) -> String {
        "postgresql://\(Self.user)@127.0.0.1:\(port)/\(database)"
    }

    package static func start() async throws -> PostgreSQLServer {
        let directory = try TemporaryDirectory(prefix: "tracegate-pg")
        let owner = geteuid() == 0 ? "postgres" : nil
        if let owner {
            guard let account = getpwnam(owner) else {
                throw TestSupportError.executableNotFound("the postgres user (apt-get install postgresql)")
            }
            chown(directory.path, account.pointee.pw_uid, account.pointee.pw_gid)
        }
        let password = "pw-" + UUID().uuidString
        let passwordFile = try directory.write(password + "\n", to: "password", mode: 0o644)
        let initdb = try await run(owner, "initdb", [
            "-D", directory.file("data"), "-U", user, "--pwfile", passwordFile,
            "--auth-local=trust", "--auth-host=scram-sha-256", "--no-sync", "-E", "UTF8", "--locale=C",
        ])
        guard initdb.succeeded else { throw TestSupportError.commandFailed("initdb", initdb) }
        // The free port can be taken between the probe and the server's bind: try a few.
        for _ in 0..<3 {
            let server = PostgreSQLServer(directory: directory, port: try LoopbackPort.free(), password: password,
                                          passwordFile: passwordFile, owner: owner)
            if try await server.startServer().succeeded { return server }
        }
        let log = (try? String(contentsOfFile: directory.file("server.log"), encoding: .utf8)) ?? ""
        throw TestSupportError.exitedEarly("postgres", log: log)
    }

    /// `createdb NAME`; returns its URL.
    package func createDatabase(_ name: String) async throws -> String {
        let result = try await client("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", Self.user, name])
        guard result.succeeded else { throw TestSupportError.commandFailed("createdb \(name)", result) }
        return url(database: name)
    }

    /// `psql -At` in `database`: each row on a line, columns separated by `|`.
    package func query(_ sql: String, database: String) async throws -> [String] {
        let result = try await client("psql", [
            "-h", "127.0.0.1", "-p", String(port), "-U", Self.user, "-d", database,
            "-v", "ON_ERROR_STOP=1", "-At", "-F", "|", "-c", sql,
        ])
        guard result.succeeded else { throw TestSupportError.commandFailed("psql: \(sql)", result) }
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// `pg_ctl stop -m fast`: clients are disconnected at once, as when a database dies.
    package func stop() async throws {
        let result = try await Self.run(owner, "pg_ctl", ["-D", dataDirectory, "stop", "-m", "fast", "-w"])
        guard result.succeeded else { throw TestSupportError.commandFailed("pg_ctl stop", result) }
    }

    /// Starts the same cluster again on the same port.
    package func restart() async throws {
        let result = try await startServer()
        guard result.succeeded else { throw TestSupportError.commandFailed("pg_ctl start", result) }
    }

    private func startServer() async throws -> ProcessResult {
        try await Self.run(owner, "pg_ctl", [
            "-D", dataDirectory, "-l", directory.file("server.log"), "-w", "-t", "60",
            "-o", "-k \(directory.path) -h 127.0.0.1 -p \(port) -c fsync=off", "start",
        ], timeout: .seconds(90))
    }

    /// A client program with the password in its environment (never on a command line).
    private func client(_ program: String, _ arguments: [String]) async throws -> ProcessResult {
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        environment["PGCONNECT_TIMEOUT"] = "10"
        return try await ProcessRunner(environment: environment).run(Self.binaries + "/" + program, arguments)
    }

    private static func run(_ owner: String?, _ program: String, _ arguments: [String],
                            timeout: Duration = .seconds(60)) async throws -> ProcessResult {
        let path = binaries + "/" + program
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError.executableNotFound("\(path) (apt-get install postgresql)")
        }
        if let owner {
            return try await ProcessRunner(workingDirectory: "/").run("/usr/sbin/runuser", ["-u", owner, "--", path] + arguments,
                                                                      timeout: timeout)
        }
        return try await ProcessRunner(workingDirectory: "/").run(path, arguments, timeout: timeout)
    }

    /// At the end: an immediate shutdown by signal (deinit cannot wait for pg_ctl), then the
    /// directory goes with `directory`.
    private func stopBlocking() {
        guard let text = try? String(contentsOfFile: dataDirectory + "/postmaster.pid", encoding: .utf8),
              let first = text.split(separator: "\n").first, let pid = Int32(first) else { return }
        kill(pid, SIGQUIT)
        for _ in 0..<100 where kill(pid, 0) == 0 {
            usleep(50_000)
        }
    }
}
