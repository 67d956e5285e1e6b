"""Drawings show the week as booked, and what the architect decided.

A shared room's strip reads the plan's timetable, so a function whose
sessions the solver books shows its booked slots (not an empty row); a
function the scenario fixes is marked 既定 (given); a room kept out of the
facility says so; a room with a present name shows it beside its new use.
"""

from __future__ import annotations

import matplotlib.pyplot as plt

from spaceplan.data import Room
from spaceplan.plot.floorplan import room_lines
from spaceplan.plot.schedule import plot_schedule


def _used(ax, fid: str) -> set[str]:
    out = set()
    for p in ax.patches:
        gid = p.get_gid() or ""
        parts = gid.split(":")
        if parts[0] == "slot" and parts[1] == fid and parts[3] == "1":
            out.add(parts[2])
    return out


def test_the_strip_shows_booked_slots(scenario) -> None:
    fid = scenario.functions[0].id
    ax = plot_schedule(scenario, [fid], booked={fid: ["mon_am", "sat_pm"]})
    # Exactly the two booked slots are filled, whatever the schedule says.
    assert _used(ax, fid) == {"mon_am", "sat_pm"}
    plt.close(ax.figure)
    ax = plot_schedule(scenario, [fid])
    want = set(scenario.functions[0].active_slots(scenario.slots))
    assert _used(ax, fid) == want
    plt.close(ax.figure)


def test_given_functions_rooms_and_present_names(scenario) -> None:
    f = scenario.functions[0]
    room = Room(id="R9", name="会议室", floor=1, area=30.0)
    plain = room_lines(room, [f], "zh")
    given = room_lines(room, [f], "zh", frozenset({f.id}))
    assert plain[0] == f.name and given[0] == f.name + "（既定）"
    assert "原会议室" in plain
    assert room_lines(room, [f], "en", frozenset({f.id}))[0].endswith(
        " (given)"
    )
    closed = Room(id="R8", floor=1, area=20.0, kind="unavailable")
    assert "既定：不纳入设施" in room_lines(closed, [], "zh")
