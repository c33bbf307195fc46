import Foundation
import PostgresNIO

/// The PostgreSQL schema, as versioned migrations: the twin of `SQLiteSchema`, migration for migration, with the
/// types its table lists (`date`, `timestamptz`, `boolean`, `bytea`, JSON as `text`, identity columns).
///
/// Applied migrations are recorded in `schema_migrations` by identifier (SQLite's are in GRDB's
/// `grdb_migrations`, with the same identifiers). Nodes starting together migrate under an advisory lock, in one
/// transaction: one of them migrates, the others then find the migrations recorded. A database that records a
/// migration this build does not know was migrated by a newer gateway, and is refused rather than misread.
enum PostgresSchema {
    struct Migration {
        var identifier: String
        /// One statement per element: the extended query protocol runs one statement at a time.
        var statements: [String]
    }

    static let migrations = [
        Migration(identifier: "v1 batches, versions, outbox, feed, audit chain", statements: v1),
        // As in SQLite: the unique key's prefix serves the lookups `outbox_record` was made for.
        Migration(identifier: SQLiteSchema.v2Identifier, statements: [SQLiteSchema.v2]),
    ]

    static func migrate(_ session: PostgresSession) async throws {
        try await session.execute("BEGIN")
        do {
            try await session.execute("SELECT pg_advisory_xact_lock(\(PostgresLocks.namespace)::int4, \(PostgresLocks.migration)::int4)")
            try await session.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    identifier text        NOT NULL PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            var applied = Set<String>()
            for row in try await session.all("SELECT identifier FROM schema_migrations") {
                applied.insert(try row("identifier", as: String.self))
            }
            let known = Set(migrations.map(\.identifier))
            if let unknown = applied.subtracting(known).sorted().first {
                throw StoreError(
                    .database, "The PostgreSQL database was migrated by a newer gateway; this one does not know its schema.",
                    context: ["migration": unknown])
            }
            for migration in migrations where !applied.contains(migration.identifier) {
                for statement in migration.statements {
                    try await session.execute(PostgresQuery(unsafeSQL: statement))
                }
                try await session.execute("INSERT INTO schema_migrations (identifier) VALUES (\(migration.identifier))")
            }
            try await session.execute("COMMIT")
        } catch {
            try? await session.execute("ROLLBACK")
            throw error
        }
    }

