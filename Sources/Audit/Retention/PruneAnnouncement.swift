import Foundation

/// Reads the anchor an `audit.prune` event announced, from the raw fields the verifier walks.
enum PruneAnnouncement {
    static func anchorID(kind: CanonicalField, details: CanonicalField) -> Int64? {
        guard kind.textValue == AuditEventKind.auditPrune.rawValue, let text = details.textValue,
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { return nil }
        return (object[AuditDetailKey.anchorID] as? NSNumber)?.int64Value
    }
}
