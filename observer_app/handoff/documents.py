"""Small signed documents on the stick (requests, setup packages, receipts, bundle manifests).

One envelope for all of them: `{"document": {...}, "signature": "<base64 DER>"}` in canonical
JSON, where the signature is ECDSA P-256 / SHA-256 over the RFC 8785 bytes of `document`. The
signer is named inside the document (its own public key, or a feed the reader already knows), so
the envelope needs no key field and a reader cannot be talked into trusting a key it carries.
Documents that name people or stations are then sealed with age to their one reader.

Files get random names (`olb-<16 hex>.<ext>`) and are written the way bundle parts are: a
`.partial` file, fsync, read back and compared, rename, fsync the folder. A stick pulled half-way
leaves nothing that looks finished.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyrage
from pyrage import x25519

from observer_app.core.schema import Object, SchemaViolation
from observer_app.crypto import keys
from observer_app.crypto.canonical_json import canonicalize_signed, loads_canonical
from observer_app.errors import NotValidError, UserActionError, system_reason
from observer_app.handoff.age.stream import AgeFailure, describe_failure
from observer_app.handoff.parts.read_back import Checksum, ReadBackMismatch, read_back
from observer_app.handoff.parts.writer import fsync_directory
from observer_app.i18n import _
from observer_app.vault.fs import FILE_MODE, fsync_dir

DOCUMENT_VERSION = 1
AGE_MAGIC = b"age-encryption.org/v1\n"
MAX_DOCUMENT_BYTES = 64 * 1024 * 1024
FILE_PREFIX = "olb-"


class DocumentError(NotValidError):
    """A document that is not what it claims: wrong type, malformed, or a bad signature."""


@dataclass(frozen=True)
class OpenedDocument:
    """A parsed envelope. `payload` is the exact signed byte string of `document`."""

    document: dict[str, Any]
    payload: bytes
    signature: bytes

    def signed_by(self, public_key: keys.VerifierKey) -> bool:
        return keys.verify(public_key, self.signature, self.payload)


def sign_document(key: keys.SignerKey, kind: str, content: Mapping[str, Any]) -> bytes:
    """The envelope bytes of a document of type `kind` signed with `key`."""
    document = {"type": kind, "v": DOCUMENT_VERSION, **content}
    payload = canonicalize_signed(document)
    signature = base64.b64encode(keys.sign(key, payload)).decode("ascii")
    return canonicalize_signed({"document": document, "signature": signature})


def open_document(data: bytes, kind: str) -> OpenedDocument:
    """Parse an envelope of type `kind` (signature not yet checked: the caller knows the key)."""
    try:
        envelope = loads_canonical(data.rstrip(b"\n"), allow_floats=False)
    except ValueError:
        raise DocumentError(_("not a signed document of this program")) from None
    if not isinstance(envelope, dict) or set(envelope) != {"document", "signature"}:
        raise DocumentError(_("not a signed document of this program"))
    document, signature = envelope["document"], envelope["signature"]
    if not isinstance(document, dict) or not isinstance(signature, str):
        raise DocumentError(_("not a signed document of this program"))
    version = document.get("v")
    if document.get("type") != kind:
        raise DocumentError(_("the file holds another kind of document"))
    if not isinstance(version, int) or version < 1:
        raise DocumentError(_("the document has no valid version"))
    if version > DOCUMENT_VERSION:
        raise DocumentError(
            _("the document has format version {version}, newer than this program reads").format(
                version=version
            )
        )
    try:
        raw_signature = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError):
        raise DocumentError(_("the document's signature is malformed")) from None
    return OpenedDocument(document, canonicalize_signed(document), raw_signature)


def field(document: Mapping[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    """A required field of the expected JSON type, or DocumentError naming it."""
    value = document.get(name)
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise DocumentError(
            _("the document's field '{name}' is missing or wrong").format(name=name)
        )
    return value


def check_document(document: Mapping[str, Any], content: Object) -> None:
    """The document's content against its one schema (field types, lengths, ranges, known
    fields, bounded lists), as events are checked: DocumentError naming the field."""
    try:
        content.check({k: v for k, v in document.items() if k not in ("type", "v")}, "")
    except SchemaViolation as violation:
        raise DocumentError(
            _("the document's field '{name}' is not valid: {reason}").format(
                name=violation.path, reason=violation.reason
            )
        ) from None


def optional_field(document: Mapping[str, Any], name: str, kind: type) -> Any:
    value = document.get(name)
    if value is None:
        return None
    return field(document, name, kind)


def decode_public_key(text: str) -> tuple[bytes, keys.VerifierKey]:
    """A base64 DER P-256 public key from a document, or DocumentError."""
    try:
        der = base64.b64decode(text, validate=True)
        return der, keys.load_public_key_der(der)
    except (binascii.Error, ValueError):
        raise DocumentError(_("the document holds a public key that is not P-256")) from None


def encode_public_key(der: bytes) -> str:
    return base64.b64encode(der).decode("ascii")


# -- age ----------------------------------------------------------------------------------------


def seal(data: bytes, recipient: str) -> bytes:
    """Encrypt a small document to one age X25519 recipient (the binary age format)."""
    try:
        age_recipient = x25519.Recipient.from_str(recipient.strip())
    except pyrage.RecipientError:
        raise UserActionError(_("not an age recipient: {value}").format(value=recipient)) from None
    return pyrage.encrypt(data, [age_recipient])


def unseal(data: bytes, identity_line: str, not_for_me: str) -> bytes:
    """Decrypt a small sealed document; `not_for_me` is the message when it is not ours."""
    if not data.startswith(AGE_MAGIC):
        raise NotValidError(_("the file is not encrypted as this program writes it"))
    identity = x25519.Identity.from_str(identity_line.strip())
    try:
        return pyrage.decrypt(data, [identity])
    except (pyrage.DecryptError, OSError) as error:
        if describe_failure(error) is AgeFailure.NO_MATCHING_IDENTITY:
            raise NotValidError(not_for_me) from None
        raise NotValidError(_("the file is damaged or truncated")) from None


def is_sealed(data: bytes) -> bool:
    return data.startswith(AGE_MAGIC)


def is_valid_recipient(recipient: str) -> bool:
    try:
        x25519.Recipient.from_str(recipient.strip())
    except pyrage.RecipientError:
        return False
    return True


# -- files --------------------------------------------------------------------------------------


def read_document_file(path: Path) -> bytes:
    """The bytes of a small file from the stick, with errors the user can act on."""
    try:
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise NotValidError(_("{path} is too large for this kind of file").format(path=path))
        return path.read_bytes()
    except FileNotFoundError:
        raise UserActionError(_("file not found: {path}").format(path=path)) from None
    except IsADirectoryError:
        raise UserActionError(_("{path} is a folder, not a file").format(path=path)) from None
    except OSError as error:
        raise UserActionError(
            _("could not read {path}: {reason}").format(path=path, reason=system_reason(error))
        ) from None


def write_document_file(folder: Path, data: bytes, extension: str) -> Path:
    """Write `data` under a random name in `folder` durably (partial, fsync, verify, rename)."""
    if not folder.is_dir():
        raise UserActionError(_("folder not found: {folder}").format(folder=folder))
    name = f"{FILE_PREFIX}{secrets.token_hex(8)}.{extension}"
    final = folder / name
    partial = folder / f"{name}.partial"
    try:
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        written = Checksum()
        written.update(data)
        try:
            # From the device, not the page cache, exactly as bundle parts are checked.
            read_back(partial, len(data), written.digest(), 1, lambda: None)
        except ReadBackMismatch:
            raise OSError(0, _("the file read back differs from what was written")) from None
        os.replace(partial, final)
        fsync_directory(folder)
    except OSError as error:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise UserActionError(
            _("could not write to {folder}: {reason}").format(
                folder=folder, reason=system_reason(error)
            )
        ) from None
    return final


def write_private_file(path: Path, data: bytes) -> None:
    """Create `path` (which must not exist yet) with mode 0600, durably and whole.

    Written to a temp file first and linked into place (link fails if `path` exists), so a
    killed export never leaves a truncated key file that would also block the next attempt.
    """
    if path.exists():
        raise UserActionError(_("{path} exists already; choose another name").format(path=path))
    temp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.link(temp, path)
    except FileExistsError:
        raise UserActionError(
            _("{path} exists already; choose another name").format(path=path)
        ) from None
    except OSError as error:
        raise UserActionError(
            _("could not write {path}: {reason}").format(path=path, reason=system_reason(error))
        ) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    fsync_dir(path.parent)
