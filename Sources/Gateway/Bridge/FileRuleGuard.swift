import FileLedger
import Policy

/// A grant's file rules applied to one sftp session on the relay's path: refused requests
/// are kept from the target and answered to the client, at a boundary of the target's packets.
final class FileRuleGuard {
    private var requests: SFTPRequestGuard
    private var replies: [[UInt8]] = []
    /// The refusals' messages, for the engineer's stderr: OpenSSH's sftp shows only the status
    /// code of a reply ("Permission denied"), never its message, but it shows ssh's stderr.
    private var messages: [String] = []
    private let onRefused: (FileLedgerEntry) -> Void

    init(rules: FileRules, grantName: String, onRefused: @escaping (FileLedgerEntry) -> Void) {
        requests = SFTPRequestGuard { operation, path in
            let writing = operation != .download && operation != .list
            // A listing is judged by paths only: names are not content.
            if operation == .list {
                guard !rules.paths.isEmpty, let reason = FileRules(paths: rules.paths).refusal(writing: false, path: path)
                else { return nil }
                return Self.message(operation, grantName, reason)
            }
            return rules.refusal(writing: writing, path: path).map { Self.message(operation, grantName, $0) }
        }
        self.onRefused = onRefused
    }

    static func message(_ operation: FileLedgerEntry.Operation, _ grantName: String, _ reason: String) -> String {
        "tracegate: \(operation.rawValue) refused by \(grantName): \(reason)"
    }

    /// Why the session must end: its requests could not be judged.
    var failure: String? { requests.failed }

    /// Client bytes in, bytes for the target out.
    func filter(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        let (forward, refused) = requests.filter(bytes, at: FileLedgerTap.now())
        for refusal in refused {
            onRefused(refusal.entry)
            replies.append(refusal.reply)
            messages.append(refusal.entry.note ?? "tracegate: refused by the grant's file rules")
        }
        return forward
    }

    func observeTarget(_ bytes: UnsafeRawBufferPointer) {
        requests.observeTarget(bytes)
    }

    func takeMessages() -> [String] {
        defer { messages.removeAll() }
        return messages
    }

    /// The refusals' replies, once the target's stream is at a packet boundary.
    func takeReplies() -> [UInt8]? {
        guard !replies.isEmpty, requests.targetAtBoundary else { return nil }
        defer { replies.removeAll() }
        return replies.flatMap { $0 }
    }
}
