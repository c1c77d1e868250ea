import Foundation
import Testing
import TestSupport

/// Read by the suite's attribute, so outside the suite.
private let targetFaultUpstreamTimeout = 3
/// A pin no real key has: these targets never get as far as showing one.
private let targetFaultUnusedPin = "SHA256:" + String(repeating: "A", count: 43)

extension IntegrationSuite {
    /// Targets that fail the way real ones do: one reboots under a running session, one
    /// accepts TCP and never speaks SSH, one has a name that does not resolve. Each time the
    /// engineer gets one clear line quickly, the trail says why, and the gateway serves on.
    @Suite(.gatewayFixture { options in
        options.limits = [("upstream_timeout", "\(targetFaultUpstreamTimeout)s")]
        options.extraTargets = [
            .init(name: "silent", address: "127.0.0.1:\(SilentListener.shared?.port ?? 1)",
                  hostKey: targetFaultUnusedPin, defaultLogin: TestLogin.name),
            .init(name: "nowhere", address: "does-not-exist.invalid:22",
                  hostKey: targetFaultUnusedPin, defaultLogin: TestLogin.name),
        ]
    }, .timeLimit(.minutes(3)))
    struct TargetFaultTests {
        static let upstreamTimeoutSeconds = targetFaultUpstreamTimeout

        @Test func targetRebootEndsTheSessionPromptlyAndANewSessionWorksOnceItIsBack() async throws {
            let fixture = try SharedGateway.current()
            let database = fixture.auditDatabase
            let target = fixture.target("web-02")
            let session = try AuditTrailOpenSession(fixture.alice(on: "web-02"), command: "cat; : reboot")
            defer { session.process.terminateGroup(signal: SIGKILL) }
            try #require(try await session.roundTrip("before\n", expecting: "before\n"),
                         "\(session.process.standardErrorText)\n\(fixture.gatewayLogTail)")

            // Power loss: every sshd process of the target dies at once.
            let rebootedAt = ContinuousClock.now
            target.killSessionProcesses()
            kill(target.pid, SIGKILL)
            let ended = await session.process.waitForExit(timeout: .seconds(10))
            let noticedAfter = ContinuousClock.now - rebootedAt
            #expect(ended == .exited(255), "\(String(describing: ended))")
            #expect(noticedAfter < .seconds(5), "the engineer waited \(noticedAfter)")
            let stderr = await session.process.standardErrorAfterExit()
            #expect(stderr.contains("tracegate: connection to web-02 lost"), "\(stderr)\n\(fixture.gatewayLogTail)")

            let closes = try await database.waitForRows("""
                SELECT e.* FROM events e JOIN sessions s ON s.id = e.session_id
                WHERE e.kind = 'session.close' AND s.command = 'cat; : reboot'
                """)
            #expect(closes.first?["reason"] == "target_dropped", "\(closes)")
            let connectionEnd = try await database.waitForRows("""
                SELECT c.close_reason FROM connections c JOIN sessions s ON s.connection_id = c.id
                WHERE s.command = 'cat; : reboot' AND c.closed_at IS NOT NULL
                """)
            #expect(connectionEnd.first?["close_reason"] == "target_dropped", "\(connectionEnd)")

            // While it is down: refused at once, with the reason.
            _ = await waitFor(timeout: .seconds(5)) { !target.isRunning }
            let down = try await fixture.alice(on: "web-02").ssh("echo down", options: refusalOptions)
            expectRefusal(down, containing: "tracegate: target web-02 is unreachable (connection refused)", fixture)

            // Back on the same port with the same host key: sessions work again.
            let back = try await target.restarted()
            defer { back.stop() }
            let again = try await fixture.alice(on: "web-02").ssh("echo back-again")
            #expect(again.succeeded && again.stdout == "back-again\n", "\(again)\n\(fixture.gatewayLogTail)")
        }

        @Test func targetThatAcceptsTCPButNeverSpeaksIsRefusedWithinTheUpstreamTimeout() async throws {
            let fixture = try SharedGateway.current()
            try #require(SilentListener.shared != nil, "the silent listener could not be opened")
            let started = ContinuousClock.now
            let observed = try await fixture.observeConnection {
                try await fixture.alice(on: "silent").ssh("echo never", options: refusalOptions, timeout: .seconds(40))
            }
            let took = ContinuousClock.now - started
            expectRefusal(observed.result, containing: "tracegate: target silent is unreachable (", fixture)
            #expect(!observed.result.stdout.contains("never"))
            // The timeout plus the client's own handshake with the gateway.
            #expect(took < .seconds(Self.upstreamTimeoutSeconds + 4), "refused after \(took)")
            #expect(observed.connection["upstream_result"] == "failed", "\(observed.connection)")
            #expect(observed.connection["reason"]?.contains("silent is unreachable") == true, "\(observed.connection)")
            try await expectGatewayStillServes(fixture)
        }

        @Test func targetWhoseNameDoesNotResolveIsRefusedWithTheReason() async throws {
            let fixture = try SharedGateway.current()
            let started = ContinuousClock.now
            let observed = try await fixture.observeConnection {
                try await fixture.alice(on: "nowhere").ssh("echo never", options: refusalOptions, timeout: .seconds(40))
            }
            let took = ContinuousClock.now - started
            expectRefusal(observed.result, containing: "tracegate: target nowhere is unreachable (", fixture)
            #expect(took < .seconds(Self.upstreamTimeoutSeconds + 4), "refused after \(took)")
            #expect(observed.connection["upstream_result"] == "failed", "\(observed.connection)")
            #expect(observed.connection["reason"]?.contains("nowhere is unreachable") == true, "\(observed.connection)")
            try await expectGatewayStillServes(fixture)
        }
    }
}

/// A TCP listener on 127.0.0.1 that accepts every connection and never sends a byte: a
/// target whose sshd hangs, or something else on its port. Lives as long as the test process.
final class SilentListener: @unchecked Sendable {
    static let shared: SilentListener? = try? SilentListener()

    let port: UInt16
    private let descriptor: Int32
    private let held = LockedValue<[Int32]>([])

    private init() throws {
        let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listening >= 0 else { throw TestSupportError.systemCall("socket", errno: errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listening, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(listening, 64) == 0 else { throw TestSupportError.systemCall("bind/listen", errno: errno) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listening, $0, &length) }
        }
        descriptor = listening
        port = UInt16(bigEndian: address.sin_port)
        let held = self.held
        let thread = Thread {
            while true {
                let connection = accept(listening, nil, nil)
                if connection >= 0 { held.withLock { $0.append(connection) } }
            }
        }
        thread.name = "silent-listener"
        thread.start()
    }
}
