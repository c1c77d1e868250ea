import Testing
import TestSupport

/// The fixture of the enclosing suite, set by `GatewayFixtureTrait` for the suite's
/// duration. A task local rather than a static so two suites can never see each other's.
enum SharedGateway {
    @TaskLocal static var fixture: GatewayFixture?

    static func current() throws -> GatewayFixture {
        try #require(fixture, "this suite has no .gatewayFixture() trait")
    }
}

/// Starts one gateway fixture for a whole suite and stops it after the suite's last test:
/// the servers start once instead of once per test.
struct GatewayFixtureTrait: SuiteTrait, TestScoping {
    let options: GatewayFixture.Options

    var isRecursive: Bool { false }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        test.isSuite ? self : nil
    }

    func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let fixture = try await GatewayFixture.start(options)
        do {
            try await SharedGateway.$fixture.withValue(fixture) {
                try await function()
            }
        } catch {
            await fixture.stop()
            throw error
        }
        await fixture.stop()
    }
}

extension Trait where Self == GatewayFixtureTrait {
    /// A gateway with two pinned targets (web-01, web-02), alice and bob; see
    /// `GatewayFixture` for who may reach what.
    static func gatewayFixture(_ configure: (inout GatewayFixture.Options) -> Void = { _ in }) -> Self {
        var options = GatewayFixture.Options()
        configure(&options)
        return GatewayFixtureTrait(options: options)
    }
}
