"""Data quality: GX suites as asset checks on the assets they guard, results in quality.*."""
