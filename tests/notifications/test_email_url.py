import pytest
from django.core.exceptions import ImproperlyConfigured

from readinggroup.email_url import parse_email_url


def test_smtp_with_starttls_by_default():
    config = parse_email_url("smtp://rg%40example.org:p%3Ass@mail.example.org")
    assert config == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "rg@example.org",
        "EMAIL_HOST_PASSWORD": "p:ss",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }


def test_smtps_and_plain_relays():
    assert parse_email_url("smtps://mail.example.org")["EMAIL_PORT"] == 465
    assert parse_email_url("smtps://mail.example.org")["EMAIL_USE_SSL"] is True
    relay = parse_email_url("smtp://localhost:25")
    assert (relay["EMAIL_USE_TLS"], relay["EMAIL_USE_SSL"]) == (False, False)
    assert parse_email_url("smtp://h:2525?tls=0&timeout=5")["EMAIL_TIMEOUT"] == 5.0


def test_console_file_and_locmem():
    assert parse_email_url("console://")["EMAIL_BACKEND"].endswith("console.EmailBackend")
    assert parse_email_url("file:///tmp/mails") == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": "/tmp/mails",
    }
    assert parse_email_url("locmem://")["EMAIL_BACKEND"].endswith("locmem.EmailBackend")


@pytest.mark.parametrize(
    "url", ["mail.example.org", "http://x", "smtp://", "smtp://h:port", "file://"]
)
def test_bad_urls_say_what_is_expected(url):
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL"):
        parse_email_url(url)
