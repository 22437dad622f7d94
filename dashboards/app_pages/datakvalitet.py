"""Datakvalitet: what must the data stewards fix, and which checks failed?"""

import shlex

import pandas as pd
import streamlit as st

from dashboards import data
from dashboards.components import bar_chart, definition, fmt, label, labels, table
from dashboards.frame import applied_filters, current
from expectations import declarations

frame = current()
f = frame.filters
st.title("Datakvalitet")
st.markdown("**Vad behöver rättas i ärendesystemen, och vilka kontroller slog larm?**")
applied_filters(f, set(), "arbetslistan")

results = data.check_results(frame.wh)
days = data.fixable_days(frame.wh) or 0
fixable = f"Det som går att rätta: aktiva ärenden och ärenden avslutade de senaste {days} dagarna"
scope = st.radio(
    "Visa avvikelser", [fixable, "Alla avvikelser"], key="worklist_scope", horizontal=True
)
fixable_only = scope == fixable
summary = data.worklist_summary(frame.wh, f.insats, f.unit, fixable_only)
failed = results[~results["success"].astype(bool)]
cols = st.columns(3)
cols[0].metric("Öppna avvikelser", fmt(summary["findings"].sum()), border=True)
cols[1].metric("Kontroller som inte klarades", len(failed), border=True)
cols[2].metric("Kontroller totalt", len(results), border=True)
if (failed["severity"] == "error").any():
    st.warning("Minst en kontroll av allvarlighet 'error' klarades inte: se listan nedan.")


def rule_name(expectation: str) -> str:
    """`date_order:enrolment_date<=exit_date` as a steward reads it: the rule, then what it
    was about (fields by their labels, a reason in words, an insats by its name)."""
    rule, _, detail = expectation.partition(":")
    words = {**declarations.field_labels(), **labels()["check_details"]}
    parts = [words.get(part, part) for part in detail.replace("<=", ":").split(":") if part]
    joiner = " före " if "<=" in detail else ", "
    return label("check_rules", rule) + (f": {joiner.join(parts)}" if parts else "")


def readable_checks(results: pd.DataFrame) -> pd.DataFrame:
    """The check verdicts in Swedish: what was checked, the outcome and how many rows."""
    suites = {suite.suite: suite.description for suite in declarations.load_declarations()}
    return pd.DataFrame(
        {
            "Kontroll": results["suite"].map(lambda suite: suites.get(suite, suite)),
            "Regel": results["expectation"].map(rule_name),
            "Allvarlighet": results["severity"].map(lambda s: label("check_severities", s)),
            "Resultat": results["success"].map({True: "Godkänd", False: "Ej godkänd"}),
            "Andel godkända": results["observed_value"].map(lambda v: fmt(v, "share")),
            "Krav": results["threshold"].map(lambda v: fmt(v, "share")),
            "Avvikande rader": results["failing_rows"],
            "Kontrollerade rader": results["checked_rows"],
        }
    )


def field_labels(df: pd.DataFrame) -> pd.DataFrame:
    """The field column in Swedish; a finding about the whole case has no field."""
    return df.assign(
        field=df["field"].map(
            lambda name: label("fields", name) if pd.notna(name) and name else "(hela ärendet)"
        )
    )


def per_caseworker(summary: pd.DataFrame) -> pd.DataFrame:
    """The findings of each unit's caseworker, the one with the longest-open finding first."""
    grouped = summary.groupby(["unit", "caseworker"], dropna=False, sort=False)
    return grouped.agg(
        findings=("findings", "sum"),
        findings_on_active_cases=("findings_on_active_cases", "sum"),
        oldest_since_date=("oldest_since_date", "min"),
        max_days_open=("max_days_open", "max"),
    ).reset_index()


def export_command(unit: str | None, caseworker: str | None) -> str:
    """The CLI call that writes this caseworker's whole list, for when the page cuts it."""
    options = [
        f"--{flag} {shlex.quote(value)}"
        for flag, value in (("unit", unit), ("caseworker", caseworker))
        if value is not None
    ]
    everything = [] if fixable_only else ["--all"]
    return " ".join(
        ["python -m expectations.worklist", *options, *everything, "--format xlsx --out FIL"]
    )


def caseworker_findings(summary: pd.DataFrame) -> None:
    """One chosen caseworker's cases, the one with the longest-open finding by default."""
    keys = summary[["unit", "caseworker"]]
    rows = list(keys.astype(object).where(keys.notna(), None).itertuples(index=False, name=None))
    unit, caseworker = st.selectbox(
        "Handläggare (den med äldst avvikelse först)",
        list(dict.fromkeys(rows)),
        format_func=lambda pair: f"{pair[1] or '(saknas)'} – {pair[0] or '(enhet saknas)'}",
        key="worklist_caseworker",
    )
    total = int(summary.loc[[row == (unit, caseworker) for row in rows], "findings"].sum())
    findings = data.worklist(frame.wh, f.insats, unit, caseworker, fixable_only)
    if len(findings) < total:
        st.info(
            f"Listan visar de {fmt(len(findings))} äldsta av {fmt(total)} avvikelserna. "
            f"Hela listan får du med `{export_command(unit, caseworker)}` "
            "(FIL är filen som skrivs)."
        )
    table(field_labels(findings), "arbetslista", {"since_date": "date", "exit_date": "date"})


st.subheader("Arbetslista för dataansvariga")
st.caption(
    "Senaste körningens avvikelser per enhet, handläggare och fält, den som varit öppen "
    "längst först. "
    + (
        f"Avvikelser på ärenden som avslutades för mer än {days} dagar sedan visas under "
        "Alla avvikelser: de rättas sällan i efterhand."
        if fixable_only
        else "Alla avvikelser, också på ärenden som avslutades för länge sedan."
    )
)
if summary.empty:
    st.success("Inga öppna avvikelser för urvalet.")
else:
    overview = field_labels(summary)
    per_field = overview.groupby("field", dropna=False)["findings"].sum().reset_index()
    bar_chart(
        per_field,
        "field",
        "findings",
        "Öppna avvikelser",
        "Öppna avvikelser per fält",
        "Antal öppna avvikelser i senaste kontrollen per fält, flest först.",
    )
    st.markdown("**Per handläggare**")
    table(per_caseworker(summary), "avvikelser per handläggare", {"oldest_since_date": "date"})
    st.markdown("**Per handläggare och fält**")
    table(overview, "arbetslista per handläggare", {"oldest_since_date": "date"})
    caseworker_findings(summary)

st.subheader("Kontrollernas resultat")
table(readable_checks(results), "kontrollresultat")
definition(
    "Obligatoriska kartläggningsfält ska vara ifyllda inom insatsens frist efter inskrivning; "
    "kontrollerna körs varje natt innan lagret publiceras."
)
