"""Finsam follow-up platform: the Dagster code location and its helpers."""
