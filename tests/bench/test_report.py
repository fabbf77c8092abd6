"""The benchmark report: targets judged, a previous report compared, the files written."""

import json

from bench import report
from bench.run import figures_from, small_scale, Config


def figure(id_, value, unit="req/s", **extra):
    return {"id": id_, "label": id_, "unit": unit, "value": value, **extra}


def test_targets_are_met_or_missed_never_hidden():
    judged = {f["id"]: f for f in report.judge([
        figure("pages.home.rps", 130.0),
        figure("pages.event.rps", 79.9),
        figure("pages.event.p99", 250.0, "ms"),
        figure("webhooks.identical", False, "yes/no"),
        figure("race.confirmed", 50, "count", target=["==", 50]),
        figure("pages.news.rps", 10.0),
        figure("setup.seconds", None, "s"),
    ])}
    assert judged["pages.home.rps"]["met"] is True
    assert judged["pages.event.rps"]["met"] is False
    assert judged["pages.event.p99"]["met"] is True  # the limit itself passes
    assert judged["webhooks.identical"]["met"] is False
    assert judged["race.confirmed"]["met"] is True
    assert judged["pages.news.rps"]["target"] is None and judged["pages.news.rps"]["met"] is None
    assert judged["setup.seconds"]["met"] is None  # a benchmark that gave no figure is not "met"
    totals = report.summary(list(judged.values()))
    assert totals["missed"] == ["pages.event.rps", "webhooks.identical"]
    assert totals["no_value"] == ["setup.seconds"]


def test_query_counts_must_be_equal_at_both_scales():
    judged = {f["id"]: f for f in report.judge([
        figure("queries.event", 12, "queries", small=12, equal_at_scales=True),
        figure("queries.register", 14, "queries", small=11, equal_at_scales=True),
        figure("queries.home", 9, "queries", small=8, equal_at_scales=True),
        figure("queries.news", 30, "queries", small=30, equal_at_scales=True),
    ])}
    assert judged["queries.event"]["met"] is True
    assert judged["queries.register"]["met"] is False  # under 15, but it grows with the data
    assert judged["queries.home"]["met"] is False  # no limit, but not equal
    assert judged["queries.news"]["met"] is True
    # "The same at both scales" is a target too: the summary counts it, and says when it is missed.
    totals = report.summary(list(judged.values()))
    assert totals["with_target"] == 4
    assert totals["missed"] == ["queries.register", "queries.home"]


def test_comparison_gives_the_ratio_and_says_better_or_worse():
    previous = {"figures": [figure("pages.home.rps", 100.0), figure("pages.home.p95", 40.0, "ms"),
                            figure("webhooks.identical", True, "yes/no")]}
    compared = {f["id"]: f for f in report.compare(report.judge([
        figure("pages.home.rps", 150.0), figure("pages.home.p95", 60.0, "ms"),
        figure("webhooks.identical", True, "yes/no"), figure("pages.verify.rps", 90.0),
    ]), previous)}
    assert compared["pages.home.rps"]["previous"] == 100.0
    assert compared["pages.home.rps"]["ratio"] == 1.5
    assert report.fmt_ratio(compared["pages.home.rps"]) == "×1.50 (better)"
    assert report.fmt_ratio(compared["pages.home.p95"]) == "×1.50 (worse)"  # more milliseconds is worse
    assert compared["webhooks.identical"]["ratio"] is None
    assert compared["pages.verify.rps"]["previous"] is None


def test_write_puts_figures_targets_and_previous_side_by_side(tmp_path):
    previous_path = tmp_path / "old.json"
    previous_path.write_text(json.dumps({"figures": [figure("pages.event.rps", 100.0)],
                                         "pages": {"1.0": {"event": {"p50": 18.0, "p95": 60.0, "p99": 120.0}}}}))
    data = {
        "run": {"scale": 1.0, "small_scale": 0.01, "seconds": 20, "connections": 4, "tool": "wrk", "commit": "abc"},
        "figures": [figure("pages.event.rps", 75.0, small=90.0), figure("queries.event", 12, "queries", small=12,
                                                                        equal_at_scales=True)],
        "pages": {"1.0": {"event": {"path": "/evenementen/x/", "rps": 75.0, "p50": 20.0, "p95": 80.0, "p99": 300.0,
                                    "errors": 0, "queries": 12, "render_ms": 40.0}}},
        "generation": {"1.0": {"counts": {"members": 100000}, "seconds": 300.0}},
        "errors": [],
    }
    written = report.write(data, tmp_path, previous=report.load_previous(str(previous_path)),
                           compare_with=str(previous_path))

    markdown = (tmp_path / "report.md").read_text()
    row = next(line for line in markdown.splitlines() if line.startswith("| pages.event.rps"))
    assert [cell.strip() for cell in row.strip("|").split("|")][1:7] == ["90.0 req/s", "75.0 req/s", "≥ 80 req/s", "**MISSED**", "100 req/s",
                                     "×0.75 (worse)"]
    assert "0 of 2 targets met" not in markdown and "1 of 2 targets met" in markdown
    assert json.loads((tmp_path / "report.json").read_text())["summary"]["missed"] == ["pages.event.rps"]
    svg = (tmp_path / "report-latency.svg").read_text()
    assert svg.startswith("<svg") and "p99 300 (was 120)" in svg and "event" in svg
    assert written["figures"][0]["ratio"] == 0.75


def test_runner_figures_carry_both_scales_and_targets():
    config = Config({"BENCH_SCALE": "1", "BENCH_SECONDS": "20"})
    assert (config.small_scale, small_scale(0.001)) == (0.01, 0.0001)
    results = {
        "pages": {"0.01": {"event": {"rps": 95.0}}, "1.0": {"event": {"rps": 85.0, "p99": 200.0}}},
        "probes": {"0.01": {"dashboard": {"queries": 20}}, "1.0": {"dashboard": {"queries": 21}}},
        "registrations": {"race": {"seats": 50, "confirmed": 50, "server_errors": 0}},
    }
    judged = {f["id"]: f for f in report.judge(figures_from(results, config))}
    assert (judged["pages.event.rps"]["small"], judged["pages.event.rps"]["value"]) == (95.0, 85.0)
    assert judged["pages.event.rps"]["met"] is True and judged["pages.event.p99"]["met"] is True
    assert judged["queries.dashboard"]["met"] is False  # grows with data
    assert judged["race.confirmed"]["met"] is True
    assert judged["webhooks.events_per_second"]["met"] is None  # did not run: no figure, not a pass
