"""Certificates from the operating system's own store, for every HTTPS connection we verify.

Python's ``ssl`` trusts the CA path compiled into the OpenSSL it runs with. In the
PyInstaller bundle that is the build machine's (``/usr/lib/ssl`` of a Debian box), which other
Linux distributions, macOS and Windows do not have: every public HTTPS server was refused.
``truststore`` verifies against the system's store instead: the Keychain on macOS, the
certificate store on Windows (enterprise roots included), and on Linux OpenSSL's default paths
(``SSL_CERT_FILE``/``SSL_CERT_DIR`` honoured) or, where those are absent, the bundle file of
the distribution (Debian, Fedora, Arch, SUSE, Alpine...).
"""

from __future__ import annotations

import functools
import ssl

import truststore

__all__ = ["tls_context"]


@functools.cache
def tls_context() -> ssl.SSLContext:
    """The verifying TLS context of every aiohttp connector we make (one, shared).

    Host names and certificate chains are checked as with ``ssl.create_default_context()``;
    only where the trusted roots come from differs.
    """
    return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
