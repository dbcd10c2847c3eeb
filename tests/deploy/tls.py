"""Certificates made at test time, and a private redis-server that speaks only TLS.

``make_pki`` writes a CA, a server certificate for 127.0.0.1/localhost signed by it, a client
certificate signed by it, and a second CA that signed nothing the server presents (the "wrong CA").
``TlsRedisProcess`` is a ``RedisProcess`` whose plain port is off (``--port 0``): its port is the TLS
port, and its readiness is checked by PING over TLS with the client certificate.
"""

from __future__ import annotations

import datetime
import ipaddress
import time
from dataclasses import dataclass
from pathlib import Path

import redis
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from tools.redis_process import STARTUP_TIMEOUT_SECONDS, RedisProcess

VALIDITY = datetime.timedelta(days=2)


@dataclass(frozen=True)
class Pki:
    """Paths of the PEM files ``make_pki`` wrote."""

    ca: Path
    server_cert: Path
    server_key: Path
    client_cert: Path
    client_key: Path
    wrong_ca: Path


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _write_key(key: ec.EllipticCurvePrivateKey, path: Path) -> None:
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path.chmod(0o600)


def _certificate(
    subject: str,
    key: ec.EllipticCurvePrivateKey,
    issuer: tuple[x509.Name, ec.EllipticCurvePrivateKey] | None,
    *,
    usage: x509.ObjectIdentifier | None = None,
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    issuer_name, issuer_key = issuer if issuer else (_name(subject), key)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(issuer_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + VALIDITY)
        .add_extension(x509.BasicConstraints(ca=usage is None, path_length=None), critical=True)
    )
    if usage is None:  # a CA
        builder = builder.add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
    else:
        # A server certificate is also a client one, as in docs/deployment.md (healthcheck, replicas).
        usages = (
            [usage, ExtendedKeyUsageOID.CLIENT_AUTH] if usage == ExtendedKeyUsageOID.SERVER_AUTH else [usage]
        )
        builder = builder.add_extension(x509.ExtendedKeyUsage(usages), critical=False)
        if usage == ExtendedKeyUsageOID.SERVER_AUTH:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
    return builder.sign(issuer_key, hashes.SHA256())


def _write_cert(cert: x509.Certificate, path: Path) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def make_pki(directory: Path) -> Pki:
    """Write a CA, a server and a client certificate signed by it, and an unrelated CA."""
    directory.mkdir(parents=True, exist_ok=True)
    names = ("ca.crt", "server.crt", "server.key", "client.crt", "client.key", "wrong-ca.crt")
    pki = Pki(*(directory / name for name in names))
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("Trackeep test CA", ca_key, None)
    _write_cert(ca, pki.ca)
    for cert_path, key_path, subject, usage in (
        (pki.server_cert, pki.server_key, "127.0.0.1", ExtendedKeyUsageOID.SERVER_AUTH),
        (pki.client_cert, pki.client_key, "trackeep-app", ExtendedKeyUsageOID.CLIENT_AUTH),
    ):
        key = ec.generate_private_key(ec.SECP256R1())
        _write_key(key, key_path)
        _write_cert(_certificate(subject, key, (ca.subject, ca_key), usage=usage), cert_path)
    wrong_key = ec.generate_private_key(ec.SECP256R1())
    _write_cert(_certificate("Some other CA", wrong_key, None), pki.wrong_ca)
    return pki


@dataclass
class TlsRedisProcess(RedisProcess):
    """A redis-server listening on TLS only; ``auth_clients`` is ``tls-auth-clients`` (yes|optional)."""

    pki: Pki | None = None
    auth_clients: str = "yes"
    username: str | None = None  # an ACL user for the readiness PING (compose's default user is off)
    password: str | None = None

    def __post_init__(self) -> None:
        assert self.pki is not None
        self.extra_args = (
            "--port", "0",
            "--tls-port", str(self.port),
            "--tls-cert-file", str(self.pki.server_cert),
            "--tls-key-file", str(self.pki.server_key),
            "--tls-ca-cert-file", str(self.pki.ca),
            "--tls-auth-clients", self.auth_clients,
            *self.extra_args,
        )  # fmt: skip

    @property
    def url(self) -> str:
        return f"rediss://127.0.0.1:{self.port}/0"

    def client(self, **kwargs: object) -> redis.Redis:
        """A TLS client trusting the test CA and presenting the client certificate."""
        assert self.pki is not None
        options: dict[str, object] = {
            "ssl_ca_certs": str(self.pki.ca),
            "ssl_certfile": str(self.pki.client_cert),
            "ssl_keyfile": str(self.pki.client_key),
            "username": self.username,
            "password": self.password,
            **kwargs,
        }
        return redis.Redis.from_url(self.url, **options)

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
        while time.monotonic() < deadline:
            if self._proc is not None and self._proc.poll() is not None:
                log = self.log_path
                detail = log.read_text()[-2000:] if log and log.exists() else ""
                raise RuntimeError(f"redis-server exited early:\n{detail}")
            try:
                with self.client(socket_timeout=0.5) as client:
                    client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError(f"TLS redis-server on port {self.port} did not answer PING in time")


def tls_sentinel(pki: Pki, primary: TlsRedisProcess, workdir: Path, master: str) -> TlsRedisProcess:
    """A Sentinel on TLS only, watching ``primary`` as ``master`` over TLS with the client
    certificate (not yet started)."""
    workdir.mkdir(parents=True, exist_ok=True)
    config = workdir / "sentinel.conf"  # Sentinel rewrites its config file: a fresh one per test
    config.write_text(f"sentinel monitor {master} 127.0.0.1 {primary.port} 1\n")
    return TlsRedisProcess(
        pki=pki,
        config_file=config,
        data_dir=workdir,
        extra_args=(
            "--sentinel",
            "--tls-replication", "yes",  # Sentinel to the servers it watches: TLS too
            "--tls-client-cert-file", str(pki.client_cert),
            "--tls-client-key-file", str(pki.client_key),
        ),
    )  # fmt: skip
