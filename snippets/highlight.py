"""Code highlighted on the server with Pygments, so the pages need no JavaScript.

The markup carries classes only (static/css/code.css holds their colours): the site's Content
Security Policy refuses inline styles.
"""

from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import BashLexer, TextLexer, get_lexer_for_filename
from pygments.util import ClassNotFound

# <pre><code>, no wrapping <div> and no inline style: the template gives the <pre> its class.
_FORMATTER = HtmlFormatter(nowrap=True)


@dataclass(frozen=True)
class CodeFile:
    path: str
    language: str  # "Python", "HTML+Django/Jinja", "Text only"
    html: SafeString


def highlighted(path: str, content: str) -> CodeFile:
    """A file's text as highlighted HTML (escaped by Pygments), with its language's name."""
    try:
        lexer = get_lexer_for_filename(path, content, stripnl=False)
    except ClassNotFound:
        lexer = TextLexer(stripnl=False)
    return CodeFile(path, lexer.name, mark_safe(highlight(content, lexer, _FORMATTER)))


def highlighted_command(command: str) -> SafeString:
    """The command as a visitor would type it: the virtualenv's python as `python`, port 8000."""
    shown = command.replace("{python}", "python").replace("{port}", "8000")
    return mark_safe(highlight(shown, BashLexer(), _FORMATTER))
