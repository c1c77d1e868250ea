import SSH

/// The gateway's own shell on a channel, and `watch` following another session from it.
extension ChannelBridge {
    func startGatewayShell(_ shell: GatewayShell) {
        state = .gatewayShell(shell)
        write(shell.start(), stderr: false)
        if let watch = shell.takeWatch() { state = .watching(watch) }
    }

    /// Feeds the watcher's keys to the watch and writes the watched output as the window allows.
    func follow(_ watch: WatchSession) {
        let typed = readTyped()
        if !typed.isEmpty { watch.keys(typed) }
        if client.receivedEOF || client.receivedClose { watch.leave() }
        // A poll passed since the last write: libssh may have flushed; try again.
        watch.writeBlocked = false
        while watch.hasOutput, !client.sentClose {
            let window = client.sendWindow
            guard window > 0 else { break }
            let written = watch.withOutput(maximum: window) { bytes in
                (try? client.write(bytes, stderr: false)) ?? 0
            }
            guard written > 0 else { break }
        }
        if watch.isFinished && !watch.hasOutput || client.receivedClose {
            client.sendExitStatus(0)
            client.close()
            state = .closing
        }
    }

    /// The watcher's channel goes away: leave the watched session (idempotent).
    func stopWatching() {
        if case .watching(let watch) = state { watch.leave() }
    }

    /// Feeds what the engineer typed to the gateway's shell and writes its answers.
    func serve(_ shell: GatewayShell) {
        let typed = readTyped()
        if !typed.isEmpty { write(shell.input(typed), stderr: false) }
        if let watch = shell.takeWatch() {
            state = .watching(watch)
            follow(watch)
            return
        }
        if shell.exitStatus == nil && (client.receivedEOF || client.receivedClose) { shell.endOfInput() }
        if let status = shell.exitStatus {
            client.sendExitStatus(status)
            client.close()
            state = .closing
        }
    }
}
