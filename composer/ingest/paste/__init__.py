"""Building blocks of the pasted-text reader (:mod:`composer.ingest.text`).

``lines`` turns a paste into lines with features, ``lexicon`` holds the word lists in the
supported languages, ``body`` finds the article body, ``meta`` recognises bylines, dates and
photo credits.
"""
