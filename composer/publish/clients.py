"""The client for a network, built from settings; a network without credentials is refused here.

The Bluesky client is imported only when Bluesky is used: it is the one client with a session
to open (an app password exchanged for tokens), and the others must not pay for it.
"""

from __future__ import annotations

from typing import Any

from composer.publish.base import Client, PublishError

NETWORKS = ("bluesky", "mastodon", "x")


def configured(settings: Any) -> dict[str, bool]:
    """Which networks have credentials (the preview shows a Publish button for these)."""
    return {
        "bluesky": bool(settings.bluesky_handle and settings.bluesky_app_password),
        "mastodon": bool(settings.mastodon_url and settings.mastodon_token),
        "x": bool(settings.x_bearer_token or (settings.x_consumer_key and settings.x_consumer_secret
                                              and settings.x_access_token and settings.x_access_token_secret)),
    }


def client_for(network: str, settings: Any) -> Client:
    """A client for ``network`` with the account of ``settings``; :class:`PublishError` when it is not set up."""
    if network not in NETWORKS:
        raise PublishError(f"unknown network {network!r}: choose {', '.join(NETWORKS)}")
    if not configured(settings)[network]:
        need = {"bluesky": "BLUESKY_HANDLE and BLUESKY_APP_PASSWORD", "mastodon": "MASTODON_URL and MASTODON_TOKEN",
                "x": "X_CONSUMER_KEY, X_CONSUMER_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET (or X_BEARER_TOKEN)"}
        raise PublishError(f"{network} is not set up: set {need[network]} in .env (see .env.example)")
    timeout = settings.publish_timeout
    if network == "mastodon":
        from composer.publish.mastodon import MastodonClient

        return MastodonClient(settings.mastodon_url, settings.mastodon_token.reveal(),
                              visibility=settings.mastodon_visibility, timeout=timeout)
    if network == "x":
        from composer.publish.x import XClient

        return XClient(settings.x_api_url, consumer_key=settings.x_consumer_key.reveal(),
                       consumer_secret=settings.x_consumer_secret.reveal(),
                       access_token=settings.x_access_token.reveal(),
                       access_token_secret=settings.x_access_token_secret.reveal(),
                       bearer_token=settings.x_bearer_token.reveal(), user_id=settings.x_user_id or "",
                       timeout=timeout)
    from composer.publish.bluesky import BlueskyClient

    return BlueskyClient(settings.bluesky_service, settings.bluesky_handle or "",
                         settings.bluesky_app_password.reveal(), timeout=timeout)
