"""Schema 6: the tables hold only events that are valid as data.

Versions before 6 checked imported events for signature and chain but not as data (issue 10), so
a vault could hold, for example, a visit whose time does not parse, and every view that read it
failed. Nothing in the table layout changes; the upgrade rebuilds every projection from the
journal with today's event schemas, so such events are left out of the tables (and named by
`journal verify`) instead of breaking the views.
"""

SQL = ""
REBUILD_PROJECTIONS = True
