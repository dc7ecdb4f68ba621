"""Children die with their parent: the simulator and dbt never outlive the run that started them.

A run killed with ``kill -9`` runs no cleanup, so a process group or an ``atexit`` handler cannot stop its
children; and an orphaned dbt would keep writing the warehouse (holding DuckDB's file lock) after the run's
writer lock was released. On Linux each child asks the kernel for a signal when its parent dies
(``prctl(PR_SET_PDEATHSIG)``, kept across ``exec``), set between fork and exec by ``die_with_parent()``.

The kernel sends the signal when the *thread* that forked the child ends, so start a child from the thread
that waits for it (every caller here does: ``subprocess.run``, a ``with`` block, dagster-dbt's step). On other
systems ``die_with_parent()`` returns None and children are stopped only by their parent's normal exit.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import SimpleNamespace
from typing import Any

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _prctl() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None
    return libc.prctl


_PRCTL = _prctl()  # resolved once, before any fork: the child only makes the call


def die_with_parent(sig: int = signal.SIGTERM) -> Callable[[], None] | None:
    """A ``preexec_fn`` that makes the child receive ``sig`` when this process dies (None off Linux).

    SIGTERM: the simulator and dbt stop as on any termination. If the parent died before the call took
    effect, the child is re-parented already: it then signals itself."""
    if _PRCTL is None:
        return None
    parent = os.getpid()

    def preexec() -> None:
        _PRCTL(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
        if os.getppid() != parent:
            os.kill(os.getpid(), sig)

    return preexec


@contextmanager
def dagster_dbt_children_die_with_parent() -> Iterator[None]:
    """While the block runs, the dbt process dagster-dbt starts dies with this process.

    dagster-dbt starts dbt with ``subprocess.Popen`` and offers no hook for it: for the block, its module
    sees a ``subprocess`` whose ``Popen`` adds ``die_with_parent()``. Only that module is affected, and steps
    of this project run one at a time in the run's process (the in-process executor)."""
    from dagster_dbt.core import dbt_cli_invocation

    preexec = die_with_parent()
    original = dbt_cli_invocation.subprocess
    if preexec is None or not isinstance(original, type(subprocess)):
        yield  # not Linux, or already wrapped by an enclosing block
        return

    def popen(*args: Any, **kwargs: Any) -> subprocess.Popen:
        kwargs.setdefault("preexec_fn", preexec)
        return subprocess.Popen(*args, **kwargs)

    names = {name: getattr(subprocess, name) for name in dir(subprocess) if not name.startswith("__")}
    dbt_cli_invocation.subprocess = SimpleNamespace(**{**names, "Popen": popen})  # type: ignore[assignment]
    try:
        yield
    finally:
        dbt_cli_invocation.subprocess = original
