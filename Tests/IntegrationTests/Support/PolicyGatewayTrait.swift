import Testing
import TestSupport

/// The policy gateway of the enclosing suite, set by the `.policyGateway(…)` trait for the suite's
/// duration (a task local, so two suites never see each other's).
enum SharedPolicyGateway {
    @TaskLocal static var gateway: PolicyGateway?

    static func current() throws -> PolicyGateway {
        try #require(gateway, "this suite has no .policyGateway(…) trait")
    }
}

extension Trait where Self == SuiteScope<PolicyGateway> {
    /// A gateway with alice (retailer) and bob (provider) and the scene's targets and grants.
    static func policyGateway(
        servers: Int = 1,
        targets: [PolicyGateway.Target],
        grants: @escaping @Sendable (PolicyGateway.Facts) -> [String],
        extraUsers: [PolicyGateway.ExtraUser] = [],
        extraSettings: [String] = [],
        extraLines: @escaping @Sendable () -> [String] = { [] }
    ) -> Self {
        let scene = PolicyGateway.Scene(servers: servers, targets: targets, grants: grants, extraUsers: extraUsers,
                                        extraSettings: extraSettings, extraLines: extraLines)
        return SuiteScope(
            start: { try await PolicyGateway.start(scene) },
            stop: { await $0.stop() },
            publish: { gateway, body in try await SharedPolicyGateway.$gateway.withValue(gateway) { try await body() } })
    }
}
