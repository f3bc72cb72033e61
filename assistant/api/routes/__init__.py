"""Routers, one file per feature."""
