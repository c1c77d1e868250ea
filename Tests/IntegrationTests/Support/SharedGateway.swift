import Testing
import TestSupport

/// The fixture of the enclosing suite, set by the `.gatewayFixture()` trait for the suite's
/// duration. A task local rather than a static so two suites can never see each other's.
enum SharedGateway {
    @TaskLocal static var fixture: GatewayFixture?

    static func current() throws -> GatewayFixture {
        try #require(fixture, "this suite has no .gatewayFixture() trait")
    }
}

extension Trait where Self == SuiteScope<GatewayFixture> {
    /// A gateway with two pinned targets (web-01, web-02), alice and bob; see
    /// `GatewayFixture` for who may reach what.
    static func gatewayFixture(_ configure: (inout GatewayFixture.Options) -> Void = { _ in }) -> Self {
        var options = GatewayFixture.Options()
        configure(&options)
        return SuiteScope(
            start: { [options] in try await GatewayFixture.start(options) },
            stop: { await $0.stop() },
            publish: { fixture, body in try await SharedGateway.$fixture.withValue(fixture) { try await body() } })
    }
}
