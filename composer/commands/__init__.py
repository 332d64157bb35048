"""The command-line verbs, one module per area; ``composer.cli`` only builds the parser from them.

Each module has a ``register(add)`` function that declares its verbs and options and binds them
to handlers ``(args, settings) -> exit code``. Handlers import the heavy parts of composer inside
their bodies, so ``compose --help`` stays fast.
"""
