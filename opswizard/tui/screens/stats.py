"""Numbers over time in the terminal: incidents per period stacked by severity, the
median time to detect and resolve per period, the services that recur most. Each chart can
be read as a table (`t`), with the counts of missing and left-out values beside each figure.

| Key | Action |
|---|---|
| `t` | Charts / tables (every chart's numbers, for screen readers and exact values) |
| `b` | By month / by quarter |
| `f5`, `ctrl+r` | Reload |
| `escape`, `q` | Back to the browser |
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ...core import factcache, stats
from ...core.sanitize import clean_line

CHARTS = ("per-period", "trend", "services")
COLOURS = {"LOW": "cyan", "MEDIUM": "yellow", "HIGH": "orange", "CRITICAL": "red"}


class StatsScreen(Screen[None]):
    """Charts of the knowledge base over time, each also a table."""

    HELP_TITLE = "Numbers over time"
    HELP = ("Three charts from the entries: incidents per period stacked by severity, the "
            "median time to detection and to resolution per period (in minutes), and the "
            "services named by the most entries. Press t to read every chart as a table "
            "instead (the exact numbers, with the values missing and those that are not a "
            "duration counted beside each median and p90); t again shows the charts. b "
            "counts by month or by quarter. The same figures: opswizard stats, and "
            "opswizard report for an HTML file to share.")
    BINDINGS = [
        Binding("t", "toggle_tables", "Charts/tables", id="stats.tables"),
        Binding("b", "toggle_period", "Month/quarter", id="stats.period"),
        Binding("f5,ctrl+r", "reload", "Reload", id="stats.reload", show=False,
                key_display="F5, Ctrl+R"),
        Binding("escape,q", "back", "Back", id="stats.back"),
        Binding("question_mark", "app.help", "This help", id="stats.help", show=False,
                key_display="F1, ?"),
    ]
    DEFAULT_CSS = """
    StatsScreen .chart { height: 16; }
    StatsScreen .caption { padding: 0 1; text-style: bold; }
    StatsScreen DataTable { height: auto; max-height: 16; margin-bottom: 1; }
    StatsScreen.-tables .chart { display: none; }
    StatsScreen.-charts DataTable { display: none; }
    StatsScreen #stats-summary { padding: 0 1; }
    """

    def __init__(self, root: Path, today: date | None = None) -> None:
        super().__init__()
        self.root = root
        self.today = today or date.today()
        self.by = "month"
        self.figures: dict[str, Any] | None = None
        self._facts: factcache.FactSet | None = None

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot

        yield Header()
        with VerticalScroll(id="stats-body"):
            yield Static(Content("Loading…"), id="stats-summary")
            for name, caption in zip(CHARTS, ("Incidents per period, by severity",
                                              "Median time to detect and resolve (minutes)",
                                              "Services named most often"), strict=True):
                yield Static(Content(caption), classes="caption")
                yield PlotextPlot(id=f"chart-{name}", classes="chart")
                yield DataTable(id=f"table-{name}", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Numbers over time"
        self.set_class(True, "-charts")
        self.reload()

    @work(thread=True, exclusive=True, group="stats-load")
    def reload(self) -> None:
        """Read the facts (repeat pairs worked out if something changed) in a thread."""
        facts = factcache.load(self.root)
        self.app.call_from_thread(self._loaded, facts)

    def _loaded(self, facts: factcache.FactSet) -> None:
        self._facts = facts
        self.figures = stats.compute(facts.entries, by=self.by, today=self.today)
        self._draw()

    # -- drawing -------------------------------------------------------------------------
    def _draw(self) -> None:
        from textual_plotext import PlotextPlot

        fig = self.figures
        if fig is None:
            return
        f = fig["follow_ups"]
        rate = f"{f['completion_rate']:.0%}" if f["completion_rate"] is not None else "-"
        ttd, ttr = fig["ttd"]["all"], fig["ttr"]["all"]
        self.query_one("#stats-summary", Static).update(Content(
            f"{fig['entries']} entries by {fig['by']}. Time to detection: median "
            f"{stats.human(ttd['median'])}, p90 {stats.human(ttd['p90'])} (n={ttd['n']}, "
            f"{ttd['missing']} missing, {ttd['left_out']} not a duration). Time to resolution: "
            f"median {stats.human(ttr['median'])}, p90 {stats.human(ttr['p90'])} "
            f"(n={ttr['n']}, {ttr['missing']} missing, {ttr['left_out']} not a duration). "
            f"Follow-ups: {f['done']} done, {f['open']} open, {f['overdue']} overdue "
            f"({rate} done). Repeat incidents: {len(fig['repeats'])}. t: tables."))
        periods = fig["periods"]
        severities = list(dict.fromkeys(s for p in periods for s in fig["by_severity"][p]))
        counts = [[fig["by_severity"][p].get(s, 0) for p in periods] for s in severities]
        plot = self.query_one("#chart-per-period", PlotextPlot).plt
        plot.clear_figure()
        if periods and severities:
            # Positions, not the labels themselves: plotext places string labels through a
            # set, so their ticks would differ from run to run (hash randomisation).
            xs: list[float] = list(range(len(periods)))
            # The stub knows one `label` and one colour; plotext takes one per series.
            plot.stacked_bar(xs, counts,  # type: ignore[call-arg]
                             labels=[s or "(none)" for s in severities],
                             color=[COLOURS.get(s, "gray") for s in severities])  # type: ignore[arg-type]
            step = max(1, len(periods) // 8)
            plot.xticks(xs[::step], periods[::step])
        plot.title("Entries per period")
        table = self.query_one("#table-per-period", DataTable)
        table.clear(columns=True)
        table.add_columns("Period", *[s or "(none)" for s in severities], "Total")
        for i, p in enumerate(periods):
            table.add_row(p, *[str(c[i]) for c in counts], str(sum(c[i] for c in counts)))
        plot = self.query_one("#chart-trend", PlotextPlot).plt
        plot.clear_figure()
        table = self.query_one("#table-trend", DataTable)
        table.clear(columns=True)
        table.add_columns("Period", "TTD median", "TTD p90", "TTD n/missing/left out",
                          "TTR median", "TTR p90", "TTR n/missing/left out")
        for which, label in (("ttd", "detect"), ("ttr", "resolve")):
            xs = [i for i, p in enumerate(periods)
                  if fig[which]["by_period"][p]["median"] is not None]
            ys = [fig[which]["by_period"][periods[i]]["median"] / 60 for i in xs]
            if xs:
                plot.plot(xs, ys, label=f"median time to {label}", marker="braille")
        if periods:
            step = max(1, len(periods) // 8)
            plot.xticks(list(range(0, len(periods), step)), periods[::step])
        for p in periods:
            cells = [p]
            for which in ("ttd", "ttr"):
                g = fig[which]["by_period"][p]
                cells += [stats.human(g["median"]), stats.human(g["p90"]),
                          f"{g['n']}/{g['missing']}/{g['left_out']}"]
            table.add_row(*cells)
        plot = self.query_one("#chart-services", PlotextPlot).plt
        plot.clear_figure()
        names = [clean_line(n) for n, _ in fig["services"]][::-1]
        values = [c for _, c in fig["services"]][::-1]
        if names:
            ys = list(range(len(names)))
            plot.bar(ys, values, orientation="horizontal", width=0.4)
            plot.yticks(ys, names)
        table = self.query_one("#table-services", DataTable)
        table.clear(columns=True)
        table.add_columns("Service", "Entries")
        for name, count in fig["services"]:
            table.add_row(clean_line(name), str(count))
        for name in CHARTS:
            self.query_one(f"#chart-{name}", PlotextPlot).refresh()

    # -- actions -------------------------------------------------------------------------
    def action_toggle_tables(self) -> None:
        tables = not self.has_class("-tables")
        self.set_class(tables, "-tables")
        self.set_class(not tables, "-charts")
        if tables:
            self.query_one("#table-per-period", DataTable).focus()

    def action_toggle_period(self) -> None:
        self.by = "quarter" if self.by == "month" else "month"
        if self._facts is not None:
            self._loaded(self._facts)

    def action_reload(self) -> None:
        self.reload()

    def action_back(self) -> None:
        self.dismiss(None)
