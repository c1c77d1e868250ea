import Policy
import SSH

extension ConfigurationSummary {
    /// Which key exchanges each side will offer with the libssh this binary carries, and
    /// whether they resist a quantum computer: a gateway built on Debian 12's libssh 0.10
    /// has none that do, and the review should see that.
    var keyExchangeLines: [String] {
        let algorithms = configuration.algorithms
        var lines = ["libssh: \(LibSSHCapabilities.version)"]
        if !LibSSHCapabilities.hasPostQuantumKeyExchange {
            lines.append("post-quantum key exchange: unavailable (libssh \(LibSSHCapabilities.version) has none; "
                         + "scripts/build-libssh.sh builds libssh 0.12 with it)")
        }
        for (side, list) in [("kex", algorithms.kex), ("upstream kex", algorithms.upstreamKex)] {
            let offered = list.filter(LibSSHCapabilities.supportsKeyExchange)
            let quantum = offered.filter(LibSSHCapabilities.isPostQuantum)
            let kind = quantum.isEmpty ? "classical only"
                : quantum.count == offered.count ? "post-quantum only" : "post-quantum first"
            lines.append("\(side): \(offered.joined(separator: ", ")) (\(kind))")
        }
        return lines
    }

    /// The configured key exchange lists this libssh cannot serve at all (`algorithms.kex`
    /// naming only post-quantum exchanges on a libssh 0.10 build): one line each.
    static func keyExchangeProblems(in configuration: GatewayConfiguration) -> [String] {
        var problems: [String] = []
        for (key, list) in [("algorithms.kex", configuration.algorithms.kex),
                            ("algorithms.upstream_kex", configuration.algorithms.upstreamKex)] {
            let algorithms = SSHAlgorithms(keyExchange: list, ciphers: [], macs: [], hostKeys: [], publicKeys: [])
            do {
                _ = try algorithms.forLinkedLibrary()
            } catch {
                problems.append("\(configuration.sourcePath): \(key): \(error)")
            }
        }
        return problems
    }
}
