import Yams

/// `notify:`: the operator's command for approvers who do not watch a terminal.
extension ConfigurationReader {
    mutating func readNotify(_ node: Node) -> NotifySettings? {
        guard let fields = fields(of: node, "notify", allowed: ["command", "timeout"]) else { return nil }
        guard let commandNode = required("command", in: fields), let entries = strings(commandNode, "notify.command")
        else { return nil }
        guard let program = entries.first else {
            diagnostics.report("notify.command is empty; give the program and its arguments as a list", at: commandNode)
            return nil
        }
        guard program.text.hasPrefix("/") else {
            // No PATH lookup: the gateway runs exactly the program the operator named.
            diagnostics.report("notify.command must start with an absolute path, found \(SafeText.quoted(program.text))",
                               at: program.node)
            return nil
        }
        var timeout = NotifySettings.defaultTimeout
        if let timeoutNode = fields.optional("timeout") {
            guard let text = string(timeoutNode, "notify.timeout") else { return nil }
            guard let duration = ScalarSyntax.duration(text) else {
                diagnostics.report("invalid notify.timeout \(SafeText.quoted(text)): expected a positive duration such as 5s",
                                   at: timeoutNode)
                return nil
            }
            timeout = duration
        }
        return NotifySettings(command: entries.map(\.text), timeout: timeout)
    }
}
