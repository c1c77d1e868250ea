/// A target a user may reach and the logins they may use there, for the gateway's own shell
/// ("what may I reach, how do I connect").
package struct ReachableTarget: Hashable, Sendable {
    package var target: Target
    package var logins: [String]

    package init(target: Target, logins: [String]) {
        self.target = target
        self.logins = logins
    }
}
