"""CLI verbs beyond compose/parse/summarize, one module per area (see ``composer.cli``)."""
