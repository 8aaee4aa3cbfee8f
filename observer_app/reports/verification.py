"""Checking a signed report: is it valid (unaltered, whole file, data attached) and trusted.

DESIGN.md "Reports" keeps the two apart: *valid* means the one signature is intact and covers
every byte of the file (and the data attachment is there and matches); *trusted* means valid and
the signer's certificate chains to an organisation certificate the caller trusts. An unenrolled
observer's report is valid but not trusted, so we cannot lean on pyHanko's `bottom_line` (which
folds trust in): we read intact, valid and coverage ourselves. Nor do we rest on pyHanko's
coverage level, which compares lengths only: `coverage.covers_whole_file` checks from the bytes
that the signed revision is the whole file, and the attachment is read from that revision.

Everything is offline: no certificate fetching, no revocation look-ups (soft-fail), and no
fallback to the operating system's trust list: only the roots passed in count.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import NameOID
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.fields import enumerate_sig_fields
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.pdf_embedded import EmbeddedPdfSignature, collect_embedded_signatures
from pyhanko.sign.validation.settings import KeyUsageConstraints
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from observer_app.crypto.keys import format_fingerprint
from observer_app.i18n import _, ngettext
from observer_app.reports.coverage import covers_whole_file
from observer_app.reports.signing import attachment_in

_log = logging.getLogger(__name__)

# pyHanko logs an untrusted chain as a WARNING with a traceback. With no logging configured,
# Python's last-resort handler would print that to stderr, breaking the CLI's "one line on
# stderr" rule. A NullHandler only suppresses that fallback: records still propagate to
# whatever handlers the application installs.
for _logger_name in ("pyhanko", "pyhanko_certvalidator"):
    logging.getLogger(_logger_name).addHandler(logging.NullHandler())

AttachmentCheck = Callable[[bytes, bytes], bool]
"""`check(pdf, attachment_data) -> bool`: does the attached data match the document?"""

# A signing certificate must allow signing; either bit will do (RFC 5280 keeps them distinct,
# issuers differ in which one they set). A certificate without the key usage extension allows
# any use (RFC 5280 4.2.1.3, and NSS agrees), but pyHanko would read it as "no usage at all".
_SIGNING_KEY_USAGE = KeyUsageConstraints(
    key_usage={"digital_signature", "non_repudiation"}, match_all_key_usages=False
)
_ANY_KEY_USAGE = KeyUsageConstraints(key_usage=set())


@dataclass(frozen=True)
class PdfVerdict:
    """The outcome of checking one PDF; `reason` is one translated line for the user.

    The signer fields are filled whenever a signature could be read, even when it is not valid,
    so that a refusal can still say whose signature it was.
    """

    valid: bool
    trusted: bool
    reason: str
    signer_name: str | None = None
    signer_fingerprint: str | None = None
    signing_time: datetime | None = None
    attachment_ok: bool | None = None
    certificate: x509.Certificate | None = None


def verify_pdf(
    pdf: bytes,
    trust_roots: Sequence[x509.Certificate],
    *,
    attachment_name: str | None = None,
    attachment_check: AttachmentCheck | None = None,
) -> PdfVerdict:
    """Check `pdf`; never raises for a bad or hostile file, it returns a not-valid verdict.

    With `attachment_name`, the file must carry that attachment (and, with `attachment_check`,
    the check must pass) to be valid; `attachment_ok` is None when no attachment was asked for.
    A file with more than one signature is not valid: a report is signed once, by its author,
    and a second signature means someone changed or countersigned it afterwards.
    """
    try:
        reader = PdfFileReader(BytesIO(pdf), strict=True)
        field_count = sum(1 for _field in enumerate_sig_fields(reader, filled_status=True))
        signatures = collect_embedded_signatures(reader)
    except Exception:  # a hostile or broken file can fail anywhere in the parser
        _log.debug("PDF could not be parsed", exc_info=True)
        return _not_valid(_("The file is damaged or is not a PDF."))
    if field_count == 0:
        return _not_valid(_("The file has no signature."))
    if len(signatures) != field_count:  # pyHanko skips signatures of unknown kinds
        return _not_valid(_uncheckable())
    if field_count > 1:
        return _not_valid(
            ngettext(
                "The file has {count} signature; a report is signed exactly once.",
                "The file has {count} signatures; a report is signed exactly once.",
                field_count,
            ).format(count=field_count)
        )
    return _verify_signature(pdf, signatures[0], trust_roots, attachment_name, attachment_check)


def _verify_signature(
    pdf: bytes,
    signature: EmbeddedPdfSignature,
    trust_roots: Sequence[x509.Certificate],
    attachment_name: str | None,
    attachment_check: AttachmentCheck | None,
) -> PdfVerdict:
    context = ValidationContext(
        trust_roots=[_to_asn1_cert(root) for root in trust_roots],
        allow_fetching=False,
        revocation_mode="soft-fail",
    )
    try:
        status: PdfSignatureStatus = validate_pdf_signature(
            signature,
            signer_validation_context=context,
            key_usage_settings=(
                _ANY_KEY_USAGE
                if signature.signer_cert.key_usage_value is None
                else _SIGNING_KEY_USAGE
            ),
            skip_diff=True,
        )
        certificate = x509.load_der_x509_certificate(status.signing_cert.dump())
        signer = _signer_of(certificate, signature, status)
    except Exception:  # malformed CMS, unsupported algorithms, byte ranges out of the file
        _log.debug("signature could not be validated", exc_info=True)
        return _not_valid(_uncheckable())

    if not (status.intact and status.valid):
        return _not_valid(_("The signed content was altered after signing."), signer)
    # pyHanko's coverage level is necessary but not sufficient: it compares lengths only
    # (issue 10), so the layout of the bytes is checked as well.
    if status.coverage != SignatureCoverageLevel.ENTIRE_FILE or not covers_whole_file(
        pdf, signature
    ):
        return _not_valid(_("The file was changed after it was signed."), signer)

    attachment_ok: bool | None = None
    if attachment_name is not None:
        # The check below is handed the file itself: that is the signed revision, byte for
        # byte, once `covers_whole_file` has passed.
        try:
            signed_root = signature.reader.get_historical_root(signature.signed_revision)
            data = attachment_in(signed_root, attachment_name)
        except Exception:  # the file parsed above; a broken attachment entry counts as missing
            _log.debug("attachment could not be read", exc_info=True)
            data = None
        if data is None:
            return _not_valid(_("The report's data attachment is missing."), signer, False)
        attachment_ok = _run_check(attachment_check, pdf, data)
        if not attachment_ok:
            return _not_valid(
                _("The report's data attachment does not match the document."), signer, False
            )

    trusted = status.trusted and not status.revoked
    if trusted:
        reason = _("The signature is valid and the signer's certificate is trusted.")
    else:
        reason = _(
            "The signature is valid, but the signer's certificate is not issued by a "
            "trusted organisation."
        )
    return signer.verdict(valid=True, trusted=trusted, reason=reason, attachment_ok=attachment_ok)


@dataclass(frozen=True)
class _Signer:
    """What we could read about the signer, carried into every verdict once known."""

    name: str
    fingerprint: str
    signing_time: datetime | None
    certificate: x509.Certificate

    def verdict(
        self, *, valid: bool, trusted: bool, reason: str, attachment_ok: bool | None
    ) -> PdfVerdict:
        return PdfVerdict(
            valid=valid,
            trusted=trusted,
            reason=reason,
            signer_name=self.name,
            signer_fingerprint=self.fingerprint,
            signing_time=self.signing_time,
            attachment_ok=attachment_ok,
            certificate=self.certificate,
        )


def _signer_of(
    certificate: x509.Certificate,
    signature: EmbeddedPdfSignature,
    status: PdfSignatureStatus,
) -> _Signer:
    spki = certificate.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return _Signer(
        name=_signer_name(certificate),
        fingerprint=format_fingerprint(hashlib.sha256(spki).hexdigest()),
        signing_time=status.signer_reported_dt or signature.self_reported_timestamp,
        certificate=certificate,
    )


def _signer_name(certificate: x509.Certificate) -> str:
    """The certificate's common name: what the issuer vouches for, unlike the PDF's /Name."""
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if names:
        value = names[0].value
        return value if isinstance(value, str) else value.decode("utf-8", "replace")
    return certificate.subject.rfc4514_string()


def _run_check(check: AttachmentCheck | None, pdf: bytes, data: bytes) -> bool:
    """A check that chokes on the data (bad JSON, bad UTF-8: a `ValueError`) means "no match";
    any other exception is a bug in the check and propagates."""
    if check is None:
        return True
    try:
        return check(pdf, data)
    except ValueError:
        _log.debug("attachment check rejected the data", exc_info=True)
        return False


def _uncheckable() -> str:
    """Looked up when used, so that it comes out in the current UI language."""
    return _("The signature is damaged or in a format that cannot be checked.")


def _not_valid(
    reason: str, signer: _Signer | None = None, attachment_ok: bool | None = None
) -> PdfVerdict:
    if signer is None:
        return PdfVerdict(valid=False, trusted=False, reason=reason, attachment_ok=attachment_ok)
    return signer.verdict(valid=False, trusted=False, reason=reason, attachment_ok=attachment_ok)


def _to_asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))
