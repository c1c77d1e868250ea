import Foundation
import Testing
import TestSupport

extension IntegrationSuite {
    /// The provider reaches the retailer's production only under its grant: prod targets by
    /// label, with a ticket matching the pattern both companies agreed on, given with SetEnv,
    /// SendEnv or typed at the gateway's prompt, and kept in the audit trail.
    @Suite(
        .policyGateway(
            targets: [
                .init(name: "web-01", owner: "retailer", labels: ["env": "prod", "app": "shop"]),
                .init(name: "db-01", owner: "provider", labels: ["env": "prod", "app": "db"]),
                .init(name: "shop-stg", owner: "retailer", labels: ["env": "staging", "app": "shop"]),
            ],
            grants: { facts in
                [
                    #"{to: {org: provider}, targets: {labels: {env: prod}}, logins: ["\#(facts.login)"], require_ticket: "^(INC|CHG)-[0-9]+$"}"#,
                    #"{to: {user: alice}, targets: {names: [web-01, shop-stg]}, logins: ["\#(facts.login)"]}"#,
                ]
            }
        ),
        .timeLimit(.minutes(3))
    )
    struct PolicyTicketTests {
        static let pattern = "^(INC|CHG)-[0-9]+$"

        @Test(arguments: ["web-01", "db-01"])
        func providerEngineerReachesAProviderGrantedProdTargetWithATicket(target: String) async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.bob(on: target).ssh(
                "echo provider-on-$((6*7))", options: ["-o", "SetEnv=TRACEGATE_TICKET=\(uniqueTicket())"]
            )
            expectSession(result, printed: "provider-on-42\n", gateway)
        }

