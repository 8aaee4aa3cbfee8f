"""Limits every Observer Logbook process sets on itself before it touches a vault.

A crash dump is a copy of the process's memory written to disk: the vault's keys, decrypted
notes and photos would land in a file (often collected by systemd-coredump or apport, outside
the vault, readable later). No dump is worth that, so core dumps are switched off for the
process and its children. Best effort: platforms without the limit (Windows) are left alone.
"""

from __future__ import annotations


def forbid_core_dumps() -> bool:
    """Set the core file size limit to zero (soft and hard); True if it is now zero."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return False
    try:
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (OSError, ValueError):  # pragma: no cover - a platform that refuses
        return False
    return resource.getrlimit(resource.RLIMIT_CORE) == (0, 0)
