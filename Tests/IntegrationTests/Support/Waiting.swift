/// Polls `condition` until it holds or `timeout` passes; returns whether it held.
func waitFor(timeout: Duration, every interval: Duration = .milliseconds(50), _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: interval)
    }
    return condition()
}
