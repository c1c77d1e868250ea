import Foundation

/// `tracegate watch SESSION` on the host: the session's screen so far, then its output live,
/// written to the control socket until the session ends or the client goes (Ctrl-C). The
/// socket thread may block on a slow client; the watched session never does, it only fills
/// this watcher's bounded queue.
struct ControlWatch {
    let desk: OversightDesk
    let client: Int32

    func run(_ id: String) {
        let found: (session: LiveSession, feed: WatchFeed, rule: String, mayTerminate: Bool)
        do {
            found = try desk.watchable(id)
        } catch {
            _ = UnixSocket.writeAll(client, Array("1\n\(error.message)\n".utf8))
            return
        }
        let control = ConnectionControl(connectionID: desk.caller.audit.connectionID)
        let watcher = Watcher(name: desk.caller.name, organization: nil, control: control)
        found.feed.add(watcher)
        let audit = desk.runtime.journal.audit
        let overseen = desk.overseen(found.session)
        audit.record(.watch(desk.caller.audit, started: true, session: overseen, rule: found.rule))
        let notices = desk.runtime.settings.announcesWatchers
        if notices {
            found.session.control.send(.notify(sessionID: id, "tracegate: \(desk.caller.displayName) is watching this session"))
        }
        defer {
            found.feed.remove(watcher)
            audit.record(.watch(desk.caller.audit, started: false, session: overseen, rule: found.rule))
            if notices {
                found.session.control.send(.notify(sessionID: id, "tracegate: \(desk.caller.displayName) stopped watching this session"))
            }
        }
        let banner = "0\ntracegate: watching \(id), \(found.session.user.name) (\(found.session.user.organization)); Ctrl-C leaves\r\n"
        guard UnixSocket.writeAll(client, Array(banner.utf8) + WatchSession.replay(found.feed)) else { return }
        var skipNotices = WatchSkipNotices()
        while true {
            var ready = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            // Anything from the client (or its end) means it left.
            if poll(&ready, 1, 50) > 0 { return }
            let taken = watcher.take()
            var out = skipNotices.render(taken) { Array($0.replacingOccurrences(of: "\n", with: "\r\n").utf8) }
            if taken.ended { out += Array("\r\ntracegate: the session ended\r\n".utf8) }
            guard out.isEmpty || UnixSocket.writeAll(client, out) else { return }
            if taken.ended { return }
        }
    }
}

/// The client side: `tracegate live` and friends on the gateway host.
package enum ControlClient {
    /// Sends `words` to the gateway running with `stateDirectory` and copies its answer to
    /// standard output; returns the exit status to use.
    package static func run(stateDirectory: String, words: [String]) -> Int32 {
        let path = ControlSocketServer.path(stateDirectory: stateDirectory)
        let fd: Int32
        do {
            fd = try UnixSocket.connect(to: path)
        } catch {
            FileHandle.standardError.write(Data("tracegate: \(error.description) (is `tracegate serve` running?)\n".utf8))
            return 1
        }
        defer { close(fd) }
        guard let request = try? JSONSerialization.data(withJSONObject: words),
              UnixSocket.writeAll(fd, Array(request) + [UInt8(ascii: "\n")]),
              let status = UnixSocket.readLine(fd) else {
            FileHandle.standardError.write(Data("tracegate: the gateway closed the control socket\n".utf8))
            return 1
        }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = read(fd, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { break }
            FileHandle.standardOutput.write(Data(buffer[0..<count]))
        }
        return Int32(status) ?? 1
    }
}
