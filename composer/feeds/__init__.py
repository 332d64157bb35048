"""Followed feeds: what was seen, when a feed is due, a digest of only the new entries.

Reading a feed and its entries' pages is ingest's job (``composer.ingest.feed``,
``composer.ingest.entries``); this package sits above the pipeline and delivery because a run
composes an item and may send it. ``state`` is the SQLite memory, ``cadence`` the schedule,
``select`` the pure choice of what is new, ``digest`` the shared entries-to-item step and
``run`` one run and the worker's pass.
"""
