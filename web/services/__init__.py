"""Workflows: what the app does, with no Flask request handling (views call these)."""
