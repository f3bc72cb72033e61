"""Components built from settings: embedding, vector store (each with a test mode)."""
