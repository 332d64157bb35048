"""``compose serve``: the public reader service (unsubscribe, subscribe, archive, feed).

Built on Starlette and served by uvicorn: :func:`composer.web.app.create_app` returns the ASGI
app, so any ASGI server can run it (``uvicorn --factory composer.web.app:create_app``).
"""
