import Foundation

/// The stream a CRI log line came from.
public enum CRILogStream: String, Sendable, Hashable, Codable {
    case stdout, stderr
}

/// Why a log line or file could not be read.
public enum CRILogError: Error, CustomStringConvertible, Equatable, Sendable {
    case malformedLine(line: String, reason: String)
    case io(operation: String, path: String, errno: Int32)

    public var description: String {
        switch self {
        case let .malformedLine(line, reason):
            return "malformed CRI log line \(line.debugDescription): \(reason)"
        case let .io(operation, path, errno):
            return "cannot \(operation) log file \(path): \(String(cString: strerror(errno))) (errno \(errno))"
        }
    }
}

/// One line of a CRI log file: `<RFC3339Nano time> <stdout|stderr> <F|P>[:tags] <content>`.
/// `P` marks a fragment of a longer line that continues in the next `P`/`F` line of the
/// same stream.
public struct CRILogLine: Sendable, Hashable {
    /// The timestamp as written.
    public var time: String
    /// The timestamp as nanoseconds since the Unix epoch (exact, unlike `date`).
    public var nanosecondsSinceEpoch: Int64
    public var stream: CRILogStream
    public var partial: Bool
    /// The content without the trailing newline.
    public var content: Data

    public var date: Date { CRITimestamp.date(nanosecondsSinceEpoch) }

    public init(nanosecondsSinceEpoch: Int64, stream: CRILogStream, partial: Bool, content: Data) {
        self.time = CRITimestamp.format(nanosecondsSinceEpoch)
        self.nanosecondsSinceEpoch = nanosecondsSinceEpoch
        self.stream = stream
        self.partial = partial
        self.content = content
    }

    /// Parses one line (without its trailing newline).
    public static func parse<Bytes: Collection<UInt8>>(_ line: Bytes) throws(CRILogError) -> CRILogLine {
        let bytes = Array(line)
        func fail(_ reason: String) -> CRILogError {
            .malformedLine(line: String(decoding: bytes.prefix(200), as: UTF8.self), reason: reason)
        }
        let space = UInt8(ascii: " ")
        guard let firstSpace = bytes.firstIndex(of: space) else { throw fail("no timestamp") }
        let time = String(decoding: bytes[..<firstSpace], as: UTF8.self)
        guard let nanos = CRITimestamp.parse(time) else { throw fail("bad timestamp") }
        let afterTime = firstSpace + 1
        guard let secondSpace = bytes[afterTime...].firstIndex(of: space) else { throw fail("no stream") }
        guard let stream = CRILogStream(rawValue: String(decoding: bytes[afterTime..<secondSpace], as: UTF8.self)) else {
            throw fail("stream is not stdout or stderr")
        }
        let afterStream = secondSpace + 1
        let tagEnd = bytes[afterStream...].firstIndex(of: space) ?? bytes.endIndex
        let tags = String(decoding: bytes[afterStream..<tagEnd], as: UTF8.self).split(separator: ":")
        guard let first = tags.first, first == "F" || first == "P" else { throw fail("tag is not F or P") }
        let content = tagEnd < bytes.endIndex ? Data(bytes[(tagEnd + 1)...]) : Data()
        var result = CRILogLine(nanosecondsSinceEpoch: nanos, stream: stream, partial: first == "P", content: content)
        result.time = time
        return result
    }

    /// The line as the shim writes it, with the trailing newline.
    public func encoded() -> Data {
        var data = Data("\(time) \(stream.rawValue) \(partial ? "P" : "F") ".utf8)
        data.append(content)
        data.append(UInt8(ascii: "\n"))
        return data
    }
}

/// RFC 3339 timestamps with nanoseconds, exact to the nanosecond.
public enum CRITimestamp {
    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)` into nanoseconds since the epoch.
    public static func parse(_ text: String) -> Int64? {
        let b = Array(text.utf8)
        guard b.count >= 20 else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for i in range {
                guard b[i] >= 48, b[i] <= 57 else { return nil }
                value = value * 10 + Int64(b[i] - 48)
            }
            return value
        }
        guard b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t"),
            b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
            let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
            (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var nanos: Int64 = 0
        if b[index] == UInt8(ascii: ".") {
            index += 1
            var digits = 0
            while index < b.count, b[index] >= 48, b[index] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int64(b[index] - 48) }
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            for _ in digits..<max(digits, 9) { nanos *= 10 }
        }
        guard index < b.count else { return nil }
        var offsetSeconds: Int64 = 0
        if b[index] == UInt8(ascii: "Z") || b[index] == UInt8(ascii: "z") {
            guard index + 1 == b.count else { return nil }
        } else {
            guard index + 6 == b.count, b[index] == UInt8(ascii: "+") || b[index] == UInt8(ascii: "-"),
                b[index + 3] == UInt8(ascii: ":"),
                let hours = number(index + 1..<index + 3), let minutes = number(index + 4..<index + 6)
            else { return nil }
            offsetSeconds = (hours * 3600 + minutes * 60) * (b[index] == UInt8(ascii: "-") ? -1 : 1)
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offsetSeconds
        return seconds * 1_000_000_000 + nanos
    }

    /// Go's `time.RFC3339Nano` in UTC: trailing zeros of the fraction dropped, "Z".
    public static func format(_ nanosecondsSinceEpoch: Int64) -> String {
        var seconds = nanosecondsSinceEpoch / 1_000_000_000
        var nanos = nanosecondsSinceEpoch % 1_000_000_000
        if nanos < 0 { nanos += 1_000_000_000; seconds -= 1 }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 { secondOfDay += 86_400; days -= 1 }
        let (year, month, day) = civilFromDays(days)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var text = "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T"
            + "\(pad(secondOfDay / 3600, 2)):\(pad(secondOfDay / 60 % 60, 2)):\(pad(secondOfDay % 60, 2))"
        if nanos != 0 {
            var fraction = pad(nanos, 9)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    public static func nanoseconds(_ date: Date) -> Int64 {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        let fraction = date.timeIntervalSince1970 - seconds
        return Int64(seconds) * 1_000_000_000 + Int64((fraction * 1e9).rounded())
    }

    public static func date(_ nanoseconds: Int64) -> Date {
        let seconds = nanoseconds / 1_000_000_000
        let remainder = nanoseconds - seconds * 1_000_000_000
        return Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(remainder) / 1e9)
    }

    /// Howard Hinnant's days_from_civil.
    static func daysFromCivil(year: Int64, month: Int64, day: Int64) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
