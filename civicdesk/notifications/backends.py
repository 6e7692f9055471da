"""Where outbox messages go: SMS backends chosen by CIVICDESK_SMS_BACKEND, e-mail through
Django's own EMAIL_BACKEND.

Every backend answers one `Outcome`. Two properties matter to the at-most-once rule in
civicdesk.notifications.delivery:

- `idempotent`: the backend passes a client message id (the outbox id) that the far end uses
  to drop repeats, so a send whose fate is unknown may be retried with the same id;
- `Outcome.ambiguous`: the call failed in a way that leaves open whether it went out (a
  timeout after the request was written, a dropped connection).
"""

from __future__ import annotations

import abc
import base64
import json
import smtplib
import socket
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.utils import timezone
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Outcome:
    ok: bool
    response: str = ""
    error: str = ""
    # Retrying cannot help (a 4xx from the gateway, a refused recipient).
    permanent: bool = False
    # It may have been delivered although the call failed.
    ambiguous: bool = False


class SmsBackend(abc.ABC):
    """One way out for SMS; `idempotent` says whether the gateway drops a repeated `key`."""

    idempotent = False

    @abc.abstractmethod
    def send(self, phone: str, text: str, key: str) -> Outcome: ...


class ConsoleSmsBackend(SmsBackend):
    """Prints each SMS: for development and the demo."""

    def send(self, phone: str, text: str, key: str) -> Outcome:
        sys.stdout.write(f"[短信 {key}] → {phone}: {text}\n")
        sys.stdout.flush()
        return Outcome(True, "printed to stdout")


_file_lock = threading.Lock()


