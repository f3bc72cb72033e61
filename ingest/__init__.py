"""Wegwijs ingestion: load, clean, chunk, embed and upsert the knowledge base."""
