"""Where runs are solved: a spawn process pool or a Dask cluster.

Both give ``(submit, as_completed)``; runs travel as plain dicts and come
back as rows.
"""

from __future__ import annotations

import ctypes
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from multiprocessing import get_context
from typing import Any

from spaceplan.errors import InputError, Msg
from spaceplan.sweep.run import run_task


def cpu_cores() -> int:
    """Cores this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def default_processes(workers_per_run: int) -> int:
    """Processes so that processes × CP-SAT workers fill the cores."""
    return max(1, cpu_cores() // max(1, workers_per_run))


Submit = Callable[[dict[str, Any]], Any]


def die_with_parent(parent: int) -> None:
    """End this worker when the sweep that started it ends, even killed.

    On Linux the kernel sends SIGKILL when the parent dies
    (``PR_SET_PDEATHSIG``); everywhere, a watcher thread also checks the
    parent once a second, so no worker solves on for nobody.
    """
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:  # died before prctl took effect
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="die-with-parent", daemon=True).start()


@contextmanager
def process_pool(processes: int) -> Iterator[tuple[Submit, Callable]]:
    """A spawn process pool: ``(submit, as_completed)``."""
    context = get_context("spawn")
    with ProcessPoolExecutor(
        processes,
        mp_context=context,
        initializer=die_with_parent,
        initargs=(os.getpid(),),
    ) as pool:

        def submit(task: dict[str, Any]) -> Future[dict[str, Any]]:
            return pool.submit(run_task, task)

        try:
            yield submit, as_completed
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


@contextmanager
def dask_client(scheduler: str) -> Iterator[tuple[Submit, Callable]]:
    """A Dask client: ``tcp://HOST:PORT`` or ``local:N`` (LocalCluster)."""
    try:
        import logging

        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError:
        raise InputError(
            None,
            "--scheduler",
            Msg("err.sweep.dask"),
        ) from None
    cluster = None
    if scheduler.startswith("local:"):
        try:
            n = int(scheduler.removeprefix("local:"))
            if n < 1:
                raise ValueError
        except ValueError:
            raise InputError(
                None,
                "--scheduler",
                Msg("err.sweep.local", scheduler=scheduler),
            ) from None
        cluster = LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        address: Any = cluster
    elif scheduler.startswith("tcp://"):
        address = scheduler
    else:
        raise InputError(
            None,
            "--scheduler",
            Msg("err.sweep.scheduler", scheduler=scheduler),
        )
    try:
        client = Client(address, timeout="20s")
    except (OSError, TimeoutError) as exc:
        if cluster is not None:
            cluster.close()
        raise InputError(
            None,
            "--scheduler",
            Msg("err.sweep.unreachable", scheduler=scheduler, detail_en=exc),
        ) from None
    try:

        def submit(task: dict[str, Any]) -> Any:
            # Only Dask's own keywords here; the task is one plain dict.
            return client.submit(
                run_task, task, key=f"sweep-run-{task['run_id']}", pure=False
            )

        yield submit, dask_completed
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
