import Policy
import Testing

@Suite("CIDR and IPAddress")
struct CIDRTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.0.0.0/8"),
        ("192.0.2.7", "192.0.2.7"),
        ("192.0.2.7/32", "192.0.2.7"),
        ("0.0.0.0/0", "0.0.0.0/0"),
        ("2001:DB8::/32", "2001:db8::/32"),
        ("2001:db8:0:0::/48", "2001:db8::/48"),
        ("::/0", "::/0"),
        ("2001:db8::7", "2001:db8::7"),
    ])
    func parsesAndPrintsCanonically(text: String, canonical: String) throws {
        #expect(try CIDR(parsing: text).description == canonical)
    }

    @Test(arguments: [
        ("10.0.0.1/8", CIDRError.hostBitsSet(network: "10.0.0.0/8")),
        ("2001:db8::1/32", .hostBitsSet(network: "2001:db8::/32")),
        ("10.0.0.0/33", .invalidPrefix(maximum: 32)),
        ("2001:db8::/129", .invalidPrefix(maximum: 128)),
        ("10.0.0.0/", .invalidPrefix(maximum: 32)),
        ("10.0.0.0/-1", .invalidPrefix(maximum: 32)),
        ("10.0.0/8", .invalidAddress),
        ("300.1.1.1", .invalidAddress),
        ("010.0.0.0/8", .invalidAddress),
        ("10.0.0.0/8/8", .invalidAddress),
        ("fe80::1%eth0", .invalidAddress),
        ("web-01", .invalidAddress),
        ("", .invalidAddress),
    ])
    func rejects(text: String, error: CIDRError) {
        #expect(throws: error) { try CIDR(parsing: text) }
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.255.1.2", true),
        ("10.0.0.0/8", "11.0.0.1", false),
        ("10.0.0.0/12", "10.15.255.255", true),
        ("10.0.0.0/12", "10.16.0.0", false),
        ("192.0.2.7", "192.0.2.7", true),
        ("192.0.2.7", "192.0.2.8", false),
        ("0.0.0.0/0", "203.0.113.1", true),
        ("0.0.0.0/0", "2001:db8::1", false),
        ("198.51.100.0/24", "::ffff:198.51.100.7", true),
        ("198.51.100.0/24", "::ffff:198.51.101.7", false),
        ("2001:db8:100::/48", "2001:db8:100:ffff::1", true),
        ("2001:db8:100::/48", "2001:DB8:100::1", true),
        ("2001:db8:100::/48", "2001:db8:101::1", false),
        ("::/0", "10.0.0.1", false),
        ("fe80::/10", "fe80::1%eth0", true),
        ("2001:db8::/32", "not an address", false),
    ])
    func contains(network: String, address: String, expected: Bool) throws {
        let cidr = try CIDR(parsing: network)
        let parsed = IPAddress(parsing: address)
        #expect((parsed.map(cidr.contains) ?? false) == expected)
    }
}
