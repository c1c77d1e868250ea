import Yams

/// `approval:` of a grant: `{by: {org: retailer}, valid: 2h, wait: 10m}`. `by` is read like the
/// grant's own `to:` (users, groups, orgs), so one selector answers every "who may" question.
extension ConfigurationReader {
    static let approvalKeys = ["by", "valid", "wait"]

    mutating func readApproval(_ node: Node, grant: String, mode: GrantMode, known: KnownNames) -> ApprovalRule? {
        let what = "approval of \(grant)"
        guard let fields = fields(of: node, what, allowed: Self.approvalKeys) else { return nil }
        if mode == .tunnel {
            diagnostics.report(
                "\(grant) is a tunnel grant: the gateway cannot hold a tunnel for an approval; remove approval", at: node)
            return nil
        }
        let approvers = required("by", in: fields).flatMap { readSubjects($0, grant: what, known: known, key: "by") }
        let valid = fields.optional("valid").map { readApprovalDuration($0, key: "valid", what: what) }
            ?? ApprovalRule.defaultValid
        let wait = fields.optional("wait").map { readApprovalDuration($0, key: "wait", what: what) }
            ?? ApprovalRule.defaultWait
        guard let approvers, let valid, let wait else { return nil }
        return ApprovalRule(approvers: approvers, valid: valid, wait: wait)
    }

    private mutating func readApprovalDuration(_ node: Node, key: String, what: String) -> Duration? {
        guard let text = string(node, "\(key) of \(what)") else { return nil }
        guard let duration = ScalarSyntax.duration(text) else {
            diagnostics.report(
                "invalid \(key) \(SafeText.quoted(text)) of \(what): expected a positive duration such as 10m or 2h", at: node)
            return nil
        }
        return duration
    }
}
