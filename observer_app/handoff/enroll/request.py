"""The enrollment request: the observer's side of the first USB trip to the coordinator.

It carries name, accreditation, public signing key and age recipient, and is signed with the key
it carries (proof of possession, like a certificate request). It is plain by default, because the
observer does not know the coordinator's recipient yet, and sealed to `--recipient` when it does.
Kept apart from issuing and accepting because both vault roles need it: the observer writes a
request, the coordinator reads one before it issues anything.
docs/formats/enrollment.md is the byte-level description.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from observer_app.core.ids import new_id
from observer_app.core.schema import Object, Text, UtcTime
from observer_app.core.timeutil import format_utc, utc_now
from observer_app.crypto import keys
from observer_app.crypto.age_keys import recipient_of
from observer_app.errors import NotValidError, UsageError
from observer_app.handoff.documents import (
    DocumentError,
    check_document,
    decode_public_key,
    encode_public_key,
    field,
    is_sealed,
    is_valid_recipient,
    open_document,
    optional_field,
    read_document_file,
    seal,
    sign_document,
    unseal,
    write_document_file,
)
from observer_app.handoff.holder import HolderSession, holder_name
from observer_app.i18n import _
from observer_app.vault.event_fields import (
    AGE_RECIPIENT,
    BASE64_KEY,
    FEED,
    ID,
    NAME,
    optional,
    required,
)

REQUEST_TYPE = "enrollment-request"
REQUEST_CONTENT = Object(
    {
        "request_id": required(ID),
        "created_utc": required(UtcTime()),
        "feed": required(FEED),
        "name": required(NAME),
        "accreditation": optional(Text(200)),
        "public_key": required(BASE64_KEY),
        "age_recipient": required(AGE_RECIPIENT),
    }
)


@dataclass(frozen=True)
class EnrollmentRequest:
    request_id: str
    created_utc: str
    feed: str
    name: str
    accreditation: str | None
    public_key_der: bytes
    age_recipient: str

    @property
    def public_key(self) -> keys.VerifierKey:
        return keys.load_public_key_der(self.public_key_der)


@dataclass(frozen=True)
class WrittenRequest:
    path: Path
    feed: str
    sealed: bool


def write_request(
    session: HolderSession, out_dir: Path, recipient: str | None = None
) -> WrittenRequest:
    """Write the holder's enrollment request into `out_dir` (sealed to `recipient` if given)."""
    identity = session.identity
    if recipient is not None and not is_valid_recipient(recipient):
        raise UsageError(_("not an age recipient: {value}").format(value=recipient))
    name, accreditation = holder_name(session.conn, identity.feed)
    data = sign_document(
        identity.signing_key,
        REQUEST_TYPE,
        {
            "request_id": new_id(),
            "created_utc": format_utc(utc_now()),
            "feed": identity.feed,
            "name": name,
            "accreditation": accreditation,
            "public_key": encode_public_key(identity.public_key_der),
            "age_recipient": recipient_of(identity.age_identity),
        },
    )
    if recipient is not None:
        data = seal(data, recipient)
    path = write_document_file(out_dir, data, "age" if recipient else "json")
    return WrittenRequest(path=path, feed=identity.feed, sealed=recipient is not None)


def read_request(path: Path, age_identity: str) -> EnrollmentRequest:
    """Read and verify a request: plain, or sealed to the holder of `age_identity`."""
    data = read_document_file(path)
    if is_sealed(data):
        data = unseal(
            data, age_identity, _("the request is encrypted to another coordinator's key")
        )
    try:
        opened = open_document(data, REQUEST_TYPE)
        document = opened.document
        check_document(document, REQUEST_CONTENT)
        der, public_key = decode_public_key(field(document, "public_key", str))
        feed = field(document, "feed", str)
        request = EnrollmentRequest(
            request_id=field(document, "request_id", str),
            created_utc=field(document, "created_utc", str),
            feed=feed,
            name=field(document, "name", str),
            accreditation=optional_field(document, "accreditation", str),
            public_key_der=der,
            age_recipient=field(document, "age_recipient", str),
        )
    except DocumentError as error:
        raise NotValidError(
            _("the enrollment request is not valid: {reason}").format(reason=error.message)
        ) from None
    if keys.fingerprint(public_key) != feed:
        raise NotValidError(_("the enrollment request is not valid: its feed is not its key"))
    if not opened.signed_by(public_key):
        raise NotValidError(_("the enrollment request is not valid: bad signature"))
    if not is_valid_recipient(request.age_recipient) or not request.name.strip():
        raise NotValidError(_("the enrollment request is not valid: bad name or age recipient"))
    return request
