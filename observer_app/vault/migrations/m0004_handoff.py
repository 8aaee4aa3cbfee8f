"""Schema 4: USB handoff — enrollment, pinned coordinators, receipts, received bundles, forks.

Every table is a projection of journal events (`vault/projection/enrollment.py` and
`handoff.py`) keyed by the feed that wrote the event, so that a coordinator's vault can hold an
observer's own pins and acknowledgements beside its own enrollments without mixing them up.
The one exception is `fork_alerts`: storage, not a projection. A fork is evidence of a copied or
compromised key found in a bundle that is otherwise refused; the alert must survive the rollback
of that bundle, so no event of any feed produces it.
"""

SQL = """
CREATE TABLE enrolled_observers (
    enroller TEXT NOT NULL,
    feed TEXT NOT NULL,
    name TEXT NOT NULL,
    accreditation TEXT,
    public_key BLOB NOT NULL,
    age_recipient TEXT NOT NULL,
    certificate BLOB NOT NULL,
    stations TEXT NOT NULL,
    mission TEXT,
    package_id TEXT NOT NULL,
    enrolled_utc TEXT NOT NULL,
    revoked INTEGER NOT NULL DEFAULT 0,
    revoked_reason TEXT,
    revoked_utc TEXT,
    PRIMARY KEY (enroller, feed)
);
CREATE TABLE coordinator_pins (
    feed TEXT NOT NULL,
    seq INTEGER NOT NULL,
    coordinator TEXT NOT NULL,
    coordinator_name TEXT NOT NULL,
    coordinator_public_key BLOB NOT NULL,
    coordinator_certificate BLOB NOT NULL,
    coordinator_age_recipient TEXT NOT NULL,
    organisation_ca BLOB NOT NULL,
    mission TEXT,
    stations TEXT NOT NULL,
    package_id TEXT NOT NULL,
    time_utc TEXT NOT NULL,
    PRIMARY KEY (feed, seq)
);
CREATE TABLE handoff_acknowledgements (
    feed TEXT NOT NULL,
    seq INTEGER NOT NULL,
    coordinator TEXT NOT NULL,
    receipt_id TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    up_to_seq INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    media_count INTEGER NOT NULL,
    issued_utc TEXT NOT NULL,
    time_utc TEXT NOT NULL,
    PRIMARY KEY (feed, seq)
);
CREATE INDEX handoff_acknowledgements_coordinator
    ON handoff_acknowledgements (feed, coordinator, up_to_seq);
CREATE TABLE acknowledged_media (
    feed TEXT NOT NULL,
    coordinator TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    PRIMARY KEY (feed, coordinator, sha256)
);
CREATE TABLE handoff_received (
    feed TEXT NOT NULL,
    seq INTEGER NOT NULL,
    author TEXT NOT NULL,
    bundle_id TEXT NOT NULL,
    from_seq INTEGER NOT NULL,
    to_seq INTEGER NOT NULL,
    head_hash TEXT NOT NULL,
    new_events INTEGER NOT NULL,
    media_count INTEGER NOT NULL,
    media_bytes INTEGER NOT NULL,
    receipt_id TEXT NOT NULL,
    time_utc TEXT NOT NULL,
    PRIMARY KEY (feed, seq)
);
CREATE INDEX handoff_received_author ON handoff_received (author, to_seq);
CREATE TABLE fork_alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    feed TEXT NOT NULL,
    seq INTEGER NOT NULL,
    held_hash TEXT NOT NULL,
    other_hash TEXT NOT NULL,
    other_payload BLOB NOT NULL,
    other_signature BLOB NOT NULL,
    bundle_id TEXT,
    detected_utc TEXT NOT NULL,
    UNIQUE (feed, seq, other_hash)
)
"""
