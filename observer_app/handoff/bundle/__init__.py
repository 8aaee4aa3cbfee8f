"""A bundle as evidence: its manifest, the export and import of a feed, receipts and status.

`exporter` writes what the pinned coordinator has not acknowledged; `importer` verifies and
commits a bundle whole or refuses it (`refusals`, `fork_alerts`), its media staged by
`media_staging`; `receipts` close the loop and `status` says what still waits.
"""
