import Foundation

/// A fresh directory per test, removed when the test's scope ends.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = NSTemporaryDirectory() + "policy-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String {
        (path as NSString).appendingPathComponent(name)
    }

    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let filePath = file(name)
        try contents.write(toFile: filePath, atomically: true, encoding: .utf8)
        return filePath
    }
}
