"""The Grafana dashboard loads: it passes a schema of the fields Grafana needs, and its layout
and queries are consistent (ids, refIds, grid, PromQL that parses).

No JSON schema of Grafana dashboards is published on PyPI or npm (Grafana keeps CUE and
TypeScript types, `@grafana/schema`), so `grafana_dashboard.schema.json` is written here from
Grafana's JSON model documentation and checked with jsonschema."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import jsonschema
import pytest

from tests.monitoring.promql_names import selectors
from tests.monitoring.tools import DASHBOARD

SCHEMA = json.loads((Path(__file__).parent / "grafana_dashboard.schema.json").read_text())


def load() -> dict:
    return json.loads(DASHBOARD.read_text(encoding="utf-8"))


def check(dashboard: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    jsonschema.validate(dashboard, SCHEMA, cls=jsonschema.Draft202012Validator)
    panels = dashboard["panels"]
    ids = [panel["id"] for panel in panels]
    assert len(ids) == len(set(ids)), "panel ids repeat"
    taken: set[tuple[int, int]] = set()
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["x"] + grid["w"] <= 24, f"{panel['title']} runs off the 24-column grid"
        cells = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & taken, f"{panel['title']} overlaps another panel"
        taken |= cells
        ref_ids = [target["refId"] for target in panel.get("targets", [])]
        assert len(ref_ids) == len(set(ref_ids)), f"{panel['title']}: refIds repeat"
        for target in panel.get("targets", []):
            assert selectors(target["expr"]), f"{panel['title']}: query reads nothing"


def test_the_fleet_dashboard_passes_the_schema_and_layout_checks() -> None:
    dashboard = load()
    check(dashboard)
    assert dashboard["uid"] == "kiosk-fleet"
    variables = {v["name"] for v in dashboard["templating"]["list"]}
    assert variables == {"datasource", "station"}


def _drop_grid(d: dict) -> None:
    del d["panels"][1]["gridPos"]


def _wide(d: dict) -> None:
    d["panels"][1]["gridPos"]["w"] = 30


def _overlap(d: dict) -> None:
    d["panels"][2]["gridPos"] = dict(d["panels"][1]["gridPos"])


def _bad_query(d: dict) -> None:
    d["panels"][1]["targets"][0]["expr"] = "sum(rate(kiosk_turns_total[5m]"


def _no_title(d: dict) -> None:
    del d["title"]


@pytest.mark.parametrize("damage", [_drop_grid, _wide, _overlap, _bad_query, _no_title])
def test_a_damaged_dashboard_is_refused(damage) -> None:
    dashboard = copy.deepcopy(load())
    damage(dashboard)
    with pytest.raises((jsonschema.ValidationError, AssertionError, ValueError)):
        check(dashboard)
