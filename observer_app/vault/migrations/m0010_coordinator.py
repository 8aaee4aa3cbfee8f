"""Schema 10: what the coordinator's views need (issue 17): annotations, verification marks,
published results, and indexes for reading every observer's records of one station.

Annotations and "verified" marks are the coordinator's own signed events (`annotation.set`,
`protocol.verified`, projector in `projection/coordinator.py`): they sit beside the observers'
records, never in them, so an observer's signed incident stays exactly what the observer wrote.
The published result of the commission (`protocol.published`) is kept like an observer's
protocol copy: every value, and the latest per field. The station indexes serve the merged views
(`protocol compare`, `checklist show`, `summary`), which read all feeds of one station code.
"""

SQL = """
CREATE TABLE annotations (
    feed TEXT NOT NULL,
    target TEXT NOT NULL,
    status TEXT NOT NULL,
    follow_up TEXT NOT NULL,
    note TEXT,
    time_utc TEXT NOT NULL,
    seq INTEGER NOT NULL,
    PRIMARY KEY (target, feed)
);
CREATE TABLE figure_marks (
    feed TEXT NOT NULL,
    observer TEXT NOT NULL,
    station TEXT NOT NULL,
    field TEXT NOT NULL,
    verified INTEGER NOT NULL,
    time_utc TEXT NOT NULL,
    PRIMARY KEY (observer, station, field, feed)
);
CREATE INDEX figure_marks_station ON figure_marks (station);
CREATE TABLE published_values (
    record TEXT NOT NULL,
    feed TEXT NOT NULL,
    station TEXT NOT NULL,
    field TEXT NOT NULL,
    value INTEGER NOT NULL,
    source TEXT NOT NULL,
    time_utc TEXT NOT NULL,
    PRIMARY KEY (record, field)
);
CREATE TABLE published_figures (
    station TEXT NOT NULL,
    field TEXT NOT NULL,
    value INTEGER NOT NULL,
    feed TEXT NOT NULL,
    record TEXT NOT NULL,
    time_utc TEXT NOT NULL,
    PRIMARY KEY (station, field)
);
CREATE INDEX protocol_figures_station ON protocol_figures (station, feed, field);
CREATE INDEX checklist_answers_station ON checklist_answers (station, feed, item);
CREATE INDEX visits_feed_station ON visits (feed, station)
"""
