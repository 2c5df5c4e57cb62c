import Foundation

/// apimachinery's `duration.HumanDuration`: the AGE and RESTARTS "(5m ago)" strings kubectl shows.
/// Two significant units at most while the larger is small, one after that: 45s, 119s, 2m30s,
/// 10m, 3h5m, 47h, 2d5h, 8d, 2y1d, 8y.
public enum HumanDuration {
    public static func string(_ seconds: TimeInterval) -> String {
        // Go truncates toward zero when it converts the duration to whole seconds.
        let s = seconds.isFinite ? Int(seconds.rounded(.towardZero)) : 0
        if s < -1 { return "<invalid>" }
        if s < 0 { return "0s" }
        if s < 60 * 2 { return "\(s)s" }
        let m = s / 60
        if m < 10 {
            return s % 60 == 0 ? "\(m)m" : "\(m)m\(s % 60)s"
        }
        if m < 60 * 3 { return "\(m)m" }
        let h = m / 60
        if h < 8 { return m % 60 == 0 ? "\(h)h" : "\(h)h\(m % 60)m" }
        if h < 48 { return "\(h)h" }
        if h < 24 * 8 { return h % 24 == 0 ? "\(h / 24)d" : "\(h / 24)d\(h % 24)h" }
        if h < 24 * 365 * 2 { return "\(h / 24)d" }
        if h < 24 * 365 * 8 {
            let days = (h / 24) % 365
            return days == 0 ? "\(h / 24 / 365)y" : "\(h / 24 / 365)y\(days)d"
        }
        return "\(h / 24 / 365)y"
    }

    /// The time since an RFC 3339 timestamp, `<unknown>` when there is none (as kubectl's
    /// `translateTimestampSince` prints a zero time).
    public static func since(_ timestamp: String?, now: Date) -> String {
        guard let timestamp, !timestamp.isEmpty, let date = RFC3339.parse(timestamp) else { return "<unknown>" }
        return string(now.timeIntervalSince(date))
    }
}
