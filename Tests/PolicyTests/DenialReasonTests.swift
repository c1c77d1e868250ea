import Policy
import Testing

/// The exact single lines engineers see, and the codes the audit trail stores.
@Suite("DenialReason")
struct DenialReasonTests {
    @Test(arguments: [
        (DenialReason.unknownTarget("web-09"), "tracegate: no target named web-09", "unknown_target"),
        (.noDefaultLogin(target: "web-01"), "tracegate: target web-01 has no default login; connect as LOGIN@web-01", "no_default_login"),
        (.loginNotGranted(user: "bob", login: "root", target: "web-01"), "tracegate: bob may not log in as root on web-01", "login_not_granted"),
        (.outsideHours("Mon-Fri 08:00-20:00 Europe/Paris"), "tracegate: outside hours Mon-Fri 08:00-20:00 Europe/Paris", "outside_hours"),
        (.ticketRequired, "tracegate: a ticket is required (ssh -o SetEnv=TRACEGATE_TICKET=…)", "ticket_required"),
        (.ticketMismatch("^INC-[0-9]+$"), "tracegate: ticket does not match ^INC-[0-9]+$", "ticket_mismatch"),
        (.ticketMalformed, "tracegate: a ticket must be 1 to 128 printable characters", "ticket_malformed"),
        (.grantExpired("2026-12-31"), "tracegate: grant expired on 2026-12-31", "grant_expired"),
        (.grantNotYetValid("2027-01-01"), "tracegate: grant is not valid before 2027-01-01", "grant_not_yet_valid"),
        (.sourceNotAllowed("203.0.113.9"), "tracegate: access from 203.0.113.9 is not allowed", "source_not_allowed"),
        (.sourceNotAllowed(nil), "tracegate: access from an unknown address is not allowed", "source_not_allowed"),
        (.tunnelNotGranted("web-01"), "tracegate: no grant allows a tunnel (ssh -J) to web-01", "tunnel_not_granted"),
        (.notATunnelDestination("10.9.9.9:22"), "tracegate: 10.9.9.9:22 is not the SSH port of a target; tunnels reach only targets",
         "not_a_tunnel_destination"),
        (.forwardingNotGranted("db-02:5432"), "tracegate: forwarding to db-02:5432 is not granted", "forwarding_not_granted"),
        (.revoked(.outsideHours("Mon-Fri 08:00-20:00 Europe/Paris")),
         "tracegate: access revoked by a policy reload: outside hours Mon-Fri 08:00-20:00 Europe/Paris", "revoked"),
    ])
    func message(reason: DenialReason, message: String, code: String) {
        #expect(reason.message == message)
        #expect(reason.description == message)
        #expect(reason.code == code)
    }

    @Test(arguments: [
        ("web-01", 22, "web-01:22"),
        ("10.0.0.1", 22, "10.0.0.1:22"),
        ("2001:DB8::1", 443, "[2001:db8::1]:443"),
        ("bad host", 22, #""bad host":22"#),
        ("\u{1b}]0;pwned\u{7}", 22, #""\x1b]0;pwned\x07":22"#),
    ])
    func clientDestinationsAreRenderedSafely(host: String, port: Int, rendered: String) {
        #expect(DenialReason.renderDestination(host: host, port: port) == rendered)
    }
}
