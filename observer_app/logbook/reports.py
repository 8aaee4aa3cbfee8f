"""Making and checking signed reports: the service the CLI and the GUI both call.

`make_report` gathers the records, applies the audience rules, lays out the pages, attaches the
JSON data, signs with the holder's key and current certificate, and writes the file atomically
(private to the user: a complaint or internal report holds personal data). `verify_report` needs
no vault: trust comes from `--trust` files and, when a vault is open, from the organisation
certificates it knows (`known_trust_roots`).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from cryptography import x509

from observer_app.core.catalogue import Catalogue, load_catalogue
from observer_app.core.ids import new_id
from observer_app.core.progress import Cancel, Progress
from observer_app.core.timeutil import format_utc, utc_now
from observer_app.crypto.certificates import organisation_name
from observer_app.crypto.keys import format_fingerprint
from observer_app.errors import OperationCancelled, UsageError, UserActionError, system_reason
from observer_app.handoff.enroll import trust as handoff_trust
from observer_app.i18n import SUPPORTED_LANGUAGES, _
from observer_app.logbook.output import write_user_file
from observer_app.logbook.session import LogbookSession
from observer_app.logbook.settings import Settings, load_settings
from observer_app.reports.builder import MediaView, build_view
from observer_app.reports.data import ReportOptions as ReportOptions  # the shells fill it
from observer_app.reports.data import gather
from observer_app.reports.document import render_pdf
from observer_app.reports.labels import ReportTexts
from observer_app.reports.report_json import (
    ATTACHMENT_NAME,
    ReportDataCheck,
    build_document,
    encode_document,
)
from observer_app.reports.signing import attach_json, sign_pdf
from observer_app.reports.sources import feed_public_keys
from observer_app.reports.verification import PdfVerdict, verify_pdf
from observer_app.vault.blobs import BlobStore
from observer_app.vault.identity_store import load_organisation_ca
from observer_app.vault.queries.media import list_media, thumbnail_keys

_STEPS = 4  # gather, pages, sign, write


@dataclass(frozen=True)
class ReportTimings:
    """Seconds spent per stage (the benchmark prints them)."""

    gather: float = 0.0
    layout: float = 0.0
    images: float = 0.0
    signing: float = 0.0
    write: float = 0.0


@dataclass(frozen=True)
class ReportResult:
    path: Path
    report_id: str
    size: int
    timings: ReportTimings


def make_report(
    session: LogbookSession,
    options: ReportOptions,
    out: Path,
    progress: Progress | None = None,
    cancel: Cancel | None = None,
    catalogue: Catalogue | None = None,
) -> ReportResult:
    if options.lang not in SUPPORTED_LANGUAGES:
        raise UsageError(
            _("Unknown report language '{value}'. Allowed: {allowed}.").format(
                value=options.lang, allowed=", ".join(SUPPORTED_LANGUAGES)
            )
        )
    if out.is_dir():
        raise UserActionError(_("{path} is a folder").format(path=out))

    def step(done: int) -> None:
        if cancel is not None and cancel():
            raise OperationCancelled(_("The report was cancelled; no file was written."))
        if progress is not None:
            progress(done, _STEPS)

    catalogue = catalogue or load_catalogue()
    options = with_report_settings(options, load_settings(session))
    options = replace(options, on_behalf_of=speaking_for(session, options))
    texts = ReportTexts.for_language(options.lang, catalogue)
    identity = session.identity
    step(0)
    started = time.perf_counter()
    data = gather(
        session.conn,
        catalogue,
        options,
        list_media(session.conn),
        holder_feed=identity.feed,
        holder_tz=identity.default_tz,
        report_id=new_id(),
        generated_utc=format_utc(utc_now()),
    )
    fingerprint = format_fingerprint(identity.feed)
    view = build_view(data, texts, fingerprint)
    gathered = time.perf_counter()
    step(1)

    image_seconds = 0.0
    # The keys of every thumbnail the pages show, in one query; each thumbnail is then read
    # (and decrypted) only when the layout asks for it, never the full-size photos.
    keys = thumbnail_keys(session.conn, (m.id for m in view.media if m.kind == "photo"))
    blobs = BlobStore(session.vault.blobs_dir)

    def thumbnails(item: MediaView) -> bytes | None:
        nonlocal image_seconds
        if cancel is not None and cancel():
            raise OperationCancelled(_("The report was cancelled; no file was written."))
        key = keys.get(item.id)
        if key is None:  # purged, no thumbnail (too large, not decodable): a placeholder
            return None
        begin = time.perf_counter()
        try:
            return blobs.read_all(key.file, key.key)
        finally:
            image_seconds += time.perf_counter() - begin

    pdf = render_pdf(view, texts, thumbnails)
    rendered = time.perf_counter()
    step(2)

    public_keys = feed_public_keys(session.conn, sorted({e.feed for e in view.events}))
    document = encode_document(build_document(view, public_keys))
    with_data = attach_json(pdf, ATTACHMENT_NAME, document, texts.gettext("Report data (JSON)"))
    signed = sign_pdf(
        with_data,
        identity.signing_key,
        identity.certificate,
        signing_chain(session),
        signer_name=view.signer.name,
        reason=texts.gettext("Election observation report {id}").format(id=view.report_id),
    )
    signed_at = time.perf_counter()
    step(3)
    write_user_file(out, signed)
    written = time.perf_counter()
    step(4)
    return ReportResult(
        path=out,
        report_id=view.report_id,
        size=len(signed),
        timings=ReportTimings(
            gather=gathered - started,
            layout=rendered - gathered - image_seconds,
            images=image_seconds,
            signing=signed_at - rendered,
            write=written - signed_at,
        ),
    )


def with_report_settings(options: ReportOptions, settings: Settings) -> ReportOptions:
    """The options, with what the vault's settings say where the caller left a field unset."""
    return replace(
        options,
        organisation=options.organisation or settings.report_organisation,
        contact=options.contact or settings.report_contact,
        legal_basis=options.legal_basis or settings.legal_basis,
        legal_basis_date=options.legal_basis_date or settings.legal_basis_date,
    )


