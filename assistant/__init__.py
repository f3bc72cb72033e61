"""Wegwijs assistant: components, retrieval and the service face (API)."""
