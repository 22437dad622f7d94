"""Data quality: the dbt quality models, validated once per run by GX; verdicts as asset checks."""
