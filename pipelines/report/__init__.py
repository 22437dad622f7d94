"""The period (tertial) report: `python -m pipelines.report`, read from the published warehouse."""
