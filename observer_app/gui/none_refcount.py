"""Keep `None`, `True` and `False` alive under PySide6 6.12 on CPython 3.11.

Shiboken 6.12 returns `None` from every void method (`setText`, `show`, `processEvents`, ...)
without taking a reference, as if `None` were immortal, which it is only from Python 3.12 on.
On 3.11 each such call drops one reference to `None`; after a few thousand calls (its count was
4,322 in one measured process) the interpreter aborts with "none_dealloc: deallocating None".
Giving `None` an enormous reference count once at start makes it immortal in practice, as 3.12
does by design. `tests/gui/test_none_refcount.py` reproduces the fault without this.

`True` and `False` suffer the same: every `Signal.emit` from Python returns a bool without a
reference (a gallery scrolled through 1,000 previews, one `dataChanged` each, aborted with
"bool_dealloc: deallocating True or False"), so they get the same headroom.
"""

from __future__ import annotations

import ctypes
import sys
from typing import Final

HEADROOM: Final = 1 << 48
"""References added once: more void calls than a process makes in years."""

_done = False


def keep_none_alive() -> None:
    """Once per process, on CPython before 3.12 (later versions need nothing)."""
    global _done
    if _done or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    # ob_refcnt is the first field of every CPython object (Py_ssize_t).
    for constant in (None, True, False):
        ctypes.c_ssize_t.from_address(id(constant)).value += HEADROOM
    _done = True
