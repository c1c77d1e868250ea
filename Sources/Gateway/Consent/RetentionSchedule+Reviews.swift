import Audit
import Logging

extension RetentionSchedule {
    /// The daily reminder (on the retention thread, 5 s after start then once a day): break-glass
    /// sessions nobody has reviewed yet, oldest first, so open items stay visible in the log.
    func logOpenReviews() {
        guard let open = try? runtimeStore.openReviews(), !open.isEmpty else { return }
        reviewLogger.warning("break-glass reviews open", metadata: [
            "tg.count": "\(open.count)", "tg.oldest": "\(open[0].id)", "tg.oldest_opened_at": "\(open[0].openedAt)",
            "tg.reviews": "\(open.prefix(20).map(\.id).joined(separator: ","))",
        ])
    }
}
