"""The few keys that may leave the vault, on request (`keys export-age-identity|export-org-cert`).

The age identity lets a holder open bundles, setup packages and receipts with the `age` tool;
the organisation certificate lets anyone verify (and trust) the organisation's reports. Both
are written as new files readable by the holder only, never over an existing file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from cryptography import x509

from observer_app.core.timeutil import format_utc, utc_now
from observer_app.crypto.age_keys import recipient_of
from observer_app.crypto.certificates import certificate_to_pem
from observer_app.errors import UserActionError
from observer_app.handoff.documents import write_private_file
from observer_app.i18n import _
from observer_app.logbook.session import LogbookSession
from observer_app.vault.identity_store import load_organisation_ca
from observer_app.vault.queries.pins import current_pin


@dataclass(frozen=True)
class ExportedCertificate:
    """Where the organisation certificate went, and whose it is (RFC 4514 subject)."""

    path: Path
    subject: str


def export_age_identity(session: LogbookSession, out: Path) -> Path:
    """Write the holder's age secret key to `out` in the format the `age` tool reads."""
    identity = session.identity
    text = "\n".join(
        (
            f"# created: {format_utc(utc_now())}",
            f"# public key: {recipient_of(identity.age_identity)}",
            identity.age_identity.strip(),
            "",
        )
    )
    write_private_file(out, text.encode("ascii"))
    return out


def organisation_certificate(session: LogbookSession) -> x509.Certificate:
    """A coordinator's own organisation CA, else the one an enrolled observer pinned."""
    own = load_organisation_ca(session.conn)
    if own is not None:
        return own[1]
    pin = current_pin(session.conn, session.identity.feed)
    if pin is None:
        raise UserActionError(_("this vault holds no organisation certificate: it is not enrolled"))
    return pin.organisation_ca


def export_org_cert(session: LogbookSession, out: Path) -> ExportedCertificate:
    """Write the organisation certificate (PEM) to `out`."""
    certificate = organisation_certificate(session)
    write_private_file(out, certificate_to_pem(certificate))
    return ExportedCertificate(path=out, subject=certificate.subject.rfc4514_string())
