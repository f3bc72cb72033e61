"""The HTTP face of the assistant (FastAPI): the one owner of the index while Wegwijs runs."""
