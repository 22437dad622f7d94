"""BENCHMARKS.json (everything measured) and BENCHMARKS.md (the same, for people)."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

STAGE_LABELS = {
    "ingest": "ingest",
    "dbt": "dbt build",
    "quality": "quality suites",
    "publish": "publish",
}

METHOD = """\
## How it is measured

- Each size has its own cached demo landing (`data/bench/landing_<N>_s<seed>_g<generator
  hash>`, made by `python -m pipelines.demo`); every repeat starts from empty databases and
  a fresh `DAGSTER_HOME`, with the landing hard-linked into the run's folder.
- **Pipeline**: `python -m pipelines.run` (job `nightly`: every asset and check, then
  publish) in a child process. *Total* is from launching the process to the end of the run,
  so it includes interpreter, Dagster and definitions start-up. Stage times are the summed
  step durations from the run's event log, each step put in the stage of the
  `pipelines/defs/<stage>/` package its op is written in.
- **Fixed overhead** = total - time inside steps + dbt's own start-up (from its step's start
  to its first model's start): the cost paid even for an empty landing.
- **Peak memory** is the largest resident set of the whole process tree (Dagster plus the
  dbt subprocess), sampled every 0.2 s, and never less than the kernel's peak of the
  largest single process (`wait4`, as `/usr/bin/time -v` reports); the worst repeat counts.
- **Settings**: every pipeline and floor run gets the environment's
  `FINSAM_DUCKDB_MEMORY_LIMIT` (unset: DuckDB's default, 80 % of the memory, most of which
  dbt then keeps as cache), `FINSAM_DUCKDB_THREADS` (2) and `FINSAM_DBT_THREADS` (2); see
  *Machine*. A size listed in `pipelines/bench/size_settings.yml` runs under what an
  installation of that size sets instead (column *settings*).
- **Rows/s** = data rows of all delivered files (`raw.file_registry.rows_read`) / total.
- **Floor**: `pipelines/bench/floor.py`, the pipeline without orchestration, in one
  process and one DuckDB connection: the same ingest code the ingest assets call (every
  source kind, Excel included, the same pseudonyms), then dbt's own compiled SQL (the
  `compiled_code` of a `dbt compile` made once per benchmark) for every seed and model, as
  `create table ... as` in dependency order. No second implementation: a model changed in
  dbt is changed in the floor. Left out: Dagster, the dbt process (start-up, parse, its
  tests), the snapshot, the quality suites and publish. *Pipeline / floor* is the ratio of
  the totals, so it is the price of exactly those; *(ingest + dbt) / floor* compares only
  the stages the floor also does (the dbt stage includes dbt's tests and snapshot).
- **Incremental**: at each size of `--incremental-sizes` (100 000 and 1 000 000 unless
  told otherwise), one new day of deliveries (a new case-system snapshot and a new ledger
  file) added to the landing of a finished run, then the pipeline run again on its
  warehouse. *Share of a full run* = its total / that size's full run total.
- **Follow-up models** (issue 16): on the work database of the size's last run (its ingest
  done), `dbt build` with every model and with the dbt selector `without_follow_up`
  (`dbt_project/selectors.yml`: all but the kind F extracts' seed, staging and everything
  built from them, with their tests), in back-to-back pairs whose order alternates, none
  of them parsing (`finsam-dbt` starts from the prepared manifest, as the nightly build).
  *Added* = (with - without) / without per pair, the median over the pairs; timed as the
  dbt process's wall time. `dbt docs generate`, the rest of the dbt step, is left out of
  both: it would add the same seconds to each.
- **Dashboard**: the functions of `dashboards/data.py` that each page (read from its
  source) calls, against the published warehouse, with Streamlit's cache cleared before
  every call; the first view (latest tertial, all insatser, all units).
