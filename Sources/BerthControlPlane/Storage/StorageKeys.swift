import Foundation

/// Key comparisons in UTF-8 byte order, the order SQLite's BINARY collation uses, so that both
/// backends sort and match keys the same way. (Swift's `String` comparison and `hasPrefix`
/// work on Unicode canonical equivalence, which is not the same order for non-ASCII keys.)
enum StorageKeys {
    static func hasPrefix(_ key: String, _ prefix: String) -> Bool {
        key.utf8.starts(with: prefix.utf8)
    }

    static func precedes(_ a: String, _ b: String) -> Bool {
        // memcmp over the contiguous UTF-8: the generic `lexicographicallyPrecedes` is ~50x
        // slower in debug builds, where the tests sort thousands of keys.
        var a = a, b = b
        return a.withUTF8 { left in
            b.withUTF8 { right in
                let common = min(left.count, right.count)
                if common > 0, let l = left.baseAddress, let r = right.baseAddress {
                    let order = memcmp(l, r, common)
                    if order != 0 { return order < 0 }
                }
                return left.count < right.count
            }
        }
    }

    /// The smallest byte string greater than every string that starts with `prefix`, for a
    /// range scan `key >= prefix AND key < end`; nil when there is none (empty prefix, or one
    /// made only of 0xFF bytes), meaning "no upper bound". The result need not be valid UTF-8,
    /// so it is a blob, not a String.
    static func rangeEnd(ofPrefix prefix: String) -> Data? {
        var bytes = Array(prefix.utf8)
        while let last = bytes.last {
            if last < 0xFF {
                bytes[bytes.count - 1] = last + 1
                return Data(bytes)
            }
            bytes.removeLast()
        }
        return nil
    }
}
