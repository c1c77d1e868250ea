import Testing

/// Parent of every integration suite. `.serialized` is recursive: suites run one at a
/// time, because each starts real servers and several measure timing or the gateway's
/// resources, which a neighbour's load on two cores would distort.
@Suite(.serialized)
enum IntegrationSuite {}
