import GRDB

/// The SQLite schema, as versioned GRDB migrations.
///
/// Written as plain SQL, not with GRDB's schema builder, so that the PostgreSQL twin is a transliteration:
///
/// | here (SQLite) | PostgreSQL | why |
/// |---|---|---|
/// | `TEXT` ids, codes | `text` | |
/// | `TEXT` `YYYY-MM-DD` (`*_on`) | `date` | sorts and compares as a date in both |
/// | `TEXT` `YYYY-MM-DD HH:MM:SS.SSS` UTC (`*_at` written from `Date`) | `timestamptz` | GRDB's `Date` encoding; sorts as time |
/// | `received_at` `TEXT` RFC 3339 | `text` | kept exactly as the receipt states it (with its +08:00) |
/// | `INTEGER` 0/1 booleans | `boolean` | |
/// | `TEXT` JSON (`*_json`) | `text`, not `jsonb` | receipts are hashed and resent byte for byte; `jsonb` reorders keys |
/// | `BLOB` (trace, body chunks) | `bytea` | body chunks as rows rather than large objects: same code path, vacuumable |
/// | `INTEGER PRIMARY KEY AUTOINCREMENT` | `bigint GENERATED ALWAYS AS IDENTITY` | never reused |
/// | `credit_feed.seq`, `audit_link.seq` | `bigint`, assigned under a transaction advisory lock | see `SQLiteGatewayStore+Feed.swift` |
///
/// Record versions are keyed `(id, version)`: the primary key is what makes two nodes that race to create the
/// same version collide instead of both succeeding.
enum SQLiteSchema {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1 batches, versions, outbox, feed, audit chain") { db in
            try db.execute(sql: v1)
        }
        migrator.registerMigration(v2Identifier) { db in
            try db.execute(sql: v2)
        }
        return migrator
    }

    /// v1 indexed the outbox twice on `(destination, record_id, version)`: by `outbox_record` and by the prefix of
    /// the `UNIQUE (destination, record_id, version, operation)` key, which serves the same lookups. Every outbox
    /// insert (one or two per record of every batch) paid for both B-trees.
    static let v2Identifier = "v2 outbox: the unique key serves record lookups (drop outbox_record)"
    static let v2 = "DROP INDEX IF EXISTS outbox_record"

    static let v1 = """
        CREATE TABLE batch (
            id               TEXT    NOT NULL PRIMARY KEY,
            source_system    TEXT    NOT NULL,
            batch_number     TEXT,
            batch_key        TEXT    NOT NULL,
            body_sha256      TEXT    NOT NULL,
            body_size        INTEGER NOT NULL,
            body_chunk_count INTEGER NOT NULL,
            received_at      TEXT    NOT NULL,
            received_on      TEXT    NOT NULL,
            mapping_version  TEXT    NOT NULL,
            receipt_json     TEXT    NOT NULL,
            committed_at     TEXT    NOT NULL,
            UNIQUE (source_system, batch_key)
        );

        -- The raw body in fixed-size chunks, written and read one chunk at a time.
        CREATE TABLE batch_body_chunk (
            batch_id    TEXT    NOT NULL REFERENCES batch(id),
            chunk_index INTEGER NOT NULL,
            bytes       BLOB    NOT NULL,
            PRIMARY KEY (batch_id, chunk_index)
        );

        CREATE TABLE hub_record_version (
            record_id        TEXT    NOT NULL,
            version          INTEGER NOT NULL CHECK (version >= 1),
            action           TEXT    NOT NULL CHECK (action IN ('publish', 'correct', 'withdraw')),
            content_hash     TEXT    NOT NULL,
            batch_id         TEXT    NOT NULL REFERENCES batch(id),
            source_system    TEXT    NOT NULL,
            source_record_id TEXT    NOT NULL,
            received_at      TEXT    NOT NULL,
            received_on      TEXT    NOT NULL,
            mapping_version  TEXT    NOT NULL,
            record_json      TEXT    NOT NULL,
            trace            BLOB    NOT NULL,
            remapped_at      TEXT,
            -- Copied out of the JSON for the timeliness report.
            responsible_name TEXT    NOT NULL,
            responsible_uscc TEXT,
            domain           TEXT    NOT NULL,
            item_type        TEXT    NOT NULL,
            region_code      TEXT    NOT NULL,
            formed_on        TEXT    NOT NULL,
            due_on           TEXT    NOT NULL,
            published_on     TEXT,
            late             INTEGER NOT NULL CHECK (late IN (0, 1)),
            PRIMARY KEY (record_id, version)
        );
        CREATE INDEX hub_record_version_batch ON hub_record_version (batch_id);
        CREATE INDEX hub_record_version_first_formed ON hub_record_version (formed_on) WHERE version = 1;
        CREATE INDEX hub_record_version_first_due ON hub_record_version (due_on) WHERE version = 1;

        CREATE TABLE credit_record_version (
            credit_record_id           TEXT    NOT NULL,
            version                    INTEGER NOT NULL CHECK (version >= 1),
            action                     TEXT    NOT NULL CHECK (action IN ('publish', 'correct', 'withdraw')),
            content_hash               TEXT    NOT NULL,
            hub_record_id              TEXT    NOT NULL,
            batch_id                   TEXT    NOT NULL REFERENCES batch(id),
            source_system              TEXT    NOT NULL,
            source_record_id           TEXT    NOT NULL,
            received_at                TEXT    NOT NULL,
            mapping_version            TEXT    NOT NULL,
            publish_on_credit_zhejiang INTEGER NOT NULL CHECK (publish_on_credit_zhejiang IN (0, 1)),
            publicity_ends_on          TEXT,
            record_json                TEXT    NOT NULL,
            trace                      BLOB    NOT NULL,
            remapped_at                TEXT,
            PRIMARY KEY (credit_record_id, version)
        );
        CREATE INDEX credit_record_version_hub ON credit_record_version (hub_record_id);
        CREATE INDEX credit_record_version_batch ON credit_record_version (batch_id);
        CREATE INDEX credit_record_version_publicity ON credit_record_version (publicity_ends_on);

        -- Every credit record version in commit order: seq is assigned inside the (serialized) write transaction.
        CREATE TABLE credit_feed (
            seq              INTEGER PRIMARY KEY AUTOINCREMENT,
            credit_record_id TEXT    NOT NULL,
            version          INTEGER NOT NULL,
            UNIQUE (credit_record_id, version),
            FOREIGN KEY (credit_record_id, version) REFERENCES credit_record_version (credit_record_id, version)
        );

        -- The payload is the record version (record_id, version) of the destination's kind: hub_record_version for
        -- 'hub', credit_record_version for 'publisher'; read at claim time, so a re-mapped payload is what is sent.
        CREATE TABLE outbox (
            id               INTEGER PRIMARY KEY AUTOINCREMENT,
            destination      TEXT    NOT NULL CHECK (destination IN ('hub', 'publisher')),
            record_id        TEXT    NOT NULL,
            version          INTEGER NOT NULL,
            operation        TEXT    NOT NULL CHECK (operation IN ('upsert', 'put', 'delete')),
            batch_id         TEXT    REFERENCES batch(id),
            source_system    TEXT    NOT NULL,
            state            TEXT    NOT NULL CHECK (state IN ('pending', 'inflight', 'delivered', 'dead')),
            attempts         INTEGER NOT NULL DEFAULT 0,
            next_attempt_at  TEXT    NOT NULL,
            lease_owner      TEXT,
            lease_expires_at TEXT,
            last_error       TEXT,
            created_at       TEXT    NOT NULL,
            delivered_at     TEXT,
            dead_reason      TEXT,
            dead_at          TEXT,
            takedown_reason  TEXT,
            UNIQUE (destination, record_id, version, operation)
        );
        CREATE INDEX outbox_claim ON outbox (destination, state, next_attempt_at);
        CREATE INDEX outbox_record ON outbox (destination, record_id, version);
        CREATE INDEX outbox_batch ON outbox (batch_id);
        CREATE INDEX outbox_dead ON outbox (dead_at) WHERE state = 'dead';

        -- One link per committed batch, in commit order.
        CREATE TABLE audit_link (
            seq                INTEGER PRIMARY KEY AUTOINCREMENT,
            batch_id           TEXT    NOT NULL UNIQUE REFERENCES batch(id),
            previous_link_hash TEXT    NOT NULL,
            body_sha256        TEXT    NOT NULL,
            receipt_sha256     TEXT    NOT NULL,
            link_hash          TEXT    NOT NULL
        );
        """
}
