"""The email product: an issue rendered Jinja2 → MJML → HTML with its text part (``render``), the
MIME message and its headers (``message``), the per-reader skeleton that ``send`` fills without
re-rendering (``personalize``, ``merge``), signed unsubscribe links (``unsubscribe``), the
template's own words in the article's language (``i18n``) and checks a sender wants before mail
goes out (``lint``).

Nothing here touches the network or the outbox: it turns a Summary and settings into bytes.
"""
