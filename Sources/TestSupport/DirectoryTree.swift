import Foundation

/// A directory tree as data (relative path -> contents, directories as nil), so that two
/// trees can be compared with `==` after an rsync round trip.
package struct DirectoryTree: Sendable, Equatable {
    package let entries: [String: Data?]

    package init(entries: [String: Data?]) {
        self.entries = entries
    }

    package static func read(_ root: String) throws -> DirectoryTree {
        var entries: [String: Data?] = [:]
        guard let enumerator = FileManager.default.enumerator(atPath: root) else {
            throw TestSupportError.unexpectedOutput("cannot enumerate \(root)")
        }
        while let relative = enumerator.nextObject() as? String {
            let path = root + "/" + relative
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            entries[relative] = isDirectory.boolValue ? .some(nil) : try Data(contentsOf: URL(fileURLWithPath: path))
        }
        return DirectoryTree(entries: entries)
    }

    /// Paths that differ between two trees, for a readable failure message.
    package func differences(from other: DirectoryTree) -> [String] {
        Set(entries.keys).union(other.entries.keys).sorted().filter { entries[$0] != other.entries[$0] }
    }

    /// Builds a tree of `fileCount` small files spread over nested directories plus one
    /// large random file, under `root`.
    package static func makeSample(at root: String, fileCount: Int, largeFileBytes: Int) throws {
        let fileManager = FileManager.default
        for index in 0..<fileCount {
            let directory = "\(root)/d\(index % 5)/e\(index % 3)" + (index % 7 == 0 ? "/deep/er" : "")
            try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let contents = Data("file \(index)\n".utf8) + (try RandomFile.data(byteCount: 1 + index * 37 % 4096))
            try contents.write(to: URL(fileURLWithPath: "\(directory)/f\(index).bin"))
        }
        try fileManager.createDirectory(atPath: "\(root)/empty", withIntermediateDirectories: true)
        try RandomFile.write("\(root)/large.bin", byteCount: largeFileBytes)
    }
}
