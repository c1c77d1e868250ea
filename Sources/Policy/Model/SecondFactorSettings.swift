/// Who must give a verification code after their key (`mfa: required` on a user, a group or
/// an organisation; a grant's own `require_mfa: true` is on `Grant`), and how long a good code
/// spares the same user from the same address another one (top-level `mfa: {reuse: 8h}`).
package struct SecondFactorSettings: Hashable, Sendable {
    /// Users, groups and organisations declared with `mfa: required`.
    package var required: GrantSubjects
    /// nil or zero: every connection that needs a code asks for one.
    package var reuse: Duration?

    package init(required: GrantSubjects = GrantSubjects(), reuse: Duration? = nil) {
        self.required = required
        self.reuse = reuse
    }
}
