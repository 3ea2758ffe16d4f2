"""Frozen entry point of the ``lianmo`` executable: the same CLI and GUI as ``python -m app``.

``freeze_support()`` must run before anything else: the crypto pools start workers with ``spawn``,
which re-executes this very executable with ``--multiprocessing-fork`` (and the resource tracker);
here those child processes are diverted into multiprocessing instead of starting the app again.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from app.cli import main

    raise SystemExit(main())
