"""Publishing an item's posts to the networks (Bluesky, Mastodon, X), durably and never twice.

:mod:`composer.publish.base` is the contract between the publishing state machine and each
network's client; the clients speak their network's HTTP API and nothing else.
"""
