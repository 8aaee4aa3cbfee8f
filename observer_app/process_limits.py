"""Limits every Observer Logbook process sets on itself before it touches a vault.

A crash dump is a copy of the process's memory written to disk: the vault's keys, decrypted
notes and photos would land in a file (often collected by systemd-coredump or apport, outside
the vault, readable later). No dump is worth that, so core dumps are switched off for the
process and its children. Only the soft limit is lowered: that alone stops dumps, and leaving
the hard limit lets code that embeds the package (tests) raise it again. Best effort: platforms
without the limit (Windows) are left alone.
"""

from __future__ import annotations


def forbid_core_dumps() -> bool:
    """Set the core file size (soft) limit to zero; True if it is now zero."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return False
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_CORE)
        resource.setrlimit(resource.RLIMIT_CORE, (0, hard))
    except (OSError, ValueError):  # pragma: no cover - a platform that refuses
        return False
    return resource.getrlimit(resource.RLIMIT_CORE)[0] == 0
