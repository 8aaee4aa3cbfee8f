"""Schema 11: indexes for the timeline's filters and the coordinator's summary (issues 12, 17).

The page cache of a connection holds about 2 MB (less under a locked-memory budget), and every
page read past it is decrypted again by SQLCipher. The indexes of `events` carry the timeline key,
whose 64-character feed makes an entry ~150 bytes: looking up the events of thousands of incidents
(`log --category`, `--severity`) in `events_record` read pages at random out of ~15 MB, 50-230 ms
at 100,000 events. `events_incident_record` holds only the record id and type of incident events
(no timeline key, and only those events), so that the counts' lookups stay in the cache (named by
`timeline_count`: the planner prefers `events_record`); pages walk `events_time` instead.
`incidents_category_severity` answers both terms together from the index, where the category
index alone read every incident row of the category to test its severity. `incidents_live`
gives `summary` its counts by category, severity and region in one pass over the live incidents'
index entries (three scans of the incident rows, with their texts, took a second at 100,000).
`notes_station_id` gives the station filter the ids of a station's notes from the index (the
station index alone read every such note's row, with its text: 15 -> 5 ms for the page's SQL).
"""

SQL = """
CREATE INDEX events_incident_record ON events (record, type)
    WHERE type IN ('incident.added', 'incident.amended', 'incident.voided', 'annotation.set');
CREATE INDEX incidents_category_severity ON incidents (category, severity, occurred_utc, id);
CREATE INDEX incidents_live ON incidents (category, severity, station) WHERE voided = 0;
CREATE INDEX notes_station_id ON notes (station, id)
"""
