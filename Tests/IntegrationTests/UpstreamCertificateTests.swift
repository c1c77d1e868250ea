import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// `upstream_auth: certificate`: the gateway logs in to targets that trust its user CA and
    /// list no key at all, with a certificate naming the engineer; the target's own log joins
    /// the gateway's trail by key id and serial.
    @Suite(.timeLimit(.minutes(4)))
    struct UpstreamCertificateTests {
        @Test func shellExecScpAndSftpWorkAndTheTargetLogsWhoAndWhichSerial() async throws {
            try await CertificateScene.with([.init(name: "web-01")]) { scene in
                let client = scene.alice(on: "web-01")

                let exec = try await client.ssh("id -un")
                #expect(exec.succeeded && exec.stdout == "\(scene.login)\n", "\(exec)\n\(scene.logTail)")

                let shell = try await client.ssh(nil, options: ["-tt"], input: .data(Data("echo shell-$((20+22)); exit\n".utf8)))
                #expect(shell.succeeded && shell.stdout.contains("shell-42"), "\(shell)\n\(scene.logTail)")

                let payload = try RandomFile.data(byteCount: 200_000)
                let local = try scene.directory.write(String(decoding: payload.base64EncodedData(), as: UTF8.self), to: "payload")
                let remote = scene.directory.file("uploaded-by-scp")
                let upload = try await client.scp([local], client.remote(remote))
                #expect(upload.succeeded, "\(upload)\n\(scene.logTail)")
                #expect(FileManager.default.contentsEqual(atPath: local, andPath: remote))
                let sftpTarget = scene.directory.file("uploaded-by-sftp")
                let sftp = try await client.sftp(batch: "put \(local) \(sftpTarget)\nls -l \(sftpTarget)\n")
                #expect(sftp.succeeded, "\(sftp)\n\(scene.logTail)")
                #expect(FileManager.default.contentsEqual(atPath: local, andPath: sftpTarget))

                // Every connection: a serial on its row, and the target's sshd logged that serial
                // with the engineer, the organisation and the connection id.
                let rows = try await scene.audit.waitForRows(
                    "SELECT id, certificate_serial FROM connections WHERE target = 'web-01' AND certificate_serial IS NOT NULL ORDER BY id",
                    until: { $0.count >= 4 })
                #expect(rows.count == 4, "\(rows)")
                let serials = rows.compactMap { Int($0[1]) }
                #expect(Set(serials).count == rows.count, "serials must differ: \(rows)")
                let log = scene.target("web-01").log
                for row in rows {
                    let line = "ID tracegate user=alice org=retailer connection=\(row[0]) (serial \(row[1])) CA ED25519 SHA256:"
                    #expect(log.contains("Accepted publickey for \(scene.login)") && log.contains(line),
                            "target log lacks \(line)\n\(log.suffix(3000))")
                }
                let verify = try await scene.gateway.run(["audit", "verify"])
                #expect(verify.succeeded, "\(verify)")
            }
        }

        @Test func theCertificateNamesTheLoginAndGrantsATerminalOnlyToATerminalSession() async throws {
            try await CertificateScene.with([.init(name: "web-01")]) { scene in
                let client = scene.alice(on: "web-01")
                // sshd's ExposeAuthInfo: the certificate the session was let in with, as sshd saw it.
                let exec = try await client.ssh("cat \"$SSH_USER_AUTH\"")
                let shell = try await client.ssh("cat \"$SSH_USER_AUTH\"", options: ["-tt"])
                for (result, terminal) in [(exec, false), (shell, true)] {
                    #expect(result.succeeded, "\(result)\n\(scene.logTail)")
                    let line = try #require(result.stdout.split(whereSeparator: \.isNewline).first { $0.hasPrefix("publickey ") })
                    let certificate = line.split(separator: " ").dropFirst().joined(separator: " ")
                    let path = try scene.directory.write(certificate + "\n", to: "captured-\(terminal)-cert.pub", mode: 0o644)
                    let listed = try await ProcessRunner().run("ssh-keygen", ["-L", "-f", path]).checked("ssh-keygen -L")
                    let text = listed.stdout
                    #expect(text.contains("Type: ssh-ed25519-cert-v01@openssh.com user certificate"), "\(listed)")
                    #expect(text.range(of: "Principals: \\n\\s+\(scene.login)\\n\\s+Critical", options: .regularExpression) != nil,
                            "\(listed)")
                    #expect(text.contains("Key ID: \"tracegate user=alice org=retailer connection=c-"), "\(listed)")
                    // Valid from one minute before now to five minutes after (the default validity).
                    let validity = try #require(text.range(of: "Valid: from \\S+ to \\S+", options: .regularExpression))
                    let times = text[validity].split(separator: " ")
                    let formatter = DateFormatter()
                    formatter.locale = Locale(identifier: "en_US_POSIX")
                    formatter.dateFormat = "yyyy-MM-dd'T'HH:mm:ss"
                    let from = try #require(formatter.date(from: String(times[2])))
                    let to = try #require(formatter.date(from: String(times[4])))
                    #expect(to.timeIntervalSince(from) == 360, "\(listed)")
                    #expect(abs(from.timeIntervalSinceNow + 60) < 60, "\(listed)")
                    if terminal {
                        #expect(text.range(of: "Extensions: \\n\\s+permit-pty\\n", options: .regularExpression) != nil, "\(listed)")
                    } else {
                        #expect(text.contains("Extensions: (none)"), "\(listed)")
                    }
                    #expect(!text.contains("permit-agent-forwarding") && !text.contains("permit-X11-forwarding")
                            && !text.contains("permit-user-rc"), "\(listed)")
                }
            }
        }

        @Test func aTargetWithoutTheCALineGivesTheDocumentedLineAndTheTrailHasTheRefusal() async throws {
            try await CertificateScene.with([.init(name: "web-01", installsCA: false)]) { scene in
                let result = try await scene.alice(on: "web-01").ssh("true", options: refusalOptions)
                #expect(!result.succeeded, "\(result)")
                let expected = "tracegate: web-01 refused the gateway's certificate for \(scene.login); install the CA line: tracegate keys show --ca"
                #expect(result.stderr.contains(expected), "\(result)\n\(scene.logTail)")
                let row = try await scene.lastConnection(to: "web-01")
                #expect(row.count == 4 && !row[1].isEmpty && row[2] == "failed" && row[3].contains("install the CA line"),
                        "\(row)")
            }
        }

        @Test func rotationWorksWithEitherLineDuringTheOverlapAndOnlyWithTheNewAfterFinish() async throws {
            try await CertificateScene.with([.init(name: "old-ca"), .init(name: "new-ca", installsCA: false)]) { scene in
                let rotated = try await scene.gateway.run(["keys", "rotate-ca"]).checked("tracegate keys rotate-ca")
                let lines = rotated.stdout.split(separator: "\n").map(String.init)
                #expect(lines.count == 2, "\(rotated)")
                try scene.installCA(lines[1] + "\n", on: "new-ca")

                for target in ["old-ca", "new-ca"] {
                    let result = try await scene.alice(on: target).ssh("echo overlap-\(target)")
                    #expect(result.succeeded && result.stdout == "overlap-\(target)\n", "\(result)\n\(scene.logTail)")
                }
                let acceptedCAs = try await scene.audit.waitForRows(
                    "SELECT target, json_extract(details, '$.certificate_ca') FROM events WHERE kind = 'upstream.connect' "
                        + "AND result = 'ok' ORDER BY id", until: { $0.count >= 2 })
                #expect(Set(acceptedCAs.map { $0[1] }).count == 2, "each target accepted its own CA: \(acceptedCAs)")
                // The gateway remembers which CA a target took: later logins offer it first,
                // so the target sees one refused certificate, not one per login.
                for round in 1...2 {
                    let again = try await scene.alice(on: "new-ca").ssh("echo again-\(round)")
                    #expect(again.succeeded && again.stdout == "again-\(round)\n", "\(again)\n\(scene.logTail)")
                }
                let refusedAttempts = scene.target("new-ca").log.components(separatedBy: "Failed publickey").count - 1
                #expect(refusedAttempts == 1, "\(scene.target("new-ca").log.suffix(3000))")

                try await scene.gateway.run(["keys", "rotate-ca", "--finish"]).checked("tracegate keys rotate-ca --finish")
                let shown = try await scene.gateway.run(["keys", "show", "--ca"]).checked()
                #expect(shown.stdout == lines[1].replacingOccurrences(of: "tracegate-user-ca-next", with: "tracegate-user-ca") + "\n")
                let refused = try await scene.alice(on: "old-ca").ssh("true", options: refusalOptions)
                #expect(!refused.succeeded && refused.stderr.contains("install the CA line: tracegate keys show --ca"),
                        "\(refused)\n\(scene.logTail)")
                let accepted = try await scene.alice(on: "new-ca").ssh("echo after-finish")
                #expect(accepted.succeeded && accepted.stdout == "after-finish\n", "\(accepted)\n\(scene.logTail)")
            }
        }

        @Test func identityVariablesReachATargetThatAcceptsThemAndNotOneThatOptedOut() async throws {
            try await CertificateScene.with([
                .init(name: "web-01"),
                .init(name: "quiet", fields: ["upstream_auth: key", "environment: false"], installsCA: false, authorizesKey: true),
            ]) { scene in
                let listing = "env | grep '^TRACEGATE_' | sort"
                let shown = try await scene.alice(on: "web-01").ssh(listing, options: ["-o", "SetEnv=TRACEGATE_TICKET=INC-42"])
                #expect(shown.succeeded, "\(shown)\n\(scene.logTail)")
                let row = try await scene.lastConnection(to: "web-01")
                let connection = try #require(row.first)
                #expect(shown.stdout == """
                    TRACEGATE_CONNECTION=\(connection)
                    TRACEGATE_ORG=retailer
                    TRACEGATE_TICKET=INC-42
                    TRACEGATE_USER=alice

                    """, "\(shown)")
                #expect(scene.target("web-01").log.contains("ID tracegate user=alice org=retailer connection=\(connection) ticket=INC-42 (serial \(row[1]))"))

                // A key-mode target with environment: false gets none, and still logs in with the plain key.
                let quiet = try await scene.alice(on: "quiet").ssh(listing + "; echo done")
                #expect(quiet.succeeded && quiet.stdout == "done\n", "\(quiet)\n\(scene.logTail)")
                let quietRow = try await scene.lastConnection(to: "quiet")
                #expect(quietRow.count == 4 && quietRow[1].isEmpty && quietRow[2] == "ok", "\(quietRow)")
            }
        }

        @Test func aTerminalMultiplexedOntoACommandsConnectionIsRefusedWithTheReason() async throws {
            // One certificate per upstream connection, signed for its first session: a command
            // first means no permit-pty, and a later terminal on that connection is refused.
            try await CertificateScene.with([.init(name: "web-01")]) { scene in
                let client = scene.alice(on: "web-01")
                let master = try await client.startControlMaster(at: scene.directory.file("cm"), persist: .seconds(30))
                defer { master.exit() }
                let viaMaster = master.clientOptions
                let command = try await client.ssh("echo still-fine", options: viaMaster)
                #expect(command.succeeded && command.stdout == "still-fine\n", "\(command)")
                let terminal = try await client.ssh("echo never", options: ["-tt"] + viaMaster)
                #expect(!terminal.succeeded, "\(terminal)")
                #expect(terminal.stderr.contains("tracegate: this connection's certificate allows no terminal"),
                        "\(terminal)\n\(scene.logTail)")
                #expect(!terminal.stdout.contains("never"))
            }
        }

        @Test func aTargetThatRefusesTheVariablesStillRunsTheSession() async throws {
            try await CertificateScene.with([.init(name: "strict", acceptedEnvironment: "LANG")]) { scene in
                let result = try await scene.alice(on: "strict").ssh("echo \"user=[${TRACEGATE_USER-unset}]\"")
                #expect(result.succeeded && result.stdout == "user=[unset]\n", "\(result)\n\(scene.logTail)")
            }
        }

        @Test func configCheckNamesTheTargetsLoggedInWithACertificate() async throws {
            try await CertificateScene.with([
                .init(name: "web-01"), .init(name: "legacy", fields: ["upstream_auth: key"], installsCA: false, authorizesKey: true),
            ], configuration: ["upstream_auth: certificate", "certificates: {validity: 3m}"]) { scene in
                let check = try await scene.gateway.run(["config", "check"]).checked("tracegate config check")
                #expect(check.stdout.contains("  logged in with a 3-minute certificate: 1 (web-01)\n"), "\(check)")
            }
        }
    }
}
