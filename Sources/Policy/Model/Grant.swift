import Foundation

/// One entry of `grants:`, the only thing that turns the default deny into an allow.
///
/// A grant is a list of conditions that must all hold for an `AccessAttempt`; `permits` is
/// their conjunction. Later keys (`from`/`until`, `hours`, `source`, `require_ticket`) become
/// further stored properties and further conditions there, and attributes that shape an
/// allowed session (`mode`, `forwarding`) travel to the gateway inside `Decision.allowed`,
/// which carries the whole grant.
package struct Grant: Hashable, Sendable {
    /// 1-based position in `grants:`, stable for messages and audit rows.
    package var index: Int
    /// Line of the grant in the configuration file, so a decision can be traced to its source.
    package var line: Int
    package var sourceFile: String
    package var subjects: GrantSubjects
    package var targetSelector: TargetSelector
    package var logins: [String]

    package init(
        index: Int,
        line: Int,
        sourceFile: String,
        subjects: GrantSubjects,
        targetSelector: TargetSelector,
        logins: [String]
    ) {
        self.index = index
        self.line = line
        self.sourceFile = sourceFile
        self.subjects = subjects
        self.targetSelector = targetSelector
        self.logins = logins
    }

    /// `grant #2 (tracegate.yaml:41)`: short enough for a log line, precise enough to find.
    package var name: String {
        "grant #\(index) (\(URL(fileURLWithPath: sourceFile).lastPathComponent):\(line))"
    }

    package func permits(_ attempt: AccessAttempt) -> Bool {
        subjects.includes(attempt.user)
            && targetSelector.selects(attempt.target)
            && logins.contains(attempt.login)
    }
}
