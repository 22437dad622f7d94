"""Pure ingest helpers: read deliveries, map and type them in DuckDB, pseudonymise, register.

The Dagster assets in `pipelines/defs/ingest/` call `engine.ingest`; nothing here imports
Dagster, so every step can be tested on its own.
"""
