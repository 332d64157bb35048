"""The social product: one table of networks and how each counts a post (``networks``, with X's
weighted counting in ``xcount``), and the posts and threads written to fit them (``posts``).

Nothing here knows about email; the newsletter and the posts only meet in the pipeline.
"""
