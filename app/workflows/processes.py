"""Which local process does a piece of work, and is it still there.

Jobs and imports record their process as ``pid@host``. A workspace opened after a crash uses it to
tell work that is still running in another process (a ``serve`` next to the GUI) from work whose
process is gone, without a lock that a crash would leave behind.
"""

from __future__ import annotations

import os
import socket

THIS = f"{os.getpid()}@{socket.gethostname()}"


def alive(owner: str | None) -> bool:
    """Whether the process ``pid@host`` still runs on this machine (another host: assumed gone)."""
    pid, _, host = (owner or "").partition("@")
    if not pid.isdigit() or host != socket.gethostname():
        return False
    if os.name == "nt":  # signal 0 means CTRL_C_EVENT there: ask the kernel instead
        import ctypes
        kernel = ctypes.windll.kernel32
        handle = kernel.OpenProcess(0x1000, False, int(pid))  # query limited information
        if not handle:
            return False
        code = ctypes.c_ulong()
        kernel.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel.CloseHandle(handle)
        return code.value == 259  # STILL_ACTIVE
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