def speaking_for(session: LogbookSession, options: ReportOptions) -> str | None:
    """The organisation a coordinator's report speaks for: the name the settings give, else
    the one its organisation certificate names. An observer's report speaks for its observer
    (None)."""
    if session.identity.role != "coordinator":
        return None
    if options.organisation:
        return options.organisation
    ca = load_organisation_ca(session.conn)
    return organisation_name(ca[1]) if ca is not None else _("Observer organisation")


def known_trust_roots(session: LogbookSession) -> list[x509.Certificate]:
    """Organisation certificates this vault trusts (its own CA, or the CAs it pinned)."""
    return handoff_trust.known_trust_roots(session)


def signing_chain(session: LogbookSession) -> list[x509.Certificate]:
    """The issuer of the holder's certificate when the vault knows it (embedded in the
    signature so that a verifier holding only the organisation root can build the path)."""
    certificate = session.identity.certificate
    if certificate.issuer == certificate.subject:
        return []
    return [root for root in known_trust_roots(session) if root.subject == certificate.issuer]


# -- verification -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ReportVerdict:
    pdf: PdfVerdict
    report_id: str | None = None
    audience: str | None = None
    lang: str | None = None
    journal_heads: tuple[dict[str, Any], ...] = ()

    @property
    def valid(self) -> bool:
        return self.pdf.valid

    @property
    def trusted(self) -> bool:
        return self.pdf.trusted

    def to_json(self) -> dict[str, Any]:
        pdf = self.pdf
        return {
            "valid": pdf.valid,
            "trusted": pdf.trusted,
            "reason": pdf.reason,
            "signer_name": pdf.signer_name,
            "signer_fingerprint": pdf.signer_fingerprint,
            "signing_time": pdf.signing_time.isoformat() if pdf.signing_time else None,
            "attachment_ok": pdf.attachment_ok,
            "report_id": self.report_id,
            "audience": self.audience,
            "lang": self.lang,
            "journal_heads": list(self.journal_heads),
        }


def load_trust_file(path: Path) -> list[x509.Certificate]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UserActionError(
            _("cannot read {path}: {reason}").format(path=path, reason=system_reason(error))
        ) from None
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificates(data)
        return [x509.load_der_x509_certificate(data)]
    except ValueError:
        raise UserActionError(
            _("{path} is not a certificate (PEM or DER).").format(path=path)
        ) from None


def verify_report(
    session: LogbookSession | None, pdf_path: Path, trust_paths: Sequence[Path] = ()
) -> ReportVerdict:
    """Valid (intact, whole file, data matches) and trusted (chains to a trusted root)."""
    try:
        pdf = pdf_path.read_bytes()
    except OSError as error:
        raise UserActionError(
            _("cannot read {path}: {reason}").format(path=pdf_path, reason=system_reason(error))
        ) from None
    roots = [cert for path in trust_paths for cert in load_trust_file(path)]
    if session is not None:
        roots += known_trust_roots(session)
    check = ReportDataCheck()  # keeps the data it decoded: the attachment is read once
    verdict = verify_pdf(pdf, roots, attachment_name=ATTACHMENT_NAME, attachment_check=check)
    if not verdict.valid:
        return ReportVerdict(verdict)
    document = check.document
    assert document is not None  # valid with an attachment name: the check ran and matched
    signer = document.get("signer")
    named = signer.get("fingerprint") if isinstance(signer, dict) else None
    if named != verdict.signer_fingerprint:
        verdict = replace(
            verdict,
            valid=False,
            trusted=False,
            attachment_ok=False,
            reason=_("The report's data names a different signer than the signature."),
        )
    heads = document.get("journal_heads")
    return ReportVerdict(
        pdf=verdict,
        report_id=str(document.get("report_id")),
        audience=str(document.get("audience")),
        lang=str(document.get("lang")),
        journal_heads=tuple(h for h in heads if isinstance(h, dict))
        if isinstance(heads, list)
        else (),
    )
