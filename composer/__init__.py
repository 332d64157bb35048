"""composer: turn news articles into newsletters, social posts and embeds."""

__version__ = "0.1.0"
