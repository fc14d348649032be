"""What the hostile-input tests share: a memory meter, a self-signed certificate, hostile XML.

The XML builders return documents whose entities, if anyone expanded them, would take
:data:`EXPANDED_BYTES` or more of memory from a body of a few dozen KiB; the tests hold memory
under :data:`MEMORY_BOUND`, which a single expansion cannot fit in.
"""

from __future__ import annotations

import contextlib
import datetime
import ipaddress
import os
import shutil
import ssl
import subprocess
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

MIB = 1024 * 1024
MEMORY_BOUND = 48 * MIB
"""Peak Python memory allowed while one hostile input is refused (the caps are 16-20 MiB)."""

ENTITY_VALUE = "x" * 40_000
ENTITY_REFERENCES = 2_000
EXPANDED_BYTES = len(ENTITY_VALUE) * ENTITY_REFERENCES  # 80 MB: more than MEMORY_BOUND
ITEM = (
    "<item><title>One</title><guid>g1</guid><podcast:episode>1</podcast:episode>"
    '<enclosure url="http://127.0.0.1:9/e1.mp4" type="video/mp4"/></item>'
)
PODCAST_NS = 'xmlns:podcast="https://podcastindex.org/namespace/1.0"'


async def caught(awaitable: Awaitable[object]) -> Exception | None:
    """What ``awaitable`` raises, or None when it returns: tests measure memory around this,
    then check the error, so that a protection removed shows as memory used, not only as a
    missing error."""
    try:
        await awaitable
    except Exception as exc:
        return exc
    return None


def caught_now(function: Callable[[bytes], object], argument: bytes) -> Exception | None:
    """:func:`caught` for a plain call."""
    try:
        function(argument)
    except Exception as exc:
        return exc
    return None


def listing(folder: Path) -> list[str]:
    """The names in ``folder``, sorted (a plain call, for async tests)."""
    return sorted(os.listdir(folder))


@dataclass
class Peak:
    """The highest Python memory use (tracemalloc) seen inside :func:`measure_peak`."""

    bytes: int = 0

    def __str__(self) -> str:
        return f"{self.bytes / MIB:.1f} MiB"


@contextlib.contextmanager
def measure_peak() -> Iterator[Peak]:
    """Measure the peak of traced allocations made inside the block."""
    peak = Peak()
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    start = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    try:
        yield peak
    finally:
        peak.bytes = tracemalloc.get_traced_memory()[1] - start
        if not already:
            tracemalloc.stop()


# --- TLS ----------------------------------------------------------------------------------------


def self_signed_server_context(folder: Path) -> ssl.SSLContext:
    """A server context with a fresh self-signed certificate for 127.0.0.1.

    Made with the ``cryptography`` package when installed, else with ``openssl``; the test is
    skipped when neither is there.
    """
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        _write_with_cryptography(cert, key)
    except ImportError:
        openssl = shutil.which("openssl")
        if openssl is None:
            pytest.skip("neither the cryptography package nor openssl can make a certificate")
        subprocess.run(
            [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1",
             "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def _write_with_cryptography(cert_path: Path, key_path: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    # A certificate that is right in every way but one: nobody vouches for it.
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


# --- hostile XML ----------------------------------------------------------------------------------


def entity_doctype(root: str = "rss") -> str:
    """A DOCTYPE declaring one big "safe" entity ``a``, one declaration a line (the form
    feedparser keeps and expands)."""
    return f'<!DOCTYPE {root} [\n<!ENTITY a "{ENTITY_VALUE}">\n]>\n'


def rss(prolog: str, title: str, *, close: str = "</channel>", declaration: str = "") -> str:
    """A one-item RSS feed; ``close`` may misspell the channel's end to make it malformed."""
    declaration = declaration or '<?xml version="1.0"?>'
    return (
        f'{declaration}\n{prolog}<rss version="2.0" {PODCAST_NS}><channel><title>{title}'
        f"</title>{ITEM}{close}</rss>"
    )


REFERENCES = "&a;" * ENTITY_REFERENCES


def billion_laughs(root: str = "rss") -> str:
    """Ten levels of ten: 10^9 "lol"s from under 1 KiB."""
    levels = ['<!ENTITY lol0 "lol">']
    levels += [f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)]
    return f"<!DOCTYPE {root} [\n" + "\n".join(levels) + "\n]>\n"


def utf7_hidden_entities() -> bytes:
    """A feed that is well-formed UTF-8 XML without a single entity, and that declares and
    uses the big entity once decoded as UTF-7 (the charset its server announces).

    Read as UTF-8, the declarations are the text of a comment and the references plain text;
    decoded as UTF-7, ``+ADw-`` is ``<``, ``+ACY-`` is ``&`` and so on.
    """
    hidden = (
        "+AD4-+AAo-+ADw-!DOCTYPE rss +AFs-+AAo-+ADw-!ENTITY a +ACI-"
        + ENTITY_VALUE
        + "+ACI-+AD4-+AAo-+AF0-+AD4-+AAo-"
    )
    return rss(f"<!-- {hidden} -->\n", "+ACY-a;" * ENTITY_REFERENCES).encode()


def hostile_feeds() -> dict[str, tuple[bytes, str]]:
    """Feeds that declare entities, as (body, Content-Type), by how they hide it."""
    rss_type = "application/rss+xml"
    doctype = entity_doctype()
    well_formed = rss(doctype, REFERENCES)
    malformed = rss(doctype, REFERENCES, close="</chanel>")
    ebcdic = rss(
        doctype, REFERENCES, close="</chanel>", declaration='<?xml version="1.0" encoding="cp037"?>'
    )
    # Text before the DOCTYPE makes the document malformed before any declaration is read, and
    # a megabyte of blanks pushes the declaration past where a prolog is usually searched.
    late = rss("junk\n" + " " * (MIB + 64 * 1024) + doctype, REFERENCES)
    return {
        "billion laughs": (rss(billion_laughs(), "&lol9;").encode(), rss_type),
        "quadratic, well-formed": (well_formed.encode(), rss_type),
        "quadratic, malformed": (malformed.encode(), rss_type),
        "quadratic, UTF-16": (well_formed.encode("utf-16"), rss_type),
        "quadratic, malformed UTF-16": (malformed.encode("utf-16"), rss_type),
        "quadratic, malformed EBCDIC": (ebcdic.encode("cp037"), rss_type),
        "quadratic, declared past the first MiB": (late.encode(), rss_type),
        "quadratic, hidden by a UTF-7 charset": (
            utf7_hidden_entities(),
            f"{rss_type}; charset=utf-7",
        ),
        "entity inside a podcast tag": (
            rss(doctype, "T", close="</channel>")
            .replace(
                "<podcast:episode>1</podcast:episode>",
                f"<podcast:episode>{REFERENCES}</podcast:episode>",
            )
            .encode(),
            rss_type,
        ),
    }


def external_entity(root: str, system_id: str, body: str) -> str:
    """A document whose ``&ext;`` is the content of ``system_id``, used in ``body``."""
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n<!ENTITY ext SYSTEM "{system_id}">\n]>\n{body}'
    )


def external_dtd(root: str, system_id: str, body: str) -> str:
    """A document that pulls in an external DTD (parameter entities live there)."""
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE {root} [\n<!ENTITY % dtd SYSTEM "{system_id}">\n'
        f"%dtd;\n]>\n{body}"
    )
