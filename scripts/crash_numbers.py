"""Kill docgen at random moments while it gives numbers, a hundred times per command, and
print what came of it (issue 17's "done when"; tests/test_crash.py runs fewer kills).

    python scripts/crash_numbers.py [--kills 100] [--backend file|postgresql|both] [--seed 17]
        [--commands sign followup certificate next]

PostgreSQL: the server of $DOCGEN_TEST_PG_URL (else a private one, as the tests start
it), a fresh database per command. Each round: the command in a child process killed
with SIGKILL after a random (seeded) delay, the command run again, then every file
docgen wrote checked (tests/crash.py). Exit 1 if any violation was found.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import fresh_database  # noqa: E402
from tests.crash import COMMANDS, crash  # noqa: E402
from tests.pg_server import admin_url  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--kills", type=int, default=100)
    parser.add_argument("--backend", choices=("file", "postgresql", "both"), default="both")
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument(
        "--commands", nargs="+", choices=COMMANDS, default=["sign", "followup", "certificate"]
    )
    args = parser.parse_args()
    backends = ("file", "postgresql") if args.backend == "both" else (args.backend,)
    failed = False
    for backend in backends:
        for command in args.commands:
            start = time.monotonic()
            with tempfile.TemporaryDirectory() as tmp:
                if backend == "file":
                    outcome = crash(
                        Path(tmp) / "ws", command, args.kills, env={}, seed=args.seed, backend=backend
                    )
                else:
                    with admin_url(lambda reason: sys.exit(f"crash_numbers: {reason}")) as admin:
                        with fresh_database(admin) as url:
                            outcome = crash(
                                Path(tmp) / "ws",
                                command,
                                args.kills,
                                env={"DOCGEN_TRACKER_URL": url},
                                seed=args.seed,
                                backend=backend,
                            )
            print(f"{outcome.line()}  ({time.monotonic() - start:.0f} s)", flush=True)
            for violation in outcome.violations:
                print(f"    {violation}", flush=True)
            failed = failed or bool(outcome.violations)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
