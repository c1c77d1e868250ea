import Testing
import TestSupport

/// The policy gateway of the enclosing suite, set by `PolicyGatewayTrait` for the suite's
/// duration (a task local, so two suites never see each other's).
enum SharedPolicyGateway {
    @TaskLocal static var gateway: PolicyGateway?

    static func current() throws -> PolicyGateway {
        try #require(gateway, "this suite has no .policyGateway(…) trait")
    }
}

/// Starts one `PolicyGateway` for a whole suite and stops it after the suite's last test.
struct PolicyGatewayTrait: SuiteTrait, TestScoping {
    let scene: PolicyGateway.Scene

    var isRecursive: Bool { false }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        test.isSuite ? self : nil
    }

    func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let gateway = try await PolicyGateway.start(scene)
        do {
            try await SharedPolicyGateway.$gateway.withValue(gateway) {
                try await function()
            }
        } catch {
            await gateway.stop()
            throw error
        }
        await gateway.stop()
    }
}

extension Trait where Self == PolicyGatewayTrait {
    /// A gateway with alice (retailer) and bob (provider) and the scene's targets and grants.
    static func policyGateway(
        servers: Int = 1,
        targets: [PolicyGateway.Target],
        grants: @escaping @Sendable (PolicyGateway.Facts) -> [String]
    ) -> Self {
        PolicyGatewayTrait(scene: PolicyGateway.Scene(servers: servers, targets: targets, grants: grants))
    }
}