        @Test func providerEngineerWithoutATicketIsRefused() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.bob(on: "web-01").ssh("echo should-not-run")
            expectPolicyRefusal(result, containing: "tracegate: a ticket is required", gateway)
            #expect(!result.stdout.contains("should-not-run"), "\(result)")
        }

        @Test(arguments: ["JIRA-12", "INC-12x", "inc-12"])
        func ticketNotMatchingTheGrantsPatternIsRefused(ticket: String) async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.bob(on: "web-01").ssh(
                "echo should-not-run", options: ["-o", "SetEnv=TRACEGATE_TICKET=\(ticket)"]
            )
            expectPolicyRefusal(result, containing: "tracegate: ticket does not match \(Self.pattern)", gateway)
        }

        @Test func ticketSentWithSendEnvFromTheEngineersEnvironmentIsAccepted() async throws {
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.bob(on: "web-01").ssh(
                "echo sent-$((2+3))", options: ["-o", "SendEnv=TRACEGATE_TICKET"],
                environment: ["TRACEGATE_TICKET": uniqueTicket("CHG")]
            )
            expectSession(result, printed: "sent-5\n", gateway)
        }

        @Test func theTargetSeesTheTicketAsTheGatewayRecordedItNotAsTheEngineerSentIt() async throws {
            // The engineer's own TRACEGATE_* variables never pass; the gateway sends its identity
            // variables (environment: true by default), the ticket among them.
            let gateway = try SharedPolicyGateway.current()
            let ticket = uniqueTicket()
            let result = try await gateway.bob(on: "web-01").ssh(
                "echo \"ticket=[${TRACEGATE_TICKET-unset}] user=[${TRACEGATE_USER-unset}]\"",
                options: ["-o", "SetEnv=TRACEGATE_TICKET=\(ticket)"]
            )
            expectSession(result, printed: "ticket=[\(ticket)] user=[bob]\n", gateway)
        }

        @Test func ticketIsStoredOnTheConnectionAndItsSessionInTheAuditTrail() async throws {
            let gateway = try SharedPolicyGateway.current()
            let ticket = uniqueTicket()
            let result = try await gateway.bob(on: "db-01").ssh(
                "echo audited", options: ["-o", "SetEnv=TRACEGATE_TICKET=\(ticket)"]
            )
            expectSession(result, printed: "audited\n", gateway)

            let literal = PolicyAuditDatabase.literal(ticket)
            let connections = try await gateway.audit.waitForRows(
                "SELECT user, organization, target, target_owner, login, result FROM connections WHERE ticket = \(literal)"
            )
            #expect(
                connections == [["bob", "provider", "db-01", "provider", gateway.login, "allowed"]],
                "connections rows with ticket \(ticket): \(connections)\n\(gateway.logTail)"
            )
            let sessions = try await gateway.audit.waitForRows(
                "SELECT user, target, channel_type, command FROM session_summary WHERE ticket = \(literal)"
            )
            #expect(sessions == [["bob", "db-01", "exec", "echo audited"]], "session rows with ticket \(ticket): \(sessions)")
            let kinds = try await gateway.audit.waitForRows(
                "SELECT DISTINCT kind FROM events WHERE ticket = \(literal) ORDER BY kind",
                until: { $0.contains(["session.close"]) }
            ).map { $0.first ?? "" }
            #expect(
                Set(["access.decision", "channel.open", "session.close"]).isSubset(of: Set(kinds)),
                "events carrying ticket \(ticket): \(kinds)"
            )
        }

        @Test func interactiveSessionWithoutATicketIsAskedForOneOnItsTerminal() async throws {
            let gateway = try SharedPolicyGateway.current()
            let ticket = uniqueTicket("CHG")
            let transcript = try await PseudoTerminal.run(
                "ssh", gateway.bob(on: "web-01").sshArguments(options: ["-tt"]),
                steps: [
                    .expect("tracegate: a ticket is required for web-01. Ticket: ", timeout: 15),
                    .send(ticket + "\r"),
                    .pause(1.0),
                    .send("echo READY$((40+2))\r"),
                    .expect("READY42", timeout: 15),
                    .send("exit 0\r"),
                ]
            )
            #expect(transcript.failure == nil, "\(transcript)\n\(gateway.logTail)")
            #expect(transcript.termination == .exited(0), "\(transcript)")

            let rows = try await gateway.audit.waitForRows(
                "SELECT user, target, result FROM connections WHERE ticket = \(PolicyAuditDatabase.literal(ticket))"
            )
            #expect(rows == [["bob", "web-01", "allowed"]], "the typed ticket \(ticket) is not on bob's connection: \(rows)")
        }

        @Test func whatIsTypedRightAfterTheTicketReachesTheSession() async throws {
            let gateway = try SharedPolicyGateway.current()
            let transcript = try await PseudoTerminal.run(
                "ssh", gateway.bob(on: "web-01").sshArguments(options: ["-tt"]),
                steps: [
                    .expect("Ticket: ", timeout: 15),
                    // One write, as a paste or a fast typist makes it: the ticket line and a command.
                    .send(uniqueTicket("CHG") + "\recho TYPED$((40+3))\r"),
                    .expect("TYPED43", timeout: 15),
                    .send("exit 0\r"),
                ]
            )
            #expect(transcript.failure == nil, "\(transcript)\n\(gateway.logTail)")
            #expect(transcript.termination == .exited(0), "\(transcript)")
        }

        @Test func ticketTypedAtThePromptMustMatchThePatternToo() async throws {
            let gateway = try SharedPolicyGateway.current()
            let transcript = try await PseudoTerminal.run(
                "ssh", gateway.bob(on: "web-01").sshArguments(options: ["-tt"]),
                steps: [
                    .expect("Ticket: ", timeout: 15),
                    .send("JIRA-7\r"),
                    .expect("tracegate: ticket does not match \(Self.pattern)", timeout: 10),
                ]
            )
            #expect(transcript.failure == nil, "\(transcript)\n\(gateway.logTail)")
            #expect(transcript.termination == .exited(255), "\(transcript)")
        }

        @Test func providerEngineerIsRefusedOnARetailerOnlyTarget() async throws {
            // shop-stg is the retailer's and no grant gives the provider anything there:
            // a ticket changes nothing.
            let gateway = try SharedPolicyGateway.current()
            let result = try await gateway.bob(on: "shop-stg").ssh(
                "echo should-not-run", options: ["-o", "SetEnv=TRACEGATE_TICKET=\(uniqueTicket())"]
            )
            expectPolicyRefusal(result, containing: "tracegate: bob may not log in as \(gateway.login) on shop-stg", gateway)
        }

        @Test func retailerEngineerNeedsNoTicketUnderHerOwnGrant() async throws {
            let gateway = try SharedPolicyGateway.current()
            for target in ["web-01", "shop-stg"] {
                let result = try await gateway.alice(on: target).ssh("echo retailer-ok")
                expectSession(result, printed: "retailer-ok\n", gateway)
            }
            let refused = try await gateway.alice(on: "db-01").ssh("true")
            expectPolicyRefusal(refused, containing: "tracegate: alice may not log in as \(gateway.login) on db-01", gateway)
        }

        @Test func configCheckExplainsTheTicketDecision() async throws {
            let gateway = try SharedPolicyGateway.current()
            let login = gateway.login
            let cases: [(arguments: [String], expected: String)] = [
                (["bob", "web-01", login], "denied: a ticket is required"),
                (["bob", "web-01", login, "--ticket", "JIRA-1"], "denied: ticket does not match \(Self.pattern)"),
                (["bob", "web-01", login, "--ticket", "INC-1"], "allowed: bob (provider) as \(login) on web-01 by grant #1"),
                (["bob", "shop-stg", login, "--ticket", "INC-1"], "denied: bob may not log in as \(login) on shop-stg"),
                (["alice", "web-01", login], "allowed: alice (retailer) as \(login) on web-01 by grant #2"),
            ]
            for (arguments, expected) in cases {
                let explain = Array(arguments.prefix(3))
                let options = Array(arguments.dropFirst(3))
                let result = try await gateway.gateway.run(["config", "check", "--explain"] + explain + options)
                #expect(result.stdout.hasPrefix(expected), "expected \"\(expected)…\"\n\(result)")
            }
        }
    }
}
