import Testing

/// Starts one resource (a gateway and its servers) for a whole suite, publishes it in a task
/// local for the suite's tests, and stops it after the suite's last test: the servers start
/// once instead of once per test, and two suites never see each other's.
struct SuiteScope<Resource: Sendable>: SuiteTrait, TestScoping {
    let start: @Sendable () async throws -> Resource
    let stop: @Sendable (Resource) async -> Void
    /// Runs the body with the resource in the suite's task local (`TaskLocal.withValue`).
    let publish: @Sendable (Resource, @Sendable () async throws -> Void) async throws -> Void

    var isRecursive: Bool { false }

    func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        test.isSuite ? self : nil
    }

    func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        let resource = try await start()
        do {
            try await publish(resource, function)
        } catch {
            await stop(resource)
            throw error
        }
        await stop(resource)
    }
}
