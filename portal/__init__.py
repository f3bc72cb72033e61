"""Wegwijs portal: a Streamlit client of the API."""
