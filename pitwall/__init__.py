"""Pitwall: a marketing analytics dashboard over a DuckDB warehouse."""
