import Foundation

/// The account that sessions on the test targets log in as. Root in CI (sshd then runs
/// exactly as in production); `TRACEGATE_TEST_LOGIN` lets an unprivileged developer point
/// it at their own account.
package enum TestLogin {
    package static var name: String {
        if let configured = ProcessInfo.processInfo.environment["TRACEGATE_TEST_LOGIN"], !configured.isEmpty {
            return configured
        }
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return NSUserName()
    }
}
