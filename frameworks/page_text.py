"""A source's page as text, read from its address: for checking that its claims' quotes are still there.

HTML becomes its visible text (scripts and styles left out, a line break for each block), since
that is what an editor copies a quote from; plain text, Markdown and reStructuredText stay as they
are (locate() folds their markup). Anything that stops the page being read raises Unreadable, whose
message says why in one line.
"""

import codecs
import http.client
import socket
import time
import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urlsplit

from django.template.defaultfilters import filesizeformat

from .models import MAX_SOURCE_TEXT_BYTES

USER_AGENT = "compare-site-source-drift-check/1.0 (re-reads cited sources to check their quotes)"
ACCEPT = "text/html, text/plain, text/markdown, text/x-rst, */*;q=0.1"
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
CHUNK_BYTES = 64 * 1024


class Unreadable(Exception):
    """The page could not be read as text."""


def read_page(url: str, timeout: float) -> str:
    """The text of the page at `url` (redirects followed), read within about `timeout` seconds."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise Unreadable(f"not a web address (http:// or https://): {url!r}")
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": ACCEPT})
    deadline = time.monotonic() + timeout
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            content_type = response.headers.get_content_type()
            if not (content_type.startswith("text/") or content_type in HTML_TYPES):
                raise Unreadable(f"not text: the page is {content_type}")
            body = _read_body(response, deadline)
            charset = response.headers.get_content_charset() or "utf-8"
    except urllib.error.HTTPError as error:
        error.close()
        raise Unreadable(f"HTTP {error.code} {error.reason}".strip()) from None
    except urllib.error.URLError as error:
        raise Unreadable(_network_problem(error.reason, timeout)) from None
    except (OSError, http.client.HTTPException) as error:
        raise Unreadable(_network_problem(error, timeout)) from None
    text = decode(body, charset)
    return html_text(text) if content_type in HTML_TYPES else text


def _read_body(response: http.client.HTTPResponse, deadline: float) -> bytes:
    """At most MAX_SOURCE_TEXT_BYTES (and one byte more, to tell a larger page), before the deadline."""
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) > MAX_SOURCE_TEXT_BYTES:
        raise Unreadable(_too_large(int(length)))
    body = bytearray()
    while len(body) <= MAX_SOURCE_TEXT_BYTES:
        # The socket's timeout bounds each read; the deadline bounds a server that trickles.
        if time.monotonic() > deadline:
            raise TimeoutError
        chunk = response.read1(min(CHUNK_BYTES, MAX_SOURCE_TEXT_BYTES + 1 - len(body)))
        if not chunk:
            return bytes(body)
        body += chunk
    raise Unreadable(_too_large())


def _too_large(size: int | None = None) -> str:
    limit = filesizeformat(MAX_SOURCE_TEXT_BYTES)
    size_words = filesizeformat(size) if size else f"larger than {limit}"
    return f"the page is {size_words}; the check reads at most {limit}"


def _network_problem(reason: object, timeout: float) -> str:
    if isinstance(reason, TimeoutError):
        return f"timed out after {timeout:g} s"
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused"
    if isinstance(reason, socket.gaierror):
        return f"could not find the host ({reason.strerror})"
    if isinstance(reason, http.client.HTTPException):
        return f"the server's answer broke off ({reason or type(reason).__name__})"
    return str(reason) or type(reason).__name__


def decode(body: bytes, charset: str) -> str:
    """The body decoded by its charset (UTF-8 without a byte-order mark when it names none)."""
    try:
        codec = codecs.lookup(charset).name
    except LookupError:
        raise Unreadable(f"the page's charset {charset!r} is unknown") from None
    try:
        return body.decode("utf-8-sig" if codec == "utf-8" else codec)
    except UnicodeDecodeError as error:
        raise Unreadable(
            f"not valid {charset} text: the byte at position {error.start} cannot be decoded"
        ) from None


class _VisibleText(HTMLParser):
    # What a reader never sees. Sphinx and MkDocs put a "¶" link (class headerlink) by each heading.
    HIDDEN = frozenset({"script", "style", "noscript", "template", "head"})
    BLOCKS = frozenset({
        "address", "article", "aside", "blockquote", "body", "br", "dd", "div", "dl", "dt",
        "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "li", "main", "nav", "ol", "p", "pre", "section", "table", "td", "th", "tr", "ul",
    })  # fmt: skip

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden_tag: str | None = None
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag == "body" and self._hidden_tag == "head":  # a <head> left unclosed ends at <body>
            self._hidden_tag, self._hidden_depth = None, 0
        if self._hidden_tag is not None:
            self._hidden_depth += tag == self._hidden_tag
            return
        if tag in self.HIDDEN or (tag == "a" and "headerlink" in (dict(attrs).get("class") or "").split()):
            self._hidden_tag, self._hidden_depth = tag, 1
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if self._hidden_tag is not None:
            if tag == self._hidden_tag:
                self._hidden_depth -= 1
                if self._hidden_depth == 0:
                    self._hidden_tag = None
        elif tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self._hidden_tag is None:
            self.parts.append(data)


def html_text(html: str) -> str:
    """The visible text of an HTML page, one line per block, blank lines dropped."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    lines = (line.strip() for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
