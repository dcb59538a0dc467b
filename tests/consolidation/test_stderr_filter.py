"""The two harmless SCIP event-handler lines an interruptible solve writes
to descriptor 2 never reach the user (the CLI's progress bar makes every
freight solve interruptible); any other native line still does."""

from __future__ import annotations

import os

from planner.casegen import CaseSpec, generate_case
from planner.consolidation import ConsolidationParams, consolidate, supplies_from_lots
from planner.consolidation.stderr_filter import _Lines, filtered_stderr, passed_on

SCIP_LINES = ("[scip_event.c:305] ERROR: SCIPcatchEvent does not support variable or row change "
              "events. Use SCIPcatchVarEvent or SCIPcatchRowEvent!\n"
              "[gscip_event_handler.cc:124] ERROR: Error <-9> in function call\n")


def test_only_the_harmless_lines_are_dropped() -> None:
    other = "[scip_lp.c:12] WARNING: numerical trouble\n"
    assert passed_on((SCIP_LINES + other + "plain\n").encode()) == (other + "plain\n").encode()


def test_a_harmless_line_written_in_pieces_is_dropped_and_other_pieces_pass_at_once() -> None:
    lines = _Lines()
    assert lines.feed(b"[scip_event.c:305] ") == b""
    assert lines.feed(b"ERROR: SCIPcatchEvent does not support variable or row change events.") == b""
    assert lines.feed(b" Use SCIPcatchVarEvent!\n\r 40 % ") == b"\r 40 % "
    assert lines.feed(b"[scip") == b""
    assert lines.feed(b"_lp.c:1] real\n") == b"[scip_lp.c:1] real\n"
    assert lines.end() == b""


def test_native_writes_other_than_the_harmless_lines_come_through(capfd) -> None:
    with filtered_stderr():
        os.write(2, SCIP_LINES.encode())
        os.write(2, b"solver: something real\n")
    err = capfd.readouterr().err
    assert err == "solver: something real\n"


def test_an_interruptible_freight_solve_prints_no_scip_event_errors(capfd) -> None:
    case = generate_case(CaseSpec(seed=7, n_farms=20, n_lots=30, n_orders=300))
    seen: list[str] = []
    result = consolidate(case, supplies_from_lots(case), params=ConsolidationParams(time_limit_s=5),
                         progress=lambda fraction, message: seen.append(message))
    err = capfd.readouterr().err
    assert "SCIPcatchEvent" not in err and "gscip_event_handler" not in err, err
    assert result.itineraries and seen[-1] == "done"
