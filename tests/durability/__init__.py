"""Crash durability of the real server (issue 6): ``python -m tests.durability --kills 200``."""
