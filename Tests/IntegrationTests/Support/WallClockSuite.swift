import Testing

/// Parent of the integration suites that spend most of their time waiting for the clock: a
/// session's maximum length, penalty windows, a code's 30-second step, approval timers, a
/// database outage.
/// They use little CPU, so they run as a chain of their own beside IntegrationSuite's instead
/// of inside it (a top-level suite runs in parallel with the others), which takes about four
/// minutes off the test run. `.serialized` is recursive: they still run one at a time, and
/// their tolerances (seconds) do not notice the other chain's load.
@Suite(.serialized)
enum WallClockSuite {}
