"""Schema 15: each media link holds the station of what it links to, kept as that record moves.

The gallery's station filter takes media linked to the station itself (or its protocol) and to
any incident or checklist answer made there. Answered by joining, it looked up every incident
of the station in the links' index (1,045 probes for one station of a 100,000-event vault),
reading pages outside the page cache: 17-21 ms for a page of 100 photos. `station` is the
station code for a station or protocol link, the linked incident's or answer's station for
theirs (NULL while that record is unknown), and `media_links_station` answers the filter from a
few index entries. The table is written again through a copy (`ALTER TABLE ... ADD COLUMN`
parses every trigger of the schema again: 34 ms even for an empty vault). The projections keep
`station` (`projection.media.link_station`, and the incident and answer projectors when their
record arrives or moves); this fill is this migration's own copy of that rule.
"""

SQL = """
CREATE TABLE media_links_copy (media_id TEXT, kind TEXT, ref TEXT, station TEXT);
INSERT INTO media_links_copy
SELECT media_id, kind, ref, CASE
    WHEN kind = 'station' OR kind = 'protocol' THEN ref
    WHEN kind = 'incident' THEN (SELECT station FROM incidents WHERE id = media_links.ref)
    WHEN kind = 'answer' THEN (SELECT station FROM checklist_answers WHERE id = media_links.ref)
END FROM media_links ORDER BY rowid;
DROP TABLE media_links;
CREATE TABLE media_links (
    media_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    ref TEXT NOT NULL,
    station TEXT,
    PRIMARY KEY (media_id, kind, ref)
);
INSERT INTO media_links (media_id, kind, ref, station)
SELECT media_id, kind, ref, station FROM media_links_copy ORDER BY rowid;
DROP TABLE media_links_copy;
CREATE INDEX media_links_ref ON media_links (kind, ref);
CREATE INDEX media_links_station ON media_links (station, media_id) WHERE station IS NOT NULL
"""
