#!/usr/bin/env python3
"""Entry point: ``python compose.py COMMAND ...`` (the same as the ``compose`` console script)."""

from composer.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
