"""Schema 11: indexes small enough to stay in the page cache, for the timeline's filters (issue 12).

The page cache of a connection holds about 2 MB (less under a locked-memory budget), and every
page read past it is decrypted again by SQLCipher. The indexes of `events` carry the timeline key,
whose 64-character feed makes an entry ~150 bytes: looking up the events of thousands of incidents
(`log --category`, `--severity`) in `events_record` read pages at random out of ~15 MB, 50-230 ms
at 100,000 events. `events_incident_record` holds only the record id of incident events (a third
the size, and only those events), so that the same lookups stay in the cache; the timeline puts
the matches in key order from `events_time` only for the rows of one page.
`incidents_category_severity` answers both terms together from the index, where the category
index alone read every incident row of the category to test its severity.
"""

SQL = """
CREATE INDEX events_incident_record ON events (record, type)
    WHERE type IN ('incident.added', 'incident.amended', 'incident.voided', 'annotation.set');
CREATE INDEX incidents_category_severity ON incidents (category, severity, occurred_utc, id)
"""