class FileSmsBackend(SmsBackend):
    """Appends one JSON line per SMS to CIVICDESK_SMS_FILE (in the data dir)."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path or settings.CIVICDESK_SMS_FILE)

    def send(self, phone: str, text: str, key: str) -> Outcome:
        line = json.dumps({"at": timezone.now().isoformat(), "key": key, "to": phone, "text": text}, ensure_ascii=False)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with _file_lock, self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        return Outcome(True, f"appended to {self.path.name}")


def _fill(template: str, values: dict[str, str], escape: Any) -> str:
    # Plain replacement, not str.format: JSON body templates are full of braces.
    for name, value in values.items():
        template = template.replace("{" + name + "}", escape(value))
    return template


def _json_field(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            raise KeyError(path)
    return data


class HttpSmsBackend(SmsBackend):
    """An SMS gateway over HTTP, configured by CIVICDESK_SMS_* (see README).

    The URL (and, for POST, the body) are templates with {phone}, {text} and {id}; values are
    URL-encoded, or JSON-escaped in a body sent as JSON. Success is HTTP 2xx and, when
    CIVICDESK_SMS_OK_FIELD is set ("code=0", "result.ok"), that field of the JSON answer.
    The gateway is idempotent when {id} is in the URL or body or CIVICDESK_SMS_ID_HEADER names
    a header that carries it.
    """

    def __init__(self, config: dict[str, Any] | None = None) -> None:
        self.config = dict(settings.CIVICDESK_SMS_GATEWAY if config is None else config)
        self.idempotent = bool(
            "{id}" in str(self.config.get("url", ""))
            or "{id}" in str(self.config.get("body", ""))
            or self.config.get("id_header")
        )

    def _request(self, phone: str, text: str, key: str) -> urllib.request.Request:
        c = self.config
        values = {"phone": phone, "text": text, "id": key}
        url = _fill(str(c["url"]), values, lambda v: urllib.parse.quote(v, safe=""))
        headers = {str(k): str(v) for k, v in dict(c.get("headers") or {}).items()}
        if c.get("token"):
            headers["Authorization"] = f"Bearer {c['token']}"
        elif c.get("user"):
            pair = f"{c['user']}:{c.get('password', '')}".encode()
            headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
        if c.get("id_header"):
            headers[str(c["id_header"])] = key
        method = str(c.get("method") or "GET").upper()
        data: bytes | None = None
        if method == "POST":
            content_type = next((v for k, v in headers.items() if k.lower() == "content-type"), "")
            if c.get("body"):
                escape = (
                    (lambda v: json.dumps(v, ensure_ascii=False)[1:-1])
                    if "json" in content_type.lower()
                    else urllib.parse.quote_plus
                )
                data = _fill(str(c["body"]), values, escape).encode("utf-8")
            else:
                data = urllib.parse.urlencode(values).encode("ascii")
            if not content_type:
                headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
        if not url.startswith(("http://", "https://")):
            raise ValueError(f"CIVICDESK_SMS_URL must be http(s); got {url[:40]!r}")
        # The scheme was checked just above (and by settings), so no file: URL can get through.
        return urllib.request.Request(url, data=data, headers=headers, method=method)  # noqa: S310

    def send(self, phone: str, text: str, key: str) -> Outcome:
        request = self._request(phone, text, key)
        timeout = float(self.config.get("timeout") or 10)
        return call_http(request, timeout, str(self.config.get("ok_field") or ""))


def call_http(request: urllib.request.Request, timeout: float, ok_field: str = "") -> Outcome:
    """Make one HTTP call to a gateway and say how it went: 2xx (and, when `ok_field` is set,
    that field of the JSON answer, "code=0" or "result.ok") is success; a 4xx other than
    408/425/429 is permanent; a failure after the request may have arrived is ambiguous.
    Shared by every HTTP way out (the SMS gateway, civicdesk.upstream's reports)."""
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:  # noqa: S310 (callers check the scheme)
            status, raw = resp.status, resp.read(65536)
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read(65536)
    except urllib.error.URLError as exc:
        reason = exc.reason
        # Refused or unresolvable: nothing reached the gateway. Anything else may have.
        sure = isinstance(reason, ConnectionRefusedError | socket.gaierror)
        return Outcome(False, error=f"network: {reason}", ambiguous=not sure)
    except (TimeoutError, ConnectionError, OSError) as exc:
        return Outcome(False, error=f"network: {type(exc).__name__}: {exc}", ambiguous=True)
    body = raw.decode("utf-8", "replace")
    response = f"HTTP {status} {body[:500]}".strip()
    if not 200 <= status < 300:
        permanent = 400 <= status < 500 and status not in (408, 425, 429)
        return Outcome(False, response, f"HTTP {status}", permanent=permanent)
    if ok_field:
        path, _, expected = ok_field.partition("=")
        try:
            value = _json_field(json.loads(body), path)
        except (ValueError, KeyError):
            return Outcome(False, response, f"answer has no JSON field {path!r}")
        good = str(value) == expected if expected else bool(value)
        if not good:
            return Outcome(False, response, f"gateway refused: {path}={value!r}")
    return Outcome(True, response)


SMS_BACKENDS: dict[str, type[SmsBackend]] = {
    "console": ConsoleSmsBackend,
    "file": FileSmsBackend,
    "http": HttpSmsBackend,
}


def sms_backend() -> SmsBackend:
    """The configured SMS backend: a short name, or a dotted path to an SmsBackend class."""
    name = str(settings.CIVICDESK_SMS_BACKEND)
    cls = SMS_BACKENDS.get(name) or import_string(name)
    return cls()


class EmailSender:
    """E-mail through Django's EMAIL_BACKEND (console, file, SMTP; locmem in tests).

    Not idempotent: mail servers do not drop repeats, even with our fixed Message-ID.
    """

    idempotent = False

    def send(self, to: str, subject: str, body: str, key: str) -> Outcome:
        domain = str(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2] or "civicdesk"
        mail = EmailMessage(
            subject,
            body,
            str(settings.DEFAULT_FROM_EMAIL),
            [to],
            headers={"Message-ID": f"<outbox-{key}@{domain}>"},
            connection=get_connection(fail_silently=False),
        )
        try:
            mail.send()
        except smtplib.SMTPRecipientsRefused as exc:
            return Outcome(False, error=f"recipient refused: {exc.recipients}", permanent=True)
        except (smtplib.SMTPServerDisconnected, TimeoutError) as exc:
            return Outcome(False, error=f"{type(exc).__name__}: {exc}", ambiguous=True)
        except (smtplib.SMTPException, OSError) as exc:
            return Outcome(False, error=f"{type(exc).__name__}: {exc}")
        return Outcome(True, f"accepted by {settings.EMAIL_BACKEND.rsplit('.', 2)[-2]}")
