"""Follow-up consent: whose income-support rows (kind F) may be stored at all.

Consent is the legal basis of following a participant after exit. It is delivered by the
case systems (kind A `Samtycke uppföljning`, a register's equivalent) and only their
current snapshots count: a consent withdrawn in a newer delivery ends the follow-up, and
what was stored for that person is deleted.
"""

from __future__ import annotations

import duckdb

CONSENT_VALUES = ("J", "JA")


def case_persons_sql(consented_only: bool = False) -> str:
    """SELECT of the person_ids in a current case-system snapshot (with consent on some
    row of it when `consented_only`)."""
    values = ", ".join(f"'{value}'" for value in CONSENT_VALUES)
    consent = f" AND upper(trim(enrolment.follow_up_consent)) IN ({values})"
    return (
        "SELECT DISTINCT enrolment.person_id FROM raw.case_enrolments AS enrolment "
        "JOIN raw.file_registry AS registry USING (file_id) "
        "WHERE registry.is_current AND registry.status = 'loaded' "
        f"AND enrolment.person_id IS NOT NULL{consent if consented_only else ''}"
    )


def has_consent_sql(person_id: str) -> str:
    """Whether the person `person_id` (a SQL expression) may be followed up now."""
    return f"{person_id} IN ({case_persons_sql(consented_only=True)})"


def purge_withdrawn(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Delete the stored income-support rows of persons without consent now; the registry's
    rows_loaded of their files drops by as many, so it still counts what is stored."""
    withdrawn = f"NOT {has_consent_sql('months.person_id')}"
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute(
            "UPDATE raw.file_registry AS registry "
            "SET rows_loaded = registry.rows_loaded - purged.rows FROM ("
            "SELECT file_id, count(*) AS rows FROM raw.income_support_months AS months "
            f"WHERE {withdrawn} GROUP BY file_id) AS purged "
            "WHERE registry.file_id = purged.file_id"
        )
        deleted = con.execute(
            f"DELETE FROM raw.income_support_months AS months WHERE {withdrawn}"
        ).fetchone()[0]
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return {"rows_purged_without_consent": deleted}
