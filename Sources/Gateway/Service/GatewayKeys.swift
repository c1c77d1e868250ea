import SSH

/// The gateway's two key pairs under `state_dir/keys/`: the host key engineers see, and
/// the client key it logs in to targets with. Both are created on first start (0600)
/// and refused later if anyone but the owner can read them.
package struct GatewayKeys {
    package let hostKey: PrivateKey
    package let upstreamKey: PrivateKey

    package static func hostKeyPath(stateDirectory: String) -> String { stateDirectory + "/keys/host_ed25519" }
    package static func upstreamKeyPath(stateDirectory: String) -> String { stateDirectory + "/keys/upstream_ed25519" }

    package static func loadOrCreate(stateDirectory: String) throws(SSHError) -> GatewayKeys {
        GatewayKeys(
            hostKey: try PrivateKey.loadOrCreateEd25519(path: hostKeyPath(stateDirectory: stateDirectory),
                                                        comment: "tracegate-host"),
            upstreamKey: try PrivateKey.loadOrCreateEd25519(path: upstreamKeyPath(stateDirectory: stateDirectory),
                                                            comment: "tracegate-upstream"))
    }
}
