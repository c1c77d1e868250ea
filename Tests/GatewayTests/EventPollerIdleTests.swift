import Glibc
import SSH
import Testing

/// A connection's loop gives its stack back after a poll that found nothing (see
/// `ClientConnection.releaseStackWhenIdle`): the poller must tell such a wait apart from
/// one that woke for something, and from a zero-timeout pass.
@Suite("EventPoller: a wait that found nothing is told apart")
struct EventPollerIdleTests {
    @Test("a timed-out wait is in vain; a wake-up and a zero-timeout pass are not")
    func waitedInVainFollowsWhatThePollFound() throws {
        let poller = try EventPoller()
        var pipe: [Int32] = [0, 0]
        try #require(Glibc.pipe(&pipe) == 0)
        defer {
            poller.removeAll()
            close(pipe[0])
            close(pipe[1])
        }
        poller.addWakeDescriptor(pipe[0])

        poller.poll(timeoutMilliseconds: 20)
        #expect(poller.waitedInVain)

        var byte: UInt8 = 1
        try #require(write(pipe[1], &byte, 1) == 1)
        poller.poll(timeoutMilliseconds: 1000)
        #expect(!poller.waitedInVain)

        _ = read(pipe[0], &byte, 1)
        poller.poll(timeoutMilliseconds: 0)
        #expect(!poller.waitedInVain, "a pass that did not wait says nothing about idleness")
    }
}
