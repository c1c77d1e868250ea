import Certificates
import Testing

@Suite struct CertificateKeyIDTests {
    @Test func keyIDNamesUserOrganisationConnectionAndTicket() {
        let id = CertificateKeyID.make(user: "bob", organization: "provider", connection: "c-0123", ticket: "INC-42")
        #expect(id == "tracegate user=bob org=provider connection=c-0123 ticket=INC-42")
    }

    @Test func keyIDLeavesOutAMissingTicket() {
        #expect(CertificateKeyID.make(user: "a", organization: "o", connection: "c-1", ticket: nil)
            == "tracegate user=a org=o connection=c-1")
    }

    @Test func aTicketCannotForgeAnotherFieldOrBreakTheLogLine() {
        let id = CertificateKeyID.make(user: "bob", organization: "provider", connection: "c-1",
                                       ticket: "INC-1 user=alice\n\u{1b}[2J")
        #expect(id == "tracegate user=bob org=provider connection=c-1 ticket=INC-1_user_alice___2J")
    }
}
