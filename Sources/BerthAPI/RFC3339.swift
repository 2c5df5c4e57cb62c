import Foundation

/// Timestamps are stored as RFC 3339 strings, as Kubernetes writes them; this converts to and
/// from `Date` for code that needs arithmetic.
public enum RFC3339 {
    /// `2024-05-01T12:00:00Z`: second precision in UTC, Kubernetes' `metav1.Time`.
    public static func format(_ date: Date) -> String {
        components(of: date).base + "Z"
    }

    /// `2024-05-01T12:00:00.123456789Z`: nanoseconds, trailing zeros trimmed, Kubernetes' `MicroTime`
    /// and CRI's log timestamps use this shape.
    public static func formatNano(_ date: Date) -> String {
        let parts = components(of: date)
        var fraction = pad(parts.nanos, 9)
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return parts.base + (fraction.isEmpty ? "" : "." + fraction) + "Z"
    }

    /// Parses RFC 3339 with or without fractional seconds, with `Z` or a numeric offset.
    public static func parse(_ text: String) -> Date? {
        let chars = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= chars.count else { return nil }
            var n = 0
            for c in chars[from..<(from + count)] {
                guard c >= 48, c <= 57 else { return nil }
                n = n * 10 + Int(c - 48)
            }
            return n
        }
        guard chars.count >= 20,
              let year = number(0, 4), chars[4] == UInt8(ascii: "-"),
              let month = number(5, 2), chars[7] == UInt8(ascii: "-"),
              let day = number(8, 2), chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: "t"),
              let hour = number(11, 2), chars[13] == UInt8(ascii: ":"),
              let minute = number(14, 2), chars[16] == UInt8(ascii: ":"),
              let second = number(17, 2)
        else { return nil }
        var pos = 19
        var fraction = 0.0
        if pos < chars.count, chars[pos] == UInt8(ascii: ".") {
            pos += 1
            var scale = 0.1
            let start = pos
            while pos < chars.count, chars[pos] >= 48, chars[pos] <= 57 {
                fraction += Double(chars[pos] - 48) * scale
                scale /= 10
                pos += 1
            }
            guard pos > start else { return nil }
        }
        guard pos < chars.count else { return nil }
        var offset = 0
        switch chars[pos] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            guard pos + 1 == chars.count else { return nil }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard pos + 6 == chars.count, let oh = number(pos + 1, 2), chars[pos + 3] == UInt8(ascii: ":"),
                  let om = number(pos + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (chars[pos] == UInt8(ascii: "-") ? -1 : 1)
        default:
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        guard (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61,
              let date = calendar.date(from: parts) else { return nil }
        return date.addingTimeInterval(fraction - Double(offset))
    }

    /// Calendar fields from gmtime_r, written by hand: Calendar and String(format:) brought in
    /// ICU's calendar and locale data, megabytes of the agent's resident memory.
    private static func components(of date: Date) -> (base: String, nanos: Int) {
        let interval = date.timeIntervalSince1970
        let wholeSeconds = interval.rounded(.down)
        let nanos = min(999_999_999, Int(((interval - wholeSeconds) * 1e9).rounded()))
        var seconds = time_t(wholeSeconds)
        var fields = tm()
        gmtime_r(&seconds, &fields)
        var base = ""
        base.reserveCapacity(19)
        base += pad(Int(fields.tm_year) + 1900, 4) + "-" + pad(Int(fields.tm_mon) + 1, 2) + "-" + pad(Int(fields.tm_mday), 2)
        base += "T" + pad(Int(fields.tm_hour), 2) + ":" + pad(Int(fields.tm_min), 2) + ":" + pad(Int(fields.tm_sec), 2)
        return (base, nanos)
    }

    /// `value` in decimal with leading zeros to `width` digits.
    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return digits.count >= width ? digits : String(repeating: "0", count: width - digits.count) + digits
    }
}
