import Foundation

/// Reads stored JSON text back into `AuditValue`s.
package enum AuditValueDecoding {
    package static func object(fromJSON text: String) -> [String: AuditValue]? {
        guard let value = try? JSONDecoder().decode(AuditValue.self, from: Data(text.utf8)) else { return nil }
        return value.objectValue
    }
}
