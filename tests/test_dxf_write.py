"""DXF out: floors side by side, room attributes, used styles, layer names."""

from __future__ import annotations

from pathlib import Path

import ezdxf
import pytest
from ezdxf import bbox

from spaceplan.check import checked_candidate
from spaceplan.dxf.write import ROOM_BLOCK, layer_names, write_candidate_dxf
from spaceplan.layout import room_functions
from spaceplan.read import read_plan, read_scenario

DATA = Path(__file__).parent / "data" / "plot"


@pytest.fixture(scope="module")
def scenario():
    return read_scenario(DATA / "scenario.yaml")


@pytest.fixture(scope="module")
def candidate(scenario):
    return checked_candidate(
        scenario, read_plan(DATA / "plan.yaml", scenario), "A"
    )


@pytest.fixture(scope="module")
def doc(scenario, candidate, tmp_path_factory):
    path = tmp_path_factory.mktemp("dxf") / "plan-A.dxf"
    write_candidate_dxf(scenario, candidate, path)
    return ezdxf.readfile(path)


def test_floors_do_not_overlap(doc, scenario):
    # Both floors of the test building share one footprint, so drawn at
    # the survey's origin they would lie on top of each other.
    msp = doc.modelspace()
    boxes = []
    for floor in ("1F", "2F"):
        outlines = [
            e for e in msp.query("LWPOLYLINE")
            if e.dxf.layer.startswith(f"SP-{floor}-")
        ]
        assert outlines, floor
        boxes.append(bbox.extents(outlines))
    first, second = boxes
    assert first.extmax.x < second.extmin.x
    # each floor has its title, below its own rooms
    titles = [e.dxf.text for e in msp.query('TEXT[layer=="SP-TITLE"]')]
    assert titles == ["1F 平面", "2F 平面"]


def test_each_room_insert_carries_its_id_and_functions(
    doc, scenario, candidate
):
    inserts = doc.modelspace().query(f'INSERT[name=="{ROOM_BLOCK}"]')
    got = {
        ins.get_attrib_text("ROOM"): ins.get_attrib_text("FUNCTIONS")
        for ins in inserts
    }
    assert sorted(got) == sorted(r.id for r in scenario.building.rooms)
    funcs = room_functions(scenario, candidate)
    for rid, text in got.items():
        want = [f.name for f in funcs.get(rid, [])]
        assert (text.split("、") if text else []) == want, rid
    # one definition holds the attribute definitions
    block = doc.blocks.get(ROOM_BLOCK)
    assert [a.dxf.tag for a in block.query("ATTDEF")] == [
        "ROOM", "FUNCTIONS", "NAME", "AREA",
    ]
    named = {r.id: r.name or "" for r in scenario.building.rooms}
    assert any(named.values())
    for ins in inserts:
        assert ins.get_attrib_text("NAME") == named[ins.get_attrib_text("ROOM")]


def test_only_used_text_styles(doc):
    used = set()
    for entity in doc.entitydb.values():
        if entity.dxf.hasattr("style") and entity.dxftype() != "DIMENSION":
            used.add(entity.dxf.style.lower())
    styles = {s.dxf.name.lower() for s in doc.styles}
    # Standard is the one style a DXF must hold
    assert styles - used == {"standard"}
    assert doc.audit().has_errors is False


def test_layer_names_can_be_chosen(scenario, candidate, tmp_path):
    path = tmp_path / "a.dxf"
    write_candidate_dxf(
        scenario,
        candidate,
        path,
        layers={"outline": "A-AREA-{floor}", "title": "A-ANNO-TTLB"},
    )
    doc = ezdxf.readfile(path)
    assert "A-AREA-1F" in doc.layers and "A-ANNO-TTLB" in doc.layers
    assert "SP-1F-TEXT" in doc.layers  # a role not given keeps its name
    with pytest.raises(ValueError, match="unknown DXF layer role"):
        layer_names({"outlines": "X"})
    with pytest.raises(ValueError, match="only"):
        layer_names({"text": "{level}-TEXT"})
