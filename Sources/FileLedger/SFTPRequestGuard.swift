/// Checks each SFTP request from the client against a grant's file rules, on the relay's
/// path, for sessions whose grant restricts files (the others never meet this type).
///
/// It frames the client's stream (holding back a partial packet until it is whole), forwards
/// allowed requests byte for byte, and keeps back a refused one: the client gets an
/// SSH_FXP_STATUS permission-denied with the rule's message for that request id instead, and
/// the session goes on. What it cannot frame it cannot judge: `failed` is then set, and the
/// gateway ends the session (fail closed) rather than let unchecked requests through.
package struct SFTPRequestGuard: Sendable {
    /// Why an operation on a path is refused (a message naming the rule), or nil if allowed.
    package typealias Judge = @Sendable (FileLedgerEntry.Operation, String) -> String?

    package struct Refusal: Sendable {
        package var entry: FileLedgerEntry
        /// The SSH_FXP_STATUS packet to send the client, framed.
        package var reply: [UInt8]
    }

    /// Extensions that name no path of their own (or only handles the rules already judged).
    static let harmlessExtensions: Set<String> = [
        "limits@openssh.com", "expand-path@openssh.com", "home-directory", "statvfs@openssh.com",
        "fstatvfs@openssh.com", "fsync@openssh.com", "users-groups-by-id@openssh.com", "copy-data",
    ]

    private let judge: Judge
    private var buffer: [UInt8] = []
    /// Bytes still to come of the target's current packet (and of its length field).
    private var serverLengthBytes: [UInt8] = []
    private var serverRemaining = 0
    package private(set) var failed: String?

    package init(judge: @escaping Judge) {
        self.judge = judge
    }

    /// Whether the bytes the target sent so far end at a packet boundary: a reply can only be
    /// slipped into the client's stream there.
    package var targetAtBoundary: Bool { serverRemaining == 0 && serverLengthBytes.isEmpty }

    /// Follows packet lengths in what the target sends (nothing else is read).
    package mutating func observeTarget(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index < bytes.count {
            if serverRemaining > 0 {
                let skip = min(serverRemaining, bytes.count - index)
                serverRemaining -= skip
                index += skip
                continue
            }
            serverLengthBytes.append(bytes[index])
            index += 1
            if serverLengthBytes.count == 4 {
                serverRemaining = Int(UInt32(serverLengthBytes[0]) << 24 | UInt32(serverLengthBytes[1]) << 16
                    | UInt32(serverLengthBytes[2]) << 8 | UInt32(serverLengthBytes[3]))
                serverLengthBytes = []
            }
        }
    }

    /// The client's bytes: returns what may go to the target now, and the refusals.
    package mutating func filter(_ bytes: UnsafeRawBufferPointer, at time: Double) -> (forward: [UInt8], refused: [Refusal]) {
        guard failed == nil else { return ([], []) }
        buffer.append(contentsOf: bytes)
        var forward: [UInt8] = []
        var refused: [Refusal] = []
        var consumed = 0
        while buffer.count - consumed >= 4 {
            let length = Int(UInt32(buffer[consumed]) << 24 | UInt32(buffer[consumed + 1]) << 16
                | UInt32(buffer[consumed + 2]) << 8 | UInt32(buffer[consumed + 3]))
            guard length > 0, length <= SFTPPacketFramer.maximumPacketLength else {
                failed = "a request packet's length is out of bounds"
                buffer = []
                return (forward, refused)
            }
            guard buffer.count - consumed >= 4 + length else { break }
            let packetRange = consumed..<(consumed + 4 + length)
            let verdict = buffer.withUnsafeBytes { all in
                check(UnsafeRawBufferPointer(rebasing: all[(consumed + 4)..<(consumed + 4 + length)]), at: time)
            }
            switch verdict {
            case .forward: forward.append(contentsOf: buffer[packetRange])
            case .refuse(let refusal): refused.append(refusal)
            case .unreadable(let reason):
                failed = reason
                buffer = []
                return (forward, refused)
            }
            consumed += 4 + length
        }
        buffer.removeFirst(consumed)
        return (forward, refused)
    }

    private enum Verdict {
        case forward
        case refuse(Refusal)
        case unreadable(String)
    }

    private func check(_ packet: UnsafeRawBufferPointer, at time: Double) -> Verdict {
        var reader = WireReader(packet)
        do throws(WireReader.Failure) {
            let type = try reader.byte()
            guard type != SFTPMessage.initialize else { return .forward }
            let id = try reader.uint32()
            var asked: [(FileLedgerEntry.Operation, String)] = []
            var paths: [String] = []
            switch type {
            case SFTPMessage.open:
                let path = try reader.text()
                let flags = try reader.uint32()
                if SFTPMessage.isUpload(flags: flags) { asked.append((.upload, path)) }
                if flags & SFTPMessage.openRead != 0 || !SFTPMessage.isUpload(flags: flags) { asked.append((.download, path)) }
                paths = [path]
            case SFTPMessage.opendir:
                let path = try reader.text()
                asked = [(.list, path)]
                paths = [path]
            case SFTPMessage.remove, SFTPMessage.mkdir, SFTPMessage.rmdir, SFTPMessage.setstat:
                let path = try reader.text()
                let operation: FileLedgerEntry.Operation = switch type {
                case SFTPMessage.remove: .remove
                case SFTPMessage.mkdir: .mkdir
                case SFTPMessage.rmdir: .rmdir
                default: .setstat
                }
                asked = [(operation, path)]
                paths = [path]
            case SFTPMessage.rename, SFTPMessage.symlink:
                let first = try reader.text()
                let second = try reader.text()
                let operation: FileLedgerEntry.Operation = type == SFTPMessage.rename ? .rename : .symlink
                // A link is judged at both ends: a link inside the allowed paths to a file outside
                // them would otherwise open the way out.
                asked = [(operation, first), (operation, second)]
                paths = [first, second]
            case SFTPMessage.extended:
                let name = try reader.text(limit: 256)
                switch name {
                case "posix-rename@openssh.com", "hardlink@openssh.com":
                    let first = try reader.text()
                    let second = try reader.text()
                    let operation: FileLedgerEntry.Operation = name.hasPrefix("posix") ? .rename : .symlink
                    asked = [(operation, first), (operation, second)]
                    paths = [first, second]
                case "lsetstat@openssh.com":
                    let path = try reader.text()
                    asked = [(.setstat, path)]
                    paths = [path]
                default:
                    guard Self.harmlessExtensions.contains(name) else {
                        let reason = "the extension \(name) is not allowed under file rules"
                        return .refuse(refusal(id: id, operation: .setstat, paths: [name], reason: reason, at: time))
                    }
                }
            default:
                return .forward
            }
            for (operation, path) in asked {
                if let reason = judge(operation, path) {
                    return .refuse(refusal(id: id, operation: operation, paths: paths, reason: reason, at: time))
                }
            }
            return .forward
        } catch {
            return .unreadable("a request the file rules must judge does not parse")
        }
    }

    private func refusal(id: UInt32, operation: FileLedgerEntry.Operation, paths: [String], reason: String,
                         at time: Double) -> Refusal {
        let message = reason
        var body: [UInt8] = [SFTPMessage.status]
        Self.append(id, to: &body)
        Self.append(SFTPMessage.statusPermissionDenied, to: &body)
        let text = Array(message.utf8.prefix(1024))
        Self.append(UInt32(text.count), to: &body)
        body += text
        Self.append(0, to: &body)
        var framed: [UInt8] = []
        Self.append(UInt32(body.count), to: &framed)
        framed += body
        let entry = FileLedgerEntry(protocolName: .sftp, operation: operation, path: paths.first ?? "",
                                    secondPath: paths.count > 1 ? paths[1] : nil, status: "denied", note: reason,
                                    startedAt: time, endedAt: time)
        return Refusal(entry: entry, reply: framed)
    }

    private static func append(_ value: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }
}
