import Foundation
import GRDB

/// The tables of `SQLiteBackend` and the SQL over them.
///
/// Three tables rather than kine's single log table:
/// - `kv`: the current objects, one row per key, so `get` is a primary-key lookup and `list`
///   a range scan of the key index. (kine keeps only the log and finds the current row of a
///   key with `max(id) ... group by name`, the query it is known to be slow on.)
/// - `events`: the append-only change log that watches replay, one row per revision. Trimming
///   it to the history window is a `DELETE ... WHERE revision <= ?` on its primary key and
///   never touches the current objects.
/// - `meta`: one row with the global revision (kept apart from `events` because the log may
///   be trimmed empty) and the compacted revision (watches from before it get `compacted`).
/// The price is that a value within the window is stored twice, in `kv` and in `events`.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE kv (
                    key TEXT NOT NULL PRIMARY KEY,
                    value BLOB NOT NULL,
                    create_revision INTEGER NOT NULL,
                    mod_revision INTEGER NOT NULL
                );
                CREATE TABLE events (
                    revision INTEGER PRIMARY KEY,
                    type TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value BLOB NOT NULL
                );
                CREATE TABLE meta (
                    id INTEGER PRIMARY KEY CHECK (id = 1),
                    revision INTEGER NOT NULL,
                    compact_revision INTEGER NOT NULL
                );
                INSERT INTO meta (id, revision, compact_revision) VALUES (1, 0, 0);
                """)
        }
        return migrator
    }

    struct Meta {
        var revision: Int64
        var compactRevision: Int64
    }

    static func meta(_ db: Database) throws -> Meta {
        guard let row = try Row.fetchOne(db, sql: "SELECT revision, compact_revision FROM meta WHERE id = 1") else {
            throw StorageError.io("the store's meta row is missing")
        }
        return Meta(revision: row[0], compactRevision: row[1])
    }

    static func object(_ db: Database, key: String) throws -> StoredObject? {
        try Row.fetchOne(db, sql: "SELECT key, value, create_revision, mod_revision FROM kv WHERE key = ?", arguments: [key])
            .map(storedObject)
    }

    static func objects(_ db: Database, prefix: String) throws -> [StoredObject] {
        let (condition, arguments) = keyRange(prefix)
        return try Row.fetchAll(db, sql: "SELECT key, value, create_revision, mod_revision FROM kv WHERE \(condition) ORDER BY key",
                                arguments: arguments)
            .map(storedObject)
    }

    static func events(_ db: Database, prefix: String, after: Int64, upTo: Int64) throws -> [StorageEvent] {
        let (condition, keyArguments) = keyRange(prefix)
        var arguments: StatementArguments = [after, upTo]
        arguments += keyArguments
        return try Row.fetchAll(db, sql: "SELECT type, key, value, revision FROM events WHERE revision > ? AND revision <= ? AND \(condition) ORDER BY revision",
                                arguments: arguments)
            .map { row throws -> StorageEvent in
                let typeName: String = row[0]
                guard let type = StorageEventType(rawValue: typeName) else {
                    throw StorageError.io("event \(row[3] as Int64) has an unknown type \(typeName)")
                }
                return StorageEvent(type: type, key: row[1], value: row[2], revision: row[3])
            }
    }

    static func put(_ db: Database, _ object: StoredObject) throws {
        try db.execute(sql: """
            INSERT INTO kv (key, value, create_revision, mod_revision) VALUES (?, ?, ?, ?)
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, mod_revision = excluded.mod_revision
            """, arguments: [object.key, object.value, object.createRevision, object.modRevision])
    }

    static func remove(_ db: Database, key: String) throws {
        try db.execute(sql: "DELETE FROM kv WHERE key = ?", arguments: [key])
    }

    static func append(_ db: Database, _ event: StorageEvent) throws {
        try db.execute(sql: "INSERT INTO events (revision, type, key, value) VALUES (?, ?, ?, ?)",
                       arguments: [event.revision, event.type.rawValue, event.key, event.value])
    }

    static func setRevision(_ db: Database, _ revision: Int64) throws {
        try db.execute(sql: "UPDATE meta SET revision = ? WHERE id = 1", arguments: [revision])
    }

    /// Drops the events at or before `revision`; watches from before it get `compacted`.
    static func compact(_ db: Database, through revision: Int64) throws {
        try db.execute(sql: "DELETE FROM events WHERE revision <= ?", arguments: [revision])
        try db.execute(sql: "UPDATE meta SET compact_revision = ? WHERE id = 1", arguments: [revision])
    }

    /// `key` starts with `prefix`, as an index range rather than `LIKE` (which would need the
    /// prefix's `%` and `_` escaped and is case-insensitive for ASCII by default). The upper
    /// bound is the prefix's byte successor; it may not be valid UTF-8, so it goes in as a
    /// blob and is cast to text, which compares bytewise under the BINARY collation.
    private static func keyRange(_ prefix: String) -> (String, StatementArguments) {
        guard !prefix.isEmpty else { return ("1", []) }
        guard let end = StorageKeys.rangeEnd(ofPrefix: prefix) else { return ("key >= ?", [prefix]) }
        return ("key >= ? AND key < CAST(? AS TEXT)", [prefix, end])
    }

    private static func storedObject(_ row: Row) -> StoredObject {
        StoredObject(key: row[0], value: row[1], createRevision: row[2], modRevision: row[3])
    }
}
