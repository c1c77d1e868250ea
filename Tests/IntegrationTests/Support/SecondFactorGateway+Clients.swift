import Foundation
import Testing
import TestSupport

/// Real OpenSSH clients answering the gateway's verification prompt non-interactively: the
/// askpass program (`SSH_ASKPASS_REQUIRE=force`) prints the code the test put in a file and
/// logs each prompt it was shown, so a test can tell "asked" from "not asked".
extension SecondFactorGateway {
    struct Answering: Sendable {
        /// The code file the askpass reads; nil: a client that cannot answer (BatchMode).
        var codeFile: String?
        var promptLog: String
        var askpass: String

        var prompts: [String] {
            ((try? String(contentsOfFile: promptLog, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        var environment: [String: String] {
            guard let codeFile else { return [:] }
            return ["SSH_ASKPASS": askpass, "SSH_ASKPASS_REQUIRE": "force", "TG_CODE_FILE": codeFile,
                    "TG_ASKPASS_LOG": promptLog]
        }

        /// BatchMode=no lets ssh ask; INFO shows the gateway's banner as an engineer sees it.
        var options: [String] {
            codeFile == nil ? ["-o", "BatchMode=yes", "-o", "LogLevel=INFO"] : ["-o", "BatchMode=no", "-o", "LogLevel=INFO"]
        }
    }

    /// An answering client for `user` with `code` (or the user's next right code).
    func answering(_ user: String, code: String? = nil) async throws -> Answering {
        let scratch = try TemporaryDirectory(prefix: "tracegate-mfa-code")
        let value: String
        if let code { value = code } else { value = try await authenticators.nextCode(for: user) }
        let codeFile = try scratch.write(value + "\n", to: "code")
        let log = scratch.file("prompts")
        _ = FileManager.default.createFile(atPath: log, contents: nil)
        // The directory must outlive this call: keep it until the fixture's directory goes.
        _ = Unmanaged.passRetained(scratch)
        return Answering(codeFile: codeFile, promptLog: log, askpass: askpassPath)
    }

    /// A client that cannot answer any prompt (BatchMode).
    func unanswering() throws -> Answering {
        let scratch = try TemporaryDirectory(prefix: "tracegate-mfa-batch")
        _ = Unmanaged.passRetained(scratch)
        return Answering(codeFile: nil, promptLog: scratch.file("prompts"), askpass: askpassPath)
    }

    func runner(_ answering: Answering) -> ProcessRunner {
        ProcessRunner(environment: OpenSSHClient.environment(adding: answering.environment), workingDirectory: directory.path)
    }

    /// `ssh … COMMAND` as `sshUser` from `source` (a loopback address of the test's choosing).
    func ssh(_ user: String, as sshUser: String, _ command: String?, answering: Answering, source: String = "127.0.0.1",
             extra: [String] = []) async throws -> ProcessResult {
        let client = client(user, as: sshUser)
        return try await runner(answering).run(
            "ssh", client.sshArguments(command, options: answering.options + ["-o", "BindAddress=\(source)"] + extra),
            timeout: .seconds(60))
    }

    /// scp, sftp and rsync start ssh with the same config, options and environment.
    func scp(_ user: String, as sshUser: String, _ sources: [String], _ destination: String, answering: Answering)
        async throws -> ProcessResult
    {
        let client = client(user, as: sshUser)
        return try await runner(answering).run(
            "scp", ["-F", client.configPath, "-o", "User=\(sshUser)"] + answering.options + sources + [destination],
            timeout: .seconds(60))
    }

    func sftp(_ user: String, as sshUser: String, batch: String, answering: Answering) async throws -> ProcessResult {
        let client = client(user, as: sshUser)
        let batchPath = try directory.write(batch, to: "sftp-\(user).batch")
        return try await runner(answering).run(
            "sftp", ["-F", client.configPath, "-o", "User=\(sshUser)"] + answering.options + ["-b", batchPath, client.alias],
            timeout: .seconds(60))
    }

    func rsync(_ user: String, as sshUser: String, _ arguments: [String], answering: Answering) async throws -> ProcessResult {
        let client = client(user, as: sshUser)
        let shell = (["ssh", "-F", client.configPath, "-l", sshUser] + answering.options).joined(separator: " ")
        return try await runner(answering).run("rsync", ["-e", shell] + arguments, timeout: .seconds(60))
    }

    /// `ssh -J USER@gateway LOGIN@web-01`: the outer connection is the gateway's, the inner one
    /// the target's own sshd (host key pinned in a known_hosts of its own).
    func tunnel(_ user: String, _ command: String, answering: Answering) async throws -> ProcessResult {
        let client = client(user, as: user)
        let knownHosts = try directory.write("[127.0.0.1]:\(server.port) \(server.hostKeyLine)\n", to: "target.known_hosts")
        let jump = "ssh -F \(client.configPath) -l \(user) \(answering.options.joined(separator: " ")) -W %h:%p \(client.alias)"
        return try await runner(answering).run("ssh", [
            "-F", "/dev/null", "-i", keys[user]!.privateKeyPath, "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes",
            "-o", "UserKnownHostsFile=\(knownHosts)", "-o", "StrictHostKeyChecking=yes", "-o", "GlobalKnownHostsFile=/dev/null",
            "-o", "ProxyCommand=\(jump)", "-p", "\(server.port)", "\(login)@127.0.0.1", command,
        ], timeout: .seconds(60))
    }

    struct Enrolment {
        var enrolled: Bool
        var secret: String?
        var transcript: String
    }

    /// `ssh -t gateway mfa enroll` on a real pseudo-terminal: reads the otpauth:// URI off the
    /// screen, asks `oathtool` for the code of its secret (or types `code`), types it.
    func enrol(_ user: String, code: String? = nil) async throws -> Enrolment {
        let client = client(user, as: user)
        let driver = try directory.write(Self.enrolDriver, to: "enrol.py")
        var environment = OpenSSHClient.environment(adding: ["TERM": "xterm"])
        if let code { environment["ENROL_CODE"] = code }
        let result = try await ProcessRunner(environment: environment, workingDirectory: directory.path).run(
            "python3", [driver, try ExecutableLocator.find("ssh")] + client.sshArguments("mfa enroll", options: ["-tt"]),
            timeout: .seconds(60))
        let secret = result.stdout.split(separator: "\n").last { $0.hasPrefix("SECRET=") }.map { String($0.dropFirst(7)) }
        let enrolled = result.stdout.contains("Enrolled.") && result.stdout.contains("EXIT=0")
        if enrolled, let secret, !secret.isEmpty { authenticators.enrolled(user, secret: secret) }
        return Enrolment(enrolled: enrolled, secret: secret?.isEmpty == false ? secret : nil, transcript: result.stdout + result.stderr)
    }

    /// Drives one `mfa enroll` on a pty: the only step that needs what the screen showed.
    static let enrolDriver = #"""
    import os, pty, re, select, subprocess, sys, time
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.argv[1], sys.argv[1:])
    out = b""
    def read_until(pattern, timeout, start=0):
        global out
        end = time.time() + timeout
        match = re.search(pattern, out[start:])
        if match:
            return match
        while time.time() < end:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    data = os.read(fd, 4096)
                except OSError:
                    return None
                if not data:
                    return None
                out += data
                match = re.search(pattern, out[start:])
                if match:
                    return match
        return None
    secret = ""
    found = read_until(rb"secret=([A-Z2-7]+)&", 20)
    if found and read_until(rb"Verification code from the app: ", 10):
        secret = found.group(1).decode()
        code = os.environ.get("ENROL_CODE") or subprocess.check_output(["oathtool", "--totp", "-b", secret]).decode().strip()
        os.write(fd, (code + "\r").encode())
    read_until(rb"(?!)", 10)  # never matches: reads until the end of output
    code = -1
    for _ in range(50):
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            code = os.waitstatus_to_exitcode(status)
            break
        time.sleep(0.1)
    else:
        os.kill(pid, 9)
        os.waitpid(pid, 0)
    sys.stdout.write(out.decode(errors="replace"))
    sys.stdout.write("\nSECRET=%s\nEXIT=%d\n" % (secret, code))
    """#
}

extension Trait where Self == SuiteScope<SecondFactorGateway> {
    static var secondFactorGateway: Self {
        SuiteScope(
            start: { try await SecondFactorGateway.start() },
            stop: { await $0.stop() },
            publish: { gateway, body in try await SharedSecondFactorGateway.$gateway.withValue(gateway) { try await body() } })
    }
}

enum SharedSecondFactorGateway {
    @TaskLocal static var gateway: SecondFactorGateway?

    static func current() throws -> SecondFactorGateway {
        try #require(gateway, "this suite has no .secondFactorGateway trait")
    }
}