    static let v1 = [
        """
        CREATE TABLE batch (
            id               text        NOT NULL PRIMARY KEY,
            source_system    text        NOT NULL,
            batch_number     text,
            batch_key        text        NOT NULL,
            body_sha256      text        NOT NULL,
            body_size        bigint      NOT NULL,
            body_chunk_count integer     NOT NULL,
            received_at      text        NOT NULL,
            received_on      date        NOT NULL,
            mapping_version  text        NOT NULL,
            receipt_json     text        NOT NULL,
            committed_at     timestamptz NOT NULL,
            -- Two nodes inserting the same resend collide here; the loser retries and answers with the first receipt.
            CONSTRAINT batch_key_unique UNIQUE (source_system, batch_key)
        )
        """,
        """
        -- The raw body in fixed-size chunks, written and read one chunk at a time.
        CREATE TABLE batch_body_chunk (
            batch_id    text    NOT NULL REFERENCES batch(id),
            chunk_index integer NOT NULL,
            bytes       bytea   NOT NULL,
            PRIMARY KEY (batch_id, chunk_index)
        )
        """,
        """
        CREATE TABLE hub_record_version (
            record_id        text        NOT NULL,
            version          integer     NOT NULL CHECK (version >= 1),
            action           text        NOT NULL CHECK (action IN ('publish', 'correct', 'withdraw')),
            content_hash     text        NOT NULL,
            batch_id         text        NOT NULL REFERENCES batch(id),
            source_system    text        NOT NULL,
            source_record_id text        NOT NULL,
            received_at      text        NOT NULL,
            received_on      date        NOT NULL,
            mapping_version  text        NOT NULL,
            record_json      text        NOT NULL,
            trace            bytea       NOT NULL,
            remapped_at      timestamptz,
            -- Copied out of the JSON for the timeliness report.
            responsible_name text        NOT NULL,
            responsible_uscc text,
            domain           text        NOT NULL,
            item_type        text        NOT NULL,
            region_code      text        NOT NULL,
            formed_on        date        NOT NULL,
            due_on           date        NOT NULL,
            published_on     date,
            late             boolean     NOT NULL,
            -- Insertion order, which SQLite has as its rowid: a batch lists its hub versions in batch order.
            row_seq          bigint      GENERATED ALWAYS AS IDENTITY,
            PRIMARY KEY (record_id, version)
        )
        """,
        "CREATE INDEX hub_record_version_batch ON hub_record_version (batch_id, row_seq)",
        "CREATE INDEX hub_record_version_first_formed ON hub_record_version (formed_on) WHERE version = 1",
        "CREATE INDEX hub_record_version_first_due ON hub_record_version (due_on) WHERE version = 1",
        """
        CREATE TABLE credit_record_version (
            credit_record_id           text        NOT NULL,
            version                    integer     NOT NULL CHECK (version >= 1),
            action                     text        NOT NULL CHECK (action IN ('publish', 'correct', 'withdraw')),
            content_hash               text        NOT NULL,
            hub_record_id              text        NOT NULL,
            batch_id                   text        NOT NULL REFERENCES batch(id),
            source_system              text        NOT NULL,
            source_record_id           text        NOT NULL,
            received_at                text        NOT NULL,
            mapping_version            text        NOT NULL,
            publish_on_credit_zhejiang boolean     NOT NULL,
            publicity_ends_on          date,
            record_json                text        NOT NULL,
            trace                      bytea       NOT NULL,
            remapped_at                timestamptz,
            PRIMARY KEY (credit_record_id, version)
        )
        """,
        "CREATE INDEX credit_record_version_hub ON credit_record_version (hub_record_id)",
        "CREATE INDEX credit_record_version_batch ON credit_record_version (batch_id)",
        "CREATE INDEX credit_record_version_publicity ON credit_record_version (publicity_ends_on)",
        """
        -- Every credit record version in commit order. seq is not a sequence: it is assigned as max + 1 under the
        -- feed advisory lock at the end of the commit transaction (see PostgresGatewayStore+Feed.swift).
        CREATE TABLE credit_feed (
            seq              bigint  NOT NULL PRIMARY KEY,
            credit_record_id text    NOT NULL,
            version          integer NOT NULL,
            UNIQUE (credit_record_id, version),
            FOREIGN KEY (credit_record_id, version) REFERENCES credit_record_version (credit_record_id, version)
        )
        """,
        """
        -- The payload is the record version (record_id, version) of the destination's kind: hub_record_version for
        -- 'hub', credit_record_version for 'publisher'; read at claim time, so a re-mapped payload is what is sent.
        CREATE TABLE outbox (
            id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            destination      text        NOT NULL CHECK (destination IN ('hub', 'publisher')),
            record_id        text        NOT NULL,
            version          integer     NOT NULL,
            operation        text        NOT NULL CHECK (operation IN ('upsert', 'put', 'delete')),
            batch_id         text        REFERENCES batch(id),
            source_system    text        NOT NULL,
            state            text        NOT NULL CHECK (state IN ('pending', 'inflight', 'delivered', 'dead')),
            attempts         integer     NOT NULL DEFAULT 0,
            next_attempt_at  timestamptz NOT NULL,
            lease_owner      text,
            lease_expires_at timestamptz,
            last_error       text,
            created_at       timestamptz NOT NULL,
            delivered_at     timestamptz,
            dead_reason      text,
            dead_at          timestamptz,
            takedown_reason  text,
            UNIQUE (destination, record_id, version, operation)
        )
        """,
        // Claims scan the open entries of a destination in id order; delivered ones, the bulk, stay out of it.
        "CREATE INDEX outbox_claim ON outbox (destination, id) WHERE state IN ('pending', 'inflight')",
        // The ordering predicate: is an earlier entry of the same record still open?
        "CREATE INDEX outbox_open_record ON outbox (destination, record_id, version) WHERE state IN ('pending', 'inflight')",
        "CREATE INDEX outbox_record ON outbox (destination, record_id, version)",
        "CREATE INDEX outbox_batch ON outbox (batch_id)",
        "CREATE INDEX outbox_dead ON outbox (dead_at) WHERE state = 'dead'",
        """
        -- One link per committed batch, in commit order; seq is assigned under the feed advisory lock too.
        CREATE TABLE audit_link (
            seq                bigint NOT NULL PRIMARY KEY,
            batch_id           text   NOT NULL UNIQUE REFERENCES batch(id),
            previous_link_hash text   NOT NULL,
            body_sha256        text   NOT NULL,
            receipt_sha256     text   NOT NULL,
            link_hash          text   NOT NULL
        )
        """,
    ]
}
