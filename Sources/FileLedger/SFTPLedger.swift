/// Follows both directions of one SFTP v3 session and turns them into ledger entries.
///
/// Requests are matched to replies by request id (clients pipeline: OpenSSH keeps 64 reads or
/// writes in flight, and a server may answer out of order). Everything is bounded: packet
/// length, pending requests, open handles, remembered paths. Anything that does not parse
/// stops the ledger for the session (`unparsed` from then on); it never throws or traps.
package struct SFTPLedger: Sendable {
    static let maximumPendingRequests = 4096
    static let maximumOpenHandles = 1024
    static let maximumHandleLength = 256
    static let maximumRememberedPaths = 256

    private enum Pending {
        case open(path: String, flags: UInt32)
        case openDirectory(path: String)
        case read(handle: [UInt8], offset: UInt64, length: UInt32)
        case write(handle: [UInt8])
        case readDirectory(handle: [UInt8])
        case close(handle: [UInt8])
        case change(FileLedgerEntry.Operation, path: String, secondPath: String?)
        case handleChange(handle: [UInt8], size: UInt64?)
        case realpath(path: String)
        case stat(path: String)
        case fstat(handle: [UInt8])
        case ignored
    }

    private var clientFramer = SFTPPacketFramer()
    private var serverFramer = SFTPPacketFramer()
    private var pending: [UInt32: (Pending, Double)] = [:]
    private var handles: [[UInt8]: SFTPOpenFile] = [:]
    private var realpaths: [String: String] = [:]
    private var sizes: [String: UInt64] = [:]
    /// Set once the stream could not be followed: nothing more is parsed.
    package private(set) var stopped: (integrity: FileLedgerEntry.Integrity, note: String)?
    /// Entries finished since the last `takeEntries`.
    private var finished: [FileLedgerEntry] = []

    package init() {}

    package mutating func takeEntries() -> [FileLedgerEntry] {
        defer { finished.removeAll(keepingCapacity: true) }
        return finished
    }

    /// Bytes the client sent towards the target.
    package mutating func client(_ bytes: UnsafeRawBufferPointer, at time: Double) {
        guard stopped == nil else { return }
        var failure: String?
        // Moved out while it calls back into self (exclusive access), then put back.
        var framer = clientFramer
        clientFramer = SFTPPacketFramer()
        let framed = framer.feed(bytes) { packet in
            guard failure == nil, stopped == nil else { return }
            do throws(WireReader.Failure) { try request(packet, at: time) } catch { failure = Self.describe(error, "request") }
        }
        clientFramer = framer
        if let failure { stop(.unparsed, failure, at: time) }
        else if !framed { stop(.unparsed, "a request packet's length is out of bounds", at: time) }
    }

    /// Bytes the target sent back.
    package mutating func server(_ bytes: UnsafeRawBufferPointer, at time: Double) {
        guard stopped == nil else { return }
        var failure: String?
        // Moved out while it calls back into self (exclusive access), then put back.
        var framer = serverFramer
        serverFramer = SFTPPacketFramer()
        let framed = framer.feed(bytes) { packet in
            guard failure == nil, stopped == nil else { return }
            do throws(WireReader.Failure) { try reply(packet, at: time) } catch { failure = Self.describe(error, "reply") }
        }
        serverFramer = framer
        if let failure { stop(.unparsed, failure, at: time) }
        else if !framed { stop(.unparsed, "a reply packet's length is out of bounds", at: time) }
    }

    /// Bytes were skipped (the ledger's queue was full): the stream cannot be followed.
    package mutating func skipped(at time: Double) {
        guard stopped == nil else { return }
        stop(.overflow, "the ledger fell behind the transfer and skipped bytes", at: time)
    }

    /// The session ended: files still open get their entries.
    package mutating func finish(at time: Double) {
        for file in handles.values.sorted(by: { $0.startedAt < $1.startedAt }) {
            finished += file.entries(status: "not_closed", integrityOverride: stopped, endedAt: time)
        }
        handles.removeAll()
        pending.removeAll()
    }

    private mutating func stop(_ integrity: FileLedgerEntry.Integrity, _ note: String, at time: Double) {
        stopped = (integrity, note)
        for file in handles.values.sorted(by: { $0.startedAt < $1.startedAt }) {
            finished += file.entries(status: "unknown", integrityOverride: stopped, endedAt: time)
        }
        handles.removeAll()
        pending.removeAll()
        realpaths.removeAll()
        sizes.removeAll()
    }

    private static func describe(_ failure: WireReader.Failure, _ side: String) -> String {
        switch failure {
        case .truncated: "a \(side) ends before its fields do"
        case .tooLong: "a \(side) carries a field longer than its bound"
        }
    }

    // MARK: client to target

    private mutating func request(_ packet: UnsafeRawBufferPointer, at time: Double) throws(WireReader.Failure) {
        var reader = WireReader(packet)
        let type = try reader.byte()
        if type == SFTPMessage.initialize {
            let version = try reader.uint32()
            if version != 3 { stop(.unparsed, "the client asked for SFTP version \(version)", at: time) }
            return
        }
        let id = try reader.uint32()
        let request: Pending
        switch type {
        case SFTPMessage.open:
            let path = try reader.text()
            let flags = try reader.uint32()
            try reader.skipAttributes()
            request = .open(path: path, flags: flags)
        case SFTPMessage.opendir:
            request = .openDirectory(path: try reader.text())
        case SFTPMessage.close:
            request = .close(handle: try handle(&reader))
        case SFTPMessage.read:
            let handle = try handle(&reader)
            request = .read(handle: handle, offset: try reader.uint64(), length: try reader.uint32())
        case SFTPMessage.write:
            let handle = try handle(&reader)
            let offset = try reader.uint64()
            let data = try reader.data()
            // In place (optional chaining on the subscript): a copy would copy the digest's buffer.
            handles[handle]?.wrote(data, at: offset)
            request = .write(handle: handle)
        case SFTPMessage.readdir:
            request = .readDirectory(handle: try handle(&reader))
        case SFTPMessage.remove:
            request = .change(.remove, path: try reader.text(), secondPath: nil)
        case SFTPMessage.mkdir:
            request = .change(.mkdir, path: try reader.text(), secondPath: nil)
        case SFTPMessage.rmdir:
            request = .change(.rmdir, path: try reader.text(), secondPath: nil)
        case SFTPMessage.setstat:
            request = .change(.setstat, path: try reader.text(), secondPath: nil)
        case SFTPMessage.fsetstat:
            let handle = try handle(&reader)
            request = .handleChange(handle: handle, size: try reader.attributesSize())
        case SFTPMessage.rename:
            let old = try reader.text()
            request = .change(.rename, path: old, secondPath: try reader.text())
        case SFTPMessage.symlink:
            // OpenSSH sends the link's target first and the new link second (reversed from the draft).
            let first = try reader.text()
            request = .change(.symlink, path: first, secondPath: try reader.text())
        case SFTPMessage.realpath:
            request = .realpath(path: try reader.text())
        case SFTPMessage.stat, SFTPMessage.lstat:
            request = .stat(path: try reader.text())
        case SFTPMessage.fstat:
            request = .fstat(handle: try handle(&reader))
        case SFTPMessage.extended:
            request = try extended(&reader)
        default:
            request = .ignored
        }
        guard pending.count < Self.maximumPendingRequests || pending[id] != nil else {
            stop(.unparsed, "more than \(Self.maximumPendingRequests) requests awaiting replies", at: time)
            return
        }
        pending[id] = (request, time)
    }

    private func handle(_ reader: inout WireReader) throws(WireReader.Failure) -> [UInt8] {
        let raw = try reader.data()
        guard raw.count <= Self.maximumHandleLength else { throw .tooLong }
        return Array(raw)
    }

    private func extended(_ reader: inout WireReader) throws(WireReader.Failure) -> Pending {
        let name = try reader.text(limit: 256)
        switch name {
        case "posix-rename@openssh.com":
            let old = try reader.text()
            return .change(.rename, path: old, secondPath: try reader.text())
        case "hardlink@openssh.com":
            let old = try reader.text()
            return .change(.symlink, path: old, secondPath: try reader.text())
        case "lsetstat@openssh.com":
            return .change(.setstat, path: try reader.text(), secondPath: nil)
        case "expand-path@openssh.com":
            return .realpath(path: try reader.text())
        default:
            return .ignored
        }
    }

    // MARK: target to client

    private mutating func reply(_ packet: UnsafeRawBufferPointer, at time: Double) throws(WireReader.Failure) {
        var reader = WireReader(packet)
        let type = try reader.byte()
        if type == SFTPMessage.version {
            let version = try reader.uint32()
            if version != 3 { stop(.unparsed, "the target answered SFTP version \(version)", at: time) }
            return
        }
        let id = try reader.uint32()
        // A reply to nothing asked (or asked before the ledger stopped following) is ignored.
        guard let (request, askedAt) = pending.removeValue(forKey: id) else { return }
        switch type {
        case SFTPMessage.status:
            let code = try reader.uint32()
            let message = try reader.text()
            status(code, SFTPMessage.statusText(code: code, message: message), for: request, askedAt: askedAt, at: time)
        case SFTPMessage.handle:
            let handle = try handle(&reader)
            guard handles.count < Self.maximumOpenHandles || handles[handle] != nil else {
                stop(.unparsed, "more than \(Self.maximumOpenHandles) handles open", at: time)
                return
            }
            switch request {
            case .open(let path, let flags):
                handles[handle] = SFTPOpenFile(path: path, resolvedPath: realpaths[path], flags: flags, isDirectory: false,
                                               startedAt: askedAt, reportedSize: sizes[path])
            case .openDirectory(let path):
                handles[handle] = SFTPOpenFile(path: path, resolvedPath: realpaths[path], flags: 0, isDirectory: true,
                                               startedAt: askedAt)
            default:
                break
            }
        case SFTPMessage.data:
            let data = try reader.data()
            if case .read(let handle, let offset, _) = request {
                handles[handle]?.read(data, at: offset)
            }
        case SFTPMessage.name:
            let count = try reader.uint32()
            switch request {
            case .readDirectory(let handle):
                handles[handle]?.names += Int(min(count, 1_000_000))
            case .realpath(let path):
                if count >= 1 { remember(&realpaths, path, try reader.text()) }
            default:
                break
            }
        case SFTPMessage.attrs:
            let size = try reader.attributesSize()
            switch request {
            case .stat(let path): if let size { remember(&sizes, path, size) }
            case .fstat(let handle): if let size { handles[handle]?.reportedSize = size }
            default: break
            }
        default:
            break
        }
    }

    private func remember<Value>(_ table: inout [String: Value], _ key: String, _ value: Value) {
        if table.count >= Self.maximumRememberedPaths && table[key] == nil { table.removeAll() }
        table[key] = value
    }

    private mutating func status(_ code: UInt32, _ text: String, for request: Pending, askedAt: Double, at time: Double) {
        let failed = code != SFTPMessage.statusOK && code != SFTPMessage.statusEOF
        switch request {
        case .open(let path, let flags):
            finished.append(FileLedgerEntry(
                protocolName: .sftp, operation: SFTPMessage.isUpload(flags: flags) ? .upload : .download, path: path,
                resolvedPath: realpaths[path], status: text, startedAt: askedAt, endedAt: time))
        case .openDirectory(let path):
            finished.append(FileLedgerEntry(protocolName: .sftp, operation: .list, path: path,
                                            resolvedPath: realpaths[path], status: text, startedAt: askedAt, endedAt: time))
        case .read(let handle, let offset, _):
            if code == SFTPMessage.statusEOF, let file = handles[handle] {
                handles[handle]?.endOfFile = min(file.endOfFile ?? offset, offset)
            } else if failed {
                noteFailure(text, on: handle)
            }
        case .write(let handle):
            if failed { noteFailure(text, on: handle) }
        case .close(let handle):
            guard let file = handles.removeValue(forKey: handle) else { return }
            finished += file.entries(status: failed ? text : "ok", integrityOverride: nil, endedAt: time)
        case .change(let operation, let path, let secondPath):
            finished.append(FileLedgerEntry(protocolName: .sftp, operation: operation, path: path, secondPath: secondPath,
                                            resolvedPath: realpaths[path], status: failed ? text : "ok",
                                            startedAt: askedAt, endedAt: time))
        case .handleChange(let handle, let size):
            // Part of the file's own entry (OpenSSH's scp and sftp set the final size and
            // times on the open handle), not a change of its own.
            guard handles[handle] != nil else { return }
            if failed { noteFailure(text, on: handle) }
            else if let size { handles[handle]?.sizeSet = size }
        case .readDirectory, .realpath, .stat, .fstat, .ignored:
            break
        }
    }

    private mutating func noteFailure(_ text: String, on handle: [UInt8]) {
        guard handles[handle]?.failure == nil else { return }
        handles[handle]?.failure = text
    }
}
