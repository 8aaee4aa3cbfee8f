"""Schema 3: media items, their links and consent (projections) and the blob key store."""

SQL = """
CREATE TABLE blobs (
    sha256 TEXT PRIMARY KEY,
    file TEXT NOT NULL UNIQUE,
    key BLOB NOT NULL,
    size INTEGER NOT NULL,
    thumb_file TEXT,
    thumb_key BLOB
);
CREATE TABLE media (
    id TEXT PRIMARY KEY,
    feed TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    mime TEXT NOT NULL,
    kind TEXT NOT NULL,
    original_name TEXT NOT NULL,
    capture_time TEXT,
    camera_make TEXT,
    camera_model TEXT,
    gps_lat_microdeg INTEGER,
    gps_lon_microdeg INTEGER,
    width INTEGER,
    height INTEGER,
    orientation INTEGER,
    duration_ms INTEGER,
    decode_error TEXT,
    consent TEXT NOT NULL,
    consent_note TEXT,
    derived_from TEXT,
    redaction TEXT,
    purged INTEGER NOT NULL DEFAULT 0,
    purge_reason TEXT,
    time_utc TEXT NOT NULL,
    tz TEXT NOT NULL
);
CREATE INDEX media_sha256 ON media (sha256);
CREATE INDEX media_derived ON media (derived_from);
CREATE TABLE media_links (
    media_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    PRIMARY KEY (media_id, kind, ref)
);
CREATE INDEX media_links_ref ON media_links (kind, ref)
"""
