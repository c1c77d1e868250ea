/// SFTP version 3 message numbers and flags (draft-ietf-secsh-filexfer-02, as OpenSSH speaks it).
enum SFTPMessage {
    static let initialize: UInt8 = 1
    static let version: UInt8 = 2
    static let open: UInt8 = 3
    static let close: UInt8 = 4
    static let read: UInt8 = 5
    static let write: UInt8 = 6
    static let lstat: UInt8 = 7
    static let fstat: UInt8 = 8
    static let setstat: UInt8 = 9
    static let fsetstat: UInt8 = 10
    static let opendir: UInt8 = 11
    static let readdir: UInt8 = 12
    static let remove: UInt8 = 13
    static let mkdir: UInt8 = 14
    static let rmdir: UInt8 = 15
    static let realpath: UInt8 = 16
    static let stat: UInt8 = 17
    static let rename: UInt8 = 18
    static let readlink: UInt8 = 19
    static let symlink: UInt8 = 20
    static let status: UInt8 = 101
    static let handle: UInt8 = 102
    static let data: UInt8 = 103
    static let name: UInt8 = 104
    static let attrs: UInt8 = 105
    static let extended: UInt8 = 200
    static let extendedReply: UInt8 = 201

    // SSH_FXP_OPEN pflags
    static let openRead: UInt32 = 0x01
    static let openWrite: UInt32 = 0x02
    static let openAppend: UInt32 = 0x04
    static let openCreate: UInt32 = 0x08
    static let openTruncate: UInt32 = 0x10
    static let openExclusive: UInt32 = 0x20

    static let statusOK: UInt32 = 0
    static let statusEOF: UInt32 = 1
    static let statusPermissionDenied: UInt32 = 3

    /// `permission_denied: /etc/shadow: Permission denied`, bounded for the trail.
    static func statusText(code: UInt32, message: String) -> String {
        let names = ["ok", "eof", "no_such_file", "permission_denied", "failure", "bad_message", "no_connection",
                     "connection_lost", "op_unsupported"]
        let name = Int(code) < names.count ? names[Int(code)] : "status_\(code)"
        let trimmed = message.count > 200 ? String(message.prefix(200)) + "…" : message
        return trimmed.isEmpty ? name : "\(name): \(trimmed)"
    }

    /// What an OPEN with these flags does to the target's file.
    static func isUpload(flags: UInt32) -> Bool {
        flags & (openWrite | openAppend | openCreate | openTruncate) != 0
    }
}
