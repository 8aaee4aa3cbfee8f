"""Schema 5: the station an event names, as a plain column instead of a JSON expression index.

Migration 2 indexed `json_extract(payload, '$.body.station')` for `log --station`. Evaluating
that expression parses every event's JSON on insert, which costs ~9% of a bundle import once
SQLCipher's memory security makes every allocation expensive; the column is set from the
already-parsed event instead. `journal verify` checks that it matches the signed body.
"""

SQL = """
ALTER TABLE events ADD COLUMN station TEXT;
UPDATE events SET station = json_extract(CAST(payload AS TEXT), '$.body.station')
    WHERE json_type(CAST(payload AS TEXT), '$.body.station') = 'text';
DROP INDEX events_body_station;
CREATE INDEX events_station ON events (station)
"""
