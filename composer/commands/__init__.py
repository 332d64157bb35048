"""The command-line verbs, one module per area; ``composer.cli`` only builds the parser from them.

``composer.cli.COMMANDS`` lists every verb with its module and one-line help. Each module has a
``register(add)`` function that declares its verbs' options and binds them to handlers
``(args, settings) -> exit code``; the CLI imports a module only when one of its verbs runs, and
handlers import the heavy parts of composer inside their bodies, so start-up stays short.
"""
