import Glibc

/// A grant's `files:` rules: which way files may move over sftp and scp, and where.
///
/// Default allow (a grant without `files:` keeps wave 1's behaviour). `paths` are globs on the
/// path as the client named it after `.` and `..` are resolved lexically; `*` also matches
/// `/`, so `/srv/exchange/*` covers the whole tree below. A relative path never matches an
/// absolute glob (fail closed). The gateway cannot see the target's symlinks: `paths` bounds
/// what the client names, not where the target's filesystem leads.
package struct FileRules: Hashable, Sendable {
    package enum Access: String, Hashable, Sendable {
        case allow, deny
    }

    package var upload: Access
    package var download: Access
    /// Empty: anywhere.
    package var paths: [String]

    package init(upload: Access = .allow, download: Access = .allow, paths: [String] = []) {
        self.upload = upload
        self.download = download
        self.paths = paths
    }

    /// Whether sessions under this grant need their sftp requests checked on the relay's path.
    package var isRestricted: Bool { upload == .deny || download == .deny || !paths.isEmpty }

    /// `upload deny, download allow, paths /srv/exchange/*`.
    package var summary: String {
        var parts = ["upload \(upload.rawValue)", "download \(download.rawValue)"]
        if !paths.isEmpty { parts.append("paths " + paths.joined(separator: ", ")) }
        return parts.joined(separator: ", ")
    }

    /// Why moving a file at `path` this way is refused, or nil when it is allowed. `writing`
    /// covers uploads and changes to the tree (remove, rename, mkdir, setstat, symlink).
    package func refusal(writing: Bool, path: String) -> String? {
        if writing && upload == .deny { return "files.upload is deny" }
        if !writing && download == .deny { return "files.download is deny" }
        guard !paths.isEmpty else { return nil }
        let normalized = Self.normalize(path)
        if paths.contains(where: { fnmatch($0, normalized, 0) == 0 }) { return nil }
        return "\(normalized) is outside files.paths (\(paths.joined(separator: ", ")))"
    }

    /// `/srv/x/../../etc/passwd` -> `/etc/passwd`; `a/./b` -> `a/b`; `..` above the root stays at the root.
    package static func normalize(_ path: String) -> String {
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            switch part {
            case ".": continue
            case "..":
                if let last = parts.last, last != ".." { parts.removeLast() } else if !absolute { parts.append(part) }
            default: parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }
}
