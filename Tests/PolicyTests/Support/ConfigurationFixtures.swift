import Policy

enum ConfigurationFixtures {
    /// Loads a small policy written inline by a test.
    static func load(_ yaml: String, sourcePath: String = "policy.yaml") throws -> AccessPolicy {
        AccessPolicy(configuration: try ConfigurationLoader.load(yaml: yaml, sourcePath: sourcePath))
    }
}
