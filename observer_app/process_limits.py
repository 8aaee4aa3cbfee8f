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


def locked_memory_limit() -> int | None:
    """How many bytes this process may lock into RAM (RLIMIT_MEMLOCK, soft), or None when
    there is no limit or the platform has none. SQLCipher's memory security locks every page it
    holds; past this limit the kernel refuses and pages stay swappable without a word."""
    try:
        import resource
    except ImportError:  # pragma: no cover - Windows
        return None
    try:
        soft, _hard = resource.getrlimit(resource.RLIMIT_MEMLOCK)
    except (OSError, ValueError):  # pragma: no cover - a platform that refuses
        return None
    if soft == resource.RLIM_INFINITY or soft < 0:
        return None
    return int(soft)


def locked_memory_now() -> int | None:
    """Bytes this process has locked now (Linux: VmLck in /proc/self/status), None elsewhere."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("VmLck:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        return None
    return None
