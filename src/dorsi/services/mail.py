"""E-mail through the clinic's SMTP server (``DORSI_SMTP_*``; none when no host is set).

The connection is plain, STARTTLS or implicit TLS (``DORSI_SMTP_SECURITY``); TLS checks the
server's certificate against the system's trusted roots. The login and password come from the
environment and never appear in a message or an error.
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from dorsi.errors import InputError
from dorsi.settings import Settings


def configured(settings: Settings) -> bool:
    return bool(settings.smtp_host)


def build(settings: Settings, *, to: str, subject: str, text: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from or f"dorsi@{settings.smtp_host}"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain="dorsi.invalid")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(text)
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    """Hand ``message`` to the SMTP server; :class:`smtplib.SMTPException` or OSError when it
    refuses or cannot be reached."""
    if not configured(settings):
        raise InputError("no SMTP server is configured", field="DORSI_SMTP_HOST")
    context = ssl.create_default_context()
    timeout = settings.smtp_timeout_s
    smtp: smtplib.SMTP
    if settings.smtp_security == "ssl":
        smtp = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=context
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with smtp:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_user:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_user, password)
        smtp.send_message(message)


__all__ = ["build", "configured", "send"]
