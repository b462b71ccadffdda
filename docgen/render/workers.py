"""Pool workers that end with the process that started them.

A worker of a ProcessPoolExecutor waits on its task queue; when its parent is killed
(Ctrl-C twice, a SIGKILL, a closed terminal) that wait never ends, because the other
workers still hold the queue open. Each worker therefore watches its parent and exits
when it is gone, so a killed batch leaves no orphan processes behind.
"""

from __future__ import annotations

import os
import threading
import time


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def exit_with_parent(parent: int) -> None:
    """A ProcessPoolExecutor initializer: `initializer=exit_with_parent, initargs=(os.getpid(),)`."""
    if os.name == "posix":  # a POSIX orphan is re-parented, so its parent id changes
        threading.Thread(target=_watch, args=(parent,), daemon=True).start()
