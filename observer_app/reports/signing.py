"""Embedding the report's data and signing the PDF (PAdES B-B with pyHanko), all in memory.

Keys and certificates arrive as `cryptography` objects straight from the vault and are handed to
pyHanko as asn1crypto structures built in memory: a private key never touches the disk (no PEM or
PKCS#12 temp files). The data attachment is added in its own incremental update before signing so
that the one signature covers it; adding anything after signing breaks "covers the whole file",
which is exactly what makes a later change detectable.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from io import BytesIO

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from pyhanko.pdf_utils import embed, generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation.pdf_embedded import collect_embedded_signatures
from pyhanko_certvalidator.registry import SimpleCertificateStore

SIGNATURE_FIELD_NAME = "ObserverSignature"
JSON_MIME_TYPE = "application/json"


def sign_pdf(
    pdf: bytes,
    key: ec.EllipticCurvePrivateKey,
    cert: x509.Certificate,
    chain: Sequence[x509.Certificate] = (),
    *,
    signer_name: str,
    reason: str | None = None,
    location: str | None = None,
) -> bytes:
    """Return `pdf` with one PAdES B-B signature (ECDSA P-256, SHA-256) appended.

    `chain` holds the issuing certificates (without or with the root); they are embedded so that
    a verifier holding only the organisation's root can build the path offline. The signature is
    a certification signature that allows no changes: viewers that honour DocMDP (Acrobat) then
    flag any later edit, and our own verifier refuses anything after it anyway.
    """
    if key.public_key() != cert.public_key():
        raise ValueError("the certificate does not belong to the signing key")
    issuers = [_to_asn1_cert(issuer) for issuer in chain]
    registry = SimpleCertificateStore.from_certs(issuers)  # type: ignore[no-untyped-call]
    signer = signers.SimpleSigner(
        signing_cert=_to_asn1_cert(cert),
        signing_key=_to_asn1_key(key),
        cert_registry=registry,
    )
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD_NAME,
        name=signer_name,
        reason=reason,
        location=location,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        certify=True,
        docmdp_permissions=fields.MDPPerm.NO_CHANGES,
    )
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    output = BytesIO()
    signers.PdfSigner(metadata, signer=signer).sign_pdf(writer, output=output)
    return output.getvalue()


def attach_json(pdf: bytes, name: str, data: bytes, description: str) -> bytes:
    """Return `pdf` with `data` embedded as the file `name` (shown in a viewer's attachments).

    Must run before `sign_pdf`: an attachment added to a signed file is an uncovered change and
    makes the signature "not valid" by design, so we refuse rather than produce such a file.
    `name` must be plain ASCII (it is also the PDFDocEncoding file spec string).
    """
    if not name or not name.isascii():
        raise ValueError("attachment names must be non-empty ASCII")
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    if collect_embedded_signatures(writer.prev):
        raise ValueError("attach data before signing: this PDF is already signed")
    embedded = embed.EmbeddedFileObject.from_file_data(
        writer,
        data=data,
        mime_type=JSON_MIME_TYPE,
        params=embed.EmbeddedFileParams(embed_size=True, embed_checksum=True),
    )
    spec = embed.FileSpec(
        file_spec_string=name,
        file_name=name,
        embedded_data=embedded,
        description=description,
    )
    embed.embed_file(writer, spec)
    output = BytesIO()
    writer.write(output)  # type: ignore[no-untyped-call]  # pyHanko leaves it unannotated
    return output.getvalue()


def read_attachment(pdf: bytes, name: str) -> bytes | None:
    """The decoded bytes of the embedded file `name`, or None if the PDF has no such file.

    Raises pyHanko's `PdfReadError` (a `ValueError`) when the PDF itself cannot be parsed.
    """
    reader = PdfFileReader(BytesIO(pdf), strict=False)
    return attachment_in(reader.root, name)


def attachment_in(root: generic.DictionaryObject, name: str) -> bytes | None:
    """`read_attachment` on a document catalog already at hand.

    The verifier passes the catalog of the signed revision, read by the parser that checked
    the signature, so that the data it compares is the data that was signed.
    """
    try:
        tree = root["/Names"]["/EmbeddedFiles"]
    except KeyError:
        return None
    for entry_name, file_spec in _name_tree_items(tree, depth=0):
        if entry_name != name:
            continue
        try:
            stream = file_spec["/EF"]["/F"]
        except KeyError:
            return None
        if not isinstance(stream, generic.StreamObject):
            return None
        data: bytes = stream.data
        return data
    return None


def _name_tree_items(
    node: generic.DictionaryObject, depth: int
) -> Iterator[tuple[str, generic.DictionaryObject]]:
    """Walk a PDF name tree (flat or with /Kids); the depth cap stops reference loops."""
    if depth > 32:
        return
    names = _dereferenced(node, "/Names")
    if isinstance(names, generic.ArrayObject):
        for index in range(0, len(names) - 1, 2):
            key, value = names[index], names[index + 1]
            if isinstance(key, generic.TextStringObject):
                key_text = str(key)
            elif isinstance(key, generic.ByteStringObject):
                key_text = bytes(key).decode("latin-1")
            else:
                continue
            if isinstance(value, generic.DictionaryObject):
                yield key_text, value
    kids = _dereferenced(node, "/Kids")
    if isinstance(kids, generic.ArrayObject):
        for kid in kids:
            if isinstance(kid, generic.DictionaryObject):
                yield from _name_tree_items(kid, depth + 1)


def _dereferenced(node: generic.DictionaryObject, key: str) -> generic.PdfObject | None:
    """`node[key]` resolved, or None; pyHanko's `dict.get` would hand back the raw reference."""
    try:
        value: generic.PdfObject = node[key]
    except KeyError:
        return None
    return value


def _to_asn1_cert(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _to_asn1_key(key: ec.EllipticCurvePrivateKey) -> asn1_keys.PrivateKeyInfo:
    der = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return asn1_keys.PrivateKeyInfo.load(der)
