"""Delivery tests (a package so helpers import relatively)."""
