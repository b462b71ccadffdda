"""A second process that renders part of a batch (Linux, two cores or more).

reportlab draws in pure Python, so a thousand certificates keep one core busy for
seconds while others idle. `Helper` forks this process once the renderer is warm: the
child inherits the prepared renderer (nothing is pickled) and takes items from the back
of the list while this process takes them from the front, until they meet (however busy
each core is, neither waits long for the other); it writes each file itself and sends
back one small JSON object of results.

Safety, because the files it writes are the pending files of a number-giving command
(state/journal.py):
- the child dies with its parent (PR_SET_PDEATHSIG, then a check that the parent is
  still the one that forked it), so a killed docgen never leaves a writer behind;
- it never returns into docgen's code: it ends with os._exit, so no atexit handler,
  buffered output, tracker connection or lock of the parent is touched twice;
- any failure of the parent kills and reaps it before the error goes on.
Elsewhere (Windows, macOS, one core, DOCGEN_ONE_PROCESS set) everything runs in this
process, with the same results.
"""

from __future__ import annotations

import gc
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from typing import Any

_PR_SET_PDEATHSIG = 1


def available() -> bool:
    """Whether a second process can help: Linux, two cores or more, not switched off."""
    return (
        sys.platform.startswith("linux")
        and (os.cpu_count() or 1) >= 2
        and not os.environ.get("DOCGEN_ONE_PROCESS")
        and _prctl() is not None
    )


def _prctl() -> Any:
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None


class NoProcess(Exception):
    """The system could not start the second process: do the work in this one."""


class Helper:
    """`work(item)` over a list shared with a forked child: this process takes items from
    the front (`claim`), the child from the back, each as fast as its core allows, until
    they meet; `results()` waits for the child's and returns them by index. The child
    first runs `first()`, if given (a job only it does, such as a file of all pages)."""

    def __init__(
        self, work: Callable[[Any], str], items: Sequence[Any], first: Callable[[], None] | None = None
    ) -> None:
        from multiprocessing import Value  # shared memory and a semaphore, inherited by fork

        prctl = _prctl()
        parent = os.getpid()
        # [front, back): the items nobody took yet; the lock makes each take one step.
        self.bounds = Value("q", 0, lock=True), Value("q", len(items), lock=False)
        self.lock = self.bounds[0].get_lock()
        read, write = os.pipe()
        # The objects that exist now are left out of the child's garbage collections: a
        # collection touches every object it scans, and each page it touches is copied
        # (copy-on-write) before the child can go on (gc.freeze's documented use).
        gc.freeze()
        try:
            pid = os.fork()
        except OSError:  # no process to spare (EAGAIN, ENOMEM): the caller does it alone
            gc.unfreeze()
            os.close(read)
            os.close(write)
            raise
        if pid == 0:  # the child: never returns
            os.close(read)
            _child(work, items, first, self.bounds, self.lock, write, parent, prctl)
        gc.unfreeze()
        os.close(write)
        self.pid: int | None = pid
        self.fd = read

    def claim(self, index: int) -> bool:
        """Whether this process takes item `index` (the items are claimed in order): False
        once the child has taken it."""
        front, back = self.bounds
        with self.lock:
            if index < back.value:
                front.value = index + 1
                return True
            return False

    def results(self) -> dict[int, str]:
        """The child's results by index; its failure raised here as it was raised there."""
        with os.fdopen(self.fd, "rb") as fh:
            data = fh.read()
        assert self.pid is not None
        _pid, status = os.waitpid(self.pid, 0)
        self.pid = None
        try:
            answer = json.loads(data)
        except ValueError:
            answer = {"error": ["RuntimeError", f"the second renderer stopped (status {status})"]}
        if "error" in answer:
            kind, message, *where = answer["error"]
            if kind == "OSError":
                raise OSError(where[0], message, where[1])
            raise RuntimeError(f"{kind}: {message}")
        return {int(index): result for index, result in answer["results"].items()}

    def stop(self) -> None:
        """Kill and reap the child (the parent is failing)."""
        if self.pid is None:
            return
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except OSError:
            pass
        self.pid = None
        try:
            os.close(self.fd)
        except OSError:
            pass


def _child(
    work: Callable[[Any], str],
    items: Sequence[Any],
    first: Callable[[], None] | None,
    bounds: Any,
    lock: Any,
    fd: int,
    parent: int,
    prctl: Any,
) -> None:
    code = 0
    results: dict[int, str] = {}
    try:
        prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        if os.getppid() != parent:  # the parent died before the line above
            os._exit(1)
        if first is not None:
            first()
        front, back = bounds
        while True:
            with lock:
                if back.value <= front.value:
                    break
                back.value -= 1
                index = back.value
            results[index] = work(items[index])
        answer: dict[str, Any] = {"results": results}
    except OSError as exc:
        answer = {"error": ["OSError", exc.strerror or str(exc), exc.errno, exc.filename]}
        code = 1
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which raises it
        answer = {"error": [type(exc).__name__, str(exc)]}
        code = 1
    try:
        data = memoryview(json.dumps(answer).encode("utf-8"))
        while data:
            data = data[os.write(fd, data) :]
    finally:
        os._exit(code)
