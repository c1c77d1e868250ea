import Foundation

/// Everything a grant may look at when deciding. Time is here although no condition reads it
/// yet, so that time-bound grants need no new plumbing through the gateway.
package struct AccessAttempt: Hashable, Sendable {
    package var user: User
    package var target: Target
    package var login: String
    package var time: Date

    package init(user: User, target: Target, login: String, time: Date) {
        self.user = user
        self.target = target
        self.login = login
        self.time = time
    }
}