- **Read landing once** (`pipelines/bench/read_limit.py`): the physical limit, every
  landed file read once into memory and nothing else: DuckDB `read_csv` for delimited
  files, python-calamine (the ingest's reader) for workbooks, as DuckDB's `read_xlsx`
  needs an extension that is downloaded on first use.
- **Dashboard pages** (`pipelines/bench/page_render.py`): `streamlit run` on the published
  warehouse and headless Chromium (`/usr/bin/chromium`); the app opened once (*app start*:
  server start excluded, the browser loading the app and drawing the first page), then
  each page chosen in the sidebar in turn, as often as each query is called above. Drawn:
  the heading is up, the page's script has finished, no placeholder or stale element is
  left and every chart has drawn. The first visit reads the page's figures cold; the later
  ones find them in the server's cache.
- Medians over the repeats; the machine is shared, so single figures can vary by tens of
  percent. Targets judge the medians (memory: the worst repeat).
"""


def failure_prefix(participants: int) -> str:
    """How a failed size's note begins, so measuring it again replaces the note."""
    return f"failed at {participants} participants:"


def _failed(results: Mapping, participants: int) -> bool:
    return any(f.startswith(failure_prefix(participants)) for f in results["failures"])


def read_previous(folder: Path) -> dict | None:
    """The results of an earlier benchmark in `folder`, if there is one."""
    path = folder / "BENCHMARKS.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def merge_previous(results: Mapping, previous: Mapping) -> dict:
    """This run's sizes beside the earlier ones it did not measure, so one size can be
    measured again, or the largest one later, without redoing the rest."""
    measured = {size["participants"] for size in results["sizes"]}
    failed = {size for size in results["plan"]["sizes"] if _failed(results, size)}
    kept = [
        size | {"kept_from_earlier_run": True}
        for size in _sizes_with_incremental(previous)
        if size["participants"] not in measured
    ]
    sizes = sorted([*kept, *results["sizes"]], key=lambda size: size["participants"])
    old_failures = [
        failure
        for failure in previous.get("failures", [])
        if not any(_failed({"failures": [failure]}, size) for size in measured | failed)
    ]
    failures = [*old_failures, *results["failures"]]
    return dict(results) | {"sizes": sizes, "failures": failures}


def _sizes_with_incremental(results: Mapping) -> list[dict]:
    """The sizes, each with its next-day run: an older BENCHMARKS.json has one at its top
    level instead, which goes with its size (unless that size has its own)."""
    legacy = results.get("incremental")
    return [
        dict(size) | {"incremental": legacy}
        if legacy and legacy["participants"] == size["participants"] and "incremental" not in size
        else dict(size)
        for size in results["sizes"]
    ]


def incrementals(results: Mapping) -> list[Mapping]:
    """Every size's next-day run, smallest size first."""
    sizes = sorted(_sizes_with_incremental(results), key=lambda size: size["participants"])
    return [size["incremental"] for size in sizes if size.get("incremental")]


def write_json(results: Mapping, path: Path) -> None:
    path.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")


def seconds(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 60:
        return f"{int(value // 60)} min {value % 60:04.1f} s"
    return f"{value:.1f} s" if value >= 1 else f"{value:.2f} s"


def size_bytes(value: float | None) -> str:
    if value is None:
        return "-"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if value >= scale:
            return f"{value / scale:.2f} {unit}"
    return f"{value:.0f} B"


def number(value: float | None, digits: int = 0) -> str:
    return "-" if value is None else f"{value:,.{digits}f}".replace(",", " ")


def percent(share: float | None) -> str:
    return "-" if share is None else f"{share * 100:.1f} %"


def table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def machine_section(machine: Mapping) -> str:
    rows = [
        ("CPU", machine["cpu_model"]),
        ("cores", machine["cores"]),
        ("memory", size_bytes(machine["memory_bytes"])),
        ("kernel", machine["kernel"]),
        ("Python / DuckDB", f"{machine['python']} / {machine['duckdb']}"),
        ("load average at start", " ".join(f"{x:.2f}" for x in machine["load_average_at_start"])),
    ]
    if "duckdb_memory_limit" in machine:  # not in the facts of an older BENCHMARKS.json
        rows.append(
            (
                "DuckDB memory limit / threads, dbt threads (unless the size sets its own)",
                f"{machine['duckdb_memory_limit']} / {machine['duckdb_threads']}, "
                f"{machine.get('dbt_threads', '-')}",
            )
        )
    return "## Machine\n\n" + table(("fact", "value"), rows)


def _target_value(target: Mapping) -> str:
    value, unit = target["value"], target["unit"]
    if value is None:
        return "-"
    if unit == "bytes":
        return size_bytes(value)
    if unit == "s":
        return seconds(value)
    if unit == "share":
        return percent(value)
    return f"{value:.2f} {unit}" if unit == "x" else f"{value:.0f} {unit}"


def _target_margin(target: Mapping) -> str:
    if target["margin"] is None:
        return "-"
    if target["ratio"] >= 2:
        return f"{target['ratio']:.0f} times the limit"
    share = abs(target["ratio"] - 1) * 100
    word = "over" if target["margin"] > 0 else "under"
    return f"{share:.0f} % {word} the limit"


def targets_section(targets: Sequence[Mapping]) -> str:
    rows = [
        (
            target["description"],
            _target_value(target),
            target["status"],
            _target_margin(target),
        )
        for target in targets
    ]
    return "## Targets\n\n" + table(("target", "measured", "status", "by how much"), rows)


def _pipeline_row(size: Mapping) -> list[str]:
    pipeline, summary = size["pipeline"]["median"], size["summary"]
    stages = [seconds(pipeline["stages"].get(stage)) for stage in STAGE_LABELS]
    return [
        number(size["participants"]),
        str(size["repeats"]),
        number(pipeline.get("rows_read")),
        seconds(pipeline["total_seconds"]),
        *stages,
        seconds(pipeline["fixed_overhead_seconds"]),
        size_bytes(pipeline["peak_memory_bytes"]),
        size_bytes(pipeline["peak_rss_bytes"]),
        size_bytes(pipeline.get("warehouse_bytes")),
        number(pipeline.get("rows_per_second")),
        seconds(size["floor"]["median"]["total_seconds"]),
        f"{summary['floor_ratio']:.2f}",
        f"{summary['core_floor_ratio']:.2f}",
        _settings_cell(size.get("settings")),
    ]


def _settings_cell(settings: Mapping[str, str] | None) -> str:
    """The size's own settings; an older result without them ran under the environment's."""
    if not settings:
        return "the environment's" if settings is not None else "-"
    return ", ".join(f"`{name}={value}`" for name, value in settings.items())


def sizes_section(sizes: Sequence[Mapping]) -> str:
    header = ["participants", "runs", "input rows", "total", *STAGE_LABELS.values()]
    header += ["fixed overhead", "peak memory (tree)", "peak RSS (largest process)"]
    header += ["warehouse", "rows/s", "floor", "pipeline / floor", "(ingest + dbt) / floor"]
    header += ["settings"]
    title = "## End to end (medians over the runs)\n\n"
    return title + table(header, [_pipeline_row(size) for size in sizes])


OVERHEAD_LABELS = {
    "start_up": "start-up (Python, Dagster, definitions)",
    "step_hand_overs": "between steps",
    "dbt_start_up": "dbt start-up",
    "wind_down": "after the run",
}


def _overhead_row(size: Mapping) -> list[str]:
    median = size["pipeline"]["median"]
    parts = [seconds(median["overhead"].get(part)) for part in OVERHEAD_LABELS]
    return [number(size["participants"]), seconds(median["fixed_overhead_seconds"]), *parts]


def overhead_section(sizes: Sequence[Mapping]) -> str:
    rows = [_overhead_row(size) for size in sizes]
    header = ["participants", "fixed overhead", *OVERHEAD_LABELS.values()]
    return "## Fixed overhead, by where it goes\n\n" + table(header, rows)


def floor_section(sizes: Sequence[Mapping]) -> str:
    names = sorted({name for size in sizes for name in size["floor"]["median"]["stages"]})
    rows = [
        [
            number(size["participants"]),
            seconds(size["floor"]["median"]["total_seconds"]),
            *(seconds(size["floor"]["median"]["stages"].get(name)) for name in names),
            size_bytes(size["floor"]["median"]["peak_memory_bytes"]),
            size_bytes(size["floor"]["median"]["database_bytes"]),
            seconds(size["read_limit"]["seconds"]) if "read_limit" in size else "-",
        ]
        for size in sizes
    ]
    header = ["participants", "total", *names, "peak memory", "database", "read landing once"]
    return "## Floor: the same ingest and dbt's compiled SQL, no orchestration\n\n" + table(
        header, rows
    )


def landings_section(sizes: Sequence[Mapping]) -> str:
    rows = [
        [
            number(size["participants"]),
            number(size["landing"]["files"]),
            size_bytes(size["landing"]["bytes"]),
            seconds(size["landing"]["generator_seconds"]),
            size["landing"].get("generator_version", "-"),
            size.get("measured_at", "-"),
            _load(size.get("load_average")),
        ]
        for size in sizes
    ]
    header = ["participants", "files", "size", "generator time (once, cached)", "generator"]
    header += ["measured at", "load average (1 min) before / after"]
    return "## Demo landings\n\n" + table(header, rows)


def _load(load: Mapping | None) -> str:
    return "-" if load is None else f"{load['at_start']:.1f} / {load['at_end']:.1f}"


def _delivered(delivered: Mapping) -> str:
    files = ", ".join(f"`{name}`" for name in delivered["files"])
    return f"{files} ({delivered['description']})"


def _delivered_intro(runs: Sequence[Mapping]) -> str:
    """What was delivered, once if every size got the same, else per size: the delivery
    is made from each size's own landing."""
    by_text: dict[str, list[str]] = {}
    for run in runs:
        by_text.setdefault(_delivered(run["delivered"]), []).append(number(run["participants"]))
    if len(by_text) == 1:
        return f"New files: {next(iter(by_text))}.\n\n"
    lines = [f"- on {', '.join(sizes)}: {text}\n" for text, sizes in by_text.items()]
    return "New files:\n\n" + "".join(lines) + "\n"


def _incremental_row(run: Mapping) -> list[str]:
    median = run["median"]
    return [
        number(run["participants"]),
        number(median.get("rows_read")),
        seconds(median["total_seconds"]),
        *(seconds(median["stages"].get(stage)) for stage in STAGE_LABELS),
        size_bytes(median["peak_memory_bytes"]),
        number(run.get("share_of_full_run"), 2),
    ]


def incremental_section(runs: Sequence[Mapping]) -> str:
    """One row per size that got a new day of deliveries (see `incrementals`)."""
    title = "## Incremental: one new day of deliveries\n\n"
    if not runs:
        return title + "Not measured in this run.\n"
    header = ["on top of", "new rows read", "total", *STAGE_LABELS.values()]
    header += ["peak memory", "share of a full run"]
    return title + _delivered_intro(runs) + table(header, [_incremental_row(r) for r in runs])


def _slowest_cell(slowest: Sequence[Sequence]) -> str:
    return ", ".join(f"{name.split('/')[-1]} {seconds(time)}" for name, time in slowest)


def _dbt_row(run: str, median: Mapping) -> list[str]:
    return [
        run,
        median.get("dbt_selection") or "-",
        number(median["dbt_models_built"]),
        seconds(median["stages"].get("dbt")),
        seconds(median["dbt_model_seconds"]),
        _slowest_cell(median.get("dbt_slowest_models", [])),
        number(median.get("dbt_tests_run")),
        seconds(median.get("dbt_test_seconds")),
        _slowest_cell(median.get("dbt_slowest_tests", [])),
    ]


def dbt_section(sizes: Sequence[Mapping], incremental_runs: Sequence[Mapping]) -> str:
    """Per run: what the dbt step selected, how many models it built and tests it ran, and
    which took longest (dbt's own time per node; seeds, the snapshot, the run's hooks and
    dbt's start-up are the rest of the step)."""
    rows = [
        _dbt_row(f"full run, {number(size['participants'])}", size["pipeline"]["median"])
        for size in sizes
        if "dbt_models_built" in size["pipeline"]["median"]
    ]
    rows += [
        _dbt_row(f"next day on {number(run['participants'])}", run["median"])
        for run in incremental_runs
        if "dbt_models_built" in run["median"]
    ]
    if not rows:
        return ""
    header = ["run", "selection (as the dbt step logged it)", "models built", "dbt step"]
    header += ["models' own time (sum)", "slowest models"]
    header += ["tests run", "tests' own time (sum)", "slowest tests"]
    return "## dbt build: what it built and where its time went\n\n" + table(header, rows)


def _worst_memory(builds: Sequence[Mapping], variant: str) -> str:
    return size_bytes(max(b["peak_memory_bytes"] for b in builds if b["variant"] == variant))


def _follow_up_row(size: Mapping) -> list[str]:
    follow_up = size["follow_up"]
    builds = follow_up["builds"]
    nodes = ", ".join(f"{count} {kind}" for kind, count in follow_up["follow_up_nodes"].items())
    return [
        number(size["participants"]),
        number(follow_up["panel_persons"]),
        number(follow_up["months_per_person"], 1),
        number(follow_up["extract_rows"]),
        nodes,
        str(follow_up["repeats"]),
        seconds(follow_up["median_seconds"]["with"]),
        seconds(follow_up["median_seconds"]["without"]),
        " / ".join(percent(share) for share in follow_up["pair_shares"]),
        percent(follow_up["added_share"]),
        f"{_worst_memory(builds, 'with')} / {_worst_memory(builds, 'without')}",
        ", ".join(
            f"{name} {seconds(time)}"
            for name, time in follow_up.get("slowest_follow_up_nodes", {}).items()
        ),
        _load(follow_up["load_average"]),
    ]


def follow_up_section(sizes: Sequence[Mapping]) -> str:
    title = "## Follow-up models in the dbt stage (dbt build with and without them)\n\n"
    measured = [size for size in sizes if size.get("follow_up")]
    if not measured:
        return title + "Not measured in this run.\n"
    header = ["participants", "persons with extracts", "months per person", "extract rows"]
    header += ["follow-up nodes", "pairs", "with (median)", "without (median)"]
    header += ["added, per pair", "added (median)", "peak memory with / without"]
    header += ["slowest follow-up nodes (dbt's time)"]
    header += ["load average (1 min) before / after"]
    return title + table(header, [_follow_up_row(size) for size in measured])


def _latency_cell(query: Mapping) -> str:
    if "error" in query:
        return "error: " + query["error"].replace("|", "/")
    return f"{query['median_ms']:.0f} / {query['worst_ms']:.0f}"


def dashboard_section(sizes: Sequence[Mapping]) -> str:
    keys = list(dict.fromkeys((q["page"], q["query"]) for size in sizes for q in size["dashboard"]))
    cells = {
        (size["participants"], q["page"], q["query"]): _latency_cell(q)
        for size in sizes
        for q in size["dashboard"]
    }
    rows = [
        [page, query, *(cells.get((size["participants"], page, query), "-") for size in sizes)]
        for page, query in keys
    ]
    header = ["page", "query", *(number(size["participants"]) for size in sizes)]
    title = "## Dashboard queries (ms, cold cache, median / worst)\n\n"
    return title + table(header, rows)


def pages_section(sizes: Sequence[Mapping]) -> str:
    """Per page and size: first visit / median / worst ms until drawn in Chromium."""
    measured = [size for size in sizes if "pages" in size]
    if not measured:
        return ""
    cells = {
        (size["participants"], page["page"]): (
            f"{page['first_ms']:.0f} / {page['median_ms']:.0f} / {page['worst_ms']:.0f}"
        )
        for size in measured
        for page in size["pages"]["pages"]
    }
    names = list(dict.fromkeys(page for _, page in cells))
    rows = [["(app start, first page)", *(f"{s['pages']['app_start_ms']:.0f}" for s in measured)]]
    rows += [
        [name, *(cells.get((size["participants"], name), "-") for size in measured)]
        for name in names
    ]
    header = ["page", *(number(size["participants"]) for size in measured)]
    title = (
        "## Dashboard pages in Chromium (ms until fully drawn, first visit / median / worst"
        " of the later visits)\n\n"
    )
    return title + table(header, rows)


def failed_steps(sizes: Sequence[Mapping]) -> list[str]:
    """A note for every run in which a step failed: its figures cover less work."""
    return [
        f"{number(size['participants'])}, run {index}: failed steps "
        + ", ".join(run["failed_steps"])
        for size in sizes
        for index, run in enumerate(size["pipeline"]["runs"], start=1)
        if run.get("failed_steps")
    ]


def notes_section(notes: Sequence[str]) -> str:
    return "## Notes\n\n" + "".join(f"- {note}\n" for note in notes) if notes else ""


def intro(results: Mapping) -> str:
    """Title, the command that measured, and which sizes an earlier run measured."""
    plan = results["plan"]
    command = "python -m pipelines.bench --sizes " + " ".join(map(str, plan["sizes"]))
    command += f" --repeats {plan['repeats']}"
    command += "".join(f" --repeats-for {size}={n}" for size, n in plan["repeats_for"].items())
    sizes = results["sizes"]
    earlier = [number(size["participants"]) for size in sizes if size.get("kept_from_earlier_run")]
    kept = (
        f" Sizes {', '.join(earlier)} were kept from an earlier run (`--keep-measured`); "
        "each size's own time is under *Demo landings*."
        if earlier
        else ""
    )
    return (
        f"# Benchmarks\n\nMeasured {results['generated_at']} with `{command}` "
        f"(seed {plan['seed']}, generator {plan['generator_version']}).{kept} "
        "Regenerate with `make bench`.\n"
    )


def markdown(results: Mapping) -> str:
    incremental_runs = incrementals(results)
    sections = [
        intro(results),
        machine_section(results["machine"]),
        targets_section(results["targets"]),
        sizes_section(results["sizes"]),
        overhead_section(results["sizes"]),
        floor_section(results["sizes"]),
        incremental_section(incremental_runs),
        dbt_section(results["sizes"], incremental_runs),
        follow_up_section(results["sizes"]),
        dashboard_section(results["sizes"]),
        pages_section(results["sizes"]),
        landings_section(results["sizes"]),
        notes_section(
            [*results.get("notes", []), *results["failures"], *failed_steps(results["sizes"])]
        ),
        METHOD,
    ]
    return "\n".join(section for section in sections if section)


def write_reports(results: Mapping, folder: Path) -> None:
    """Both reports into `folder` (BENCHMARKS.md and BENCHMARKS.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    write_json(results, folder / "BENCHMARKS.json")
    (folder / "BENCHMARKS.md").write_text(markdown(results), encoding="utf-8")
