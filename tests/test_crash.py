"""Issue 17: docgen killed (SIGKILL) at random moments while it gives numbers, on both
backends; after the command is run again every printed number is registered once and
every file that existed before is as it was or as the command wrote it (tests/crash.py;
scripts/crash_numbers.py runs a hundred kills per command)."""

from __future__ import annotations

import pytest

from tests.crash import crash

KILLS = {"sign": 10, "followup": 10, "certificate": 10, "certificates": 3, "next": 6}


@pytest.mark.parametrize("command", sorted(KILLS))
def test_killed_at_random_moments_every_printed_number_is_registered_once(command, backend, tmp_path):
    outcome = crash(
        tmp_path / "crash", command, KILLS[command], env=backend.env, seed=17, backend=backend.name
    )
    assert outcome.kills == KILLS[command]
    assert outcome.violations == []
