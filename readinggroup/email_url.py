"""EMAIL_URL: the mail backend and its server as one URL, like DATABASE_URL.

    smtp://user:password@mail.example.org:587      SMTP with STARTTLS (the default on 587)
    smtps://user:password@mail.example.org:465     SMTP over TLS
    smtp://localhost:25?tls=0                      plain SMTP (a local relay)
    console://                                     print mails (the embedded default)
    file:///var/tmp/mails                          one file per mail in that folder
    locmem://                                      kept in memory (tests)
    dummy://                                       thrown away

User and password are percent-decoded, so `@` or `:` in them are written %40 / %3A.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKENDS = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "smtps": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
_TRUE = {"1", "true", "yes", "on"}


def parse_email_url(url: str) -> dict[str, object]:
    """The Django settings (EMAIL_BACKEND, EMAIL_HOST, …) an EMAIL_URL stands for."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in BACKENDS:
        known = ", ".join(f"{name}://" for name in BACKENDS)
        raise ImproperlyConfigured(f"EMAIL_URL must start with one of {known}; got {url!r}.")
    config: dict[str, object] = {"EMAIL_BACKEND": BACKENDS[scheme]}
    if scheme == "file":
        path = unquote(parts.path)
        if not path:
            raise ImproperlyConfigured("EMAIL_URL file:// needs a folder, e.g. file:///tmp/mails.")
        config["EMAIL_FILE_PATH"] = path
    if scheme not in ("smtp", "smtps"):
        return config
    if not parts.hostname:
        raise ImproperlyConfigured(
            f"EMAIL_URL {scheme}:// needs a host, e.g. {scheme}://mail.example.org."
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    ssl = scheme == "smtps" or query.get("ssl", "").lower() in _TRUE
    try:
        port = parts.port or (465 if ssl else 587)
    except ValueError as exc:
        raise ImproperlyConfigured(f"EMAIL_URL has a port that is not a number: {url!r}.") from exc
    tls_default = "0" if ssl or port == 25 else "1"
    config.update(
        EMAIL_HOST=parts.hostname,
        EMAIL_PORT=port,
        EMAIL_HOST_USER=unquote(parts.username or ""),
        EMAIL_HOST_PASSWORD=unquote(parts.password or ""),
        EMAIL_USE_SSL=ssl,
        EMAIL_USE_TLS=not ssl and query.get("tls", tls_default).lower() in _TRUE,
    )
    if "timeout" in query:
        config["EMAIL_TIMEOUT"] = float(query["timeout"])
    return config
