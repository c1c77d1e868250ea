/// The version recorded in `gateway.start` events and printed by `tracegate --version`.
package enum GatewayVersion {
    package static let current = "0.1.0"
}
