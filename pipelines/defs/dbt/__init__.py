"""dbt assets: staging, intermediate and marts built by `dbt build`, tests as asset checks."""
