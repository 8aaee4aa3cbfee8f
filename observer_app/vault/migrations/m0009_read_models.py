"""Schema 9: what the paged read models need (issue 12): sort-order indexes and two columns.

Keyset pages (`WHERE key > cursor ORDER BY key LIMIT n`) need an index in each list's order:
the timeline by (time_utc, feed, seq), one feed's timeline by (feed, time_utc, seq), media by
(time_utc, id), incidents of a category or severity by (term, occurred_utc, id), stations by
their reader's order; a station's incidents, live and voided, are counted over (station,
voided). The two new columns of `events` are set from the parsed event on insert, like `station`
(migration 5), and checked against the signed body by `journal verify`:
`record`, the id the body creates (`id`) or else changes (`target`), joins an event to the
record it concerns, so that `log --category` is an index lookup instead of parsing JSON;
`phase`, the checklist phase the body names, serves the phase filter.
The event indexes end in the timeline's key (time_utc, feed, seq) and `events_time` also
holds `type`, `record` and `station`, so that a filter is decided and its matches put in order
from index entries alone: reading a row of `events` means reading its signed payload, pages
that SQLCipher must decrypt, and a filter that touched every row cost a second at 100,000
events. The voided records have partial indexes, so "voided only" does not scan the incidents
and notes.
"""

SQL = """
ALTER TABLE events ADD COLUMN record TEXT;
ALTER TABLE events ADD COLUMN phase TEXT;
UPDATE events SET
    record = coalesce(
        CASE WHEN json_type(CAST(payload AS TEXT), '$.body.id') = 'text'
            THEN json_extract(CAST(payload AS TEXT), '$.body.id') END,
        CASE WHEN json_type(CAST(payload AS TEXT), '$.body.target') = 'text'
            THEN json_extract(CAST(payload AS TEXT), '$.body.target') END),
    phase = CASE WHEN json_type(CAST(payload AS TEXT), '$.body.phase') = 'text'
        THEN json_extract(CAST(payload AS TEXT), '$.body.phase') END;
CREATE INDEX events_time ON events (time_utc, feed, seq, type, record, station);
CREATE INDEX events_feed_time ON events (feed, time_utc, seq);
CREATE INDEX events_record ON events (record, type, time_utc, feed, seq) WHERE record IS NOT NULL;
CREATE INDEX events_phase ON events (phase, time_utc, feed, seq) WHERE phase IS NOT NULL;
DROP INDEX events_station;
CREATE INDEX events_station ON events (station, time_utc, feed, seq);
CREATE INDEX incidents_voided ON incidents (id) WHERE voided <> 0;
CREATE INDEX notes_voided ON notes (id) WHERE voided <> 0;
CREATE INDEX notes_station ON notes (station);
CREATE INDEX media_time ON media (time_utc, id);
DROP INDEX incidents_category;
CREATE INDEX incidents_category ON incidents (category, occurred_utc, id);
DROP INDEX incidents_severity;
CREATE INDEX incidents_severity ON incidents (severity, occurred_utc, id);
CREATE INDEX incidents_station_voided ON incidents (station, voided);
CREATE INDEX stations_order ON stations (number IS NULL, coalesce(number, 0), code, feed)
"""
