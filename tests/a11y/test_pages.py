"""Automated accessibility check of every HTML page some role may GET.

The pages come from the permission matrix (tests/security/expectations/): for each named URL every
allowed principal, with an object inside its scope built by the entry's builder. Django's own admin sites and non-HTML responses
(CSV/XLSX exports, the API) are skipped. The HTML is parsed with the standard library's html.parser.
"""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.urls import reverse

from tests.security.expectations import all_entries
from tests.security.expectations._base import INSIDE, PRINCIPALS
from tests.security.matrix import make_principal, walk_urls

SKIP_NAMESPACES = ("admin:", "crt_admin:")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
CONTROL_EXEMPT_TYPES = {"hidden", "submit", "button", "reset", "image"}


def _allowed_principals(entry) -> list[str]:
    """Every principal that gets a 200 (for an object inside its scope)."""
    return [p for p in PRINCIPALS if entry.outcome_for(p).scoped or 200 in entry.outcome_for(p).statuses]


def pages() -> list[tuple[str, str]]:
    """(url name, principal) for every page and every principal that may GET it (pages differ per role:
    buttons, filters, columns), the admin sites and the API excluded."""
    named, _ = walk_urls()
    out = []
    for name, (_module, entry) in sorted(all_entries().items()):
        info = named.get(name)
        if info is None or info.admin_site is not None or name.startswith(SKIP_NAMESPACES):
            continue
        if info.route.startswith("/api/"):
            continue
        out.extend((name, principal) for principal in _allowed_principals(entry))
    return out


class _Element:
    __slots__ = ("tag", "attrs", "text", "parent", "hidden", "labelled")

    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = attrs
        self.text: list[str] = []
        self.parent = parent
        self.hidden = (parent is not None and parent.hidden) or "hidden" in attrs or attrs.get("aria-hidden") == "true"
        self.labelled = parent is not None and (parent.labelled or parent.tag == "label")


class A11yParser(HTMLParser):
    """Collects what the checks need in one pass."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[_Element] = []
        self.html_lang: str | None = None
        self.headings: list[int] = []
        self.ids: Counter[str] = Counter()
        self.label_for: set[str] = set()
        self.controls: list[_Element] = []
        self.actions: list[_Element] = []  # links and buttons, text collected when closed
        self.problems: list[tuple[str, str]] = []
        self.tables: list[dict] = []
        self.aria_refs: list[tuple[str, str, _Element]] = []  # (attribute, referenced id, element)
        self.empty_labels: list[_Element] = []

    # --- helpers --------------------------------------------------------------------------------------
    def _describe(self, el: _Element) -> str:
        keys = ("id", "name", "type", "href", "class")
        shown = " ".join(f'{k}="{el.attrs[k]}"' for k in keys if el.attrs.get(k))
        return f"<{el.tag}{' ' + shown if shown else ''}>"

    @staticmethod
    def _end_row(table):
        """A header row (in <thead>, or made of <th> only) needs scope on its column headers."""
        row, table["row"] = table["row"], []
        if row and (table["in_thead"] or all(cell == "th" for cell, _ in row)):
            table["unscoped_header_row_th"] += sum(1 for cell, scoped in row if cell == "th" and not scoped)

    def _close(self, el: _Element):
        text = " ".join("".join(el.text).split())
        if el.tag in ("a", "button") and not el.hidden:
            if not (text or el.attrs.get("aria-label") or el.attrs.get("aria-labelledby") or el.attrs.get("title")):
                self.problems.append(("link/button without text", self._describe(el)))
        if el.tag == "label" and not text and not el.hidden:
            self.empty_labels.append(el)
        if el.tag == "tr" and self.tables:
            self._end_row(self.tables[-1])
        if el.tag == "table" and self.tables:
            table = self.tables.pop()
            self._end_row(table)
            if not table["th"]:
                self.problems.append(("table without <th>", self._describe(el)))
            elif table["unscoped_header_row_th"]:
                self.problems.append(
                    ("column <th> without scope", f"{self._describe(el)}: {table['unscoped_header_row_th']} th")
                )
        if el.parent is not None:
            el.parent.text.append(" " + text + " ")

    # --- parser callbacks ---------------------------------------------------------------------------
    def handle_starttag(self, tag, attrs_list):
        attrs = {k: (v if v is not None else "") for k, v in attrs_list}
        parent = self.stack[-1] if self.stack else None
        el = _Element(tag, attrs, parent)
        if tag == "html":
            self.html_lang = attrs.get("lang") or None
        if "id" in attrs:
            self.ids[attrs["id"]] += 1
        if "style" in attrs:
            self.problems.append(("inline style= (CSP)", self._describe(el)))
        if tag == "script" and not attrs.get("src") and attrs.get("type", "") not in ("application/json",):
            self.problems.append(("inline <script> (CSP)", self._describe(el)))
        if tag == "style":
            self.problems.append(("<style> block (CSP)", "<style>"))
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6") and not el.hidden:
            self.headings.append(int(tag[1]))
        if tag == "label" and attrs.get("for"):
            self.label_for.add(attrs["for"])
        for attribute in ("aria-labelledby", "aria-describedby", "aria-controls"):
            for ref in attrs.get(attribute, "").split():
                self.aria_refs.append((attribute, ref, el))
        if tag == "img":
            if "alt" not in attrs:
                self.problems.append(("<img> without alt", self._describe(el)))
            elif parent is not None:
                parent.text.append(" " + attrs["alt"] + " ")  # an image's alt names its link or button
        if tag == "input" and attrs.get("type", "").lower() in ("submit", "button", "reset") and not el.hidden:
            if not (attrs.get("value") or attrs.get("aria-label") or attrs.get("aria-labelledby")):
                self.problems.append(("link/button without text", self._describe(el)))
        if tag in ("input", "select", "textarea"):
            kind = attrs.get("type", "text").lower() if tag == "input" else tag
            if kind not in CONTROL_EXEMPT_TYPES and not el.hidden:
                self.controls.append(el)
        if tag == "table":
            self.tables.append({"th": 0, "unscoped_header_row_th": 0, "in_thead": False, "row": []})
        if self.tables:
            table = self.tables[-1]
            if tag == "thead":
                table["in_thead"] = True
            elif tag in ("tbody", "tfoot"):
                table["in_thead"] = False
            elif tag == "tr":
                self._end_row(table)
            elif tag in ("th", "td"):
                table["row"].append((tag, bool(attrs.get("scope"))))
                if tag == "th":
                    table["th"] += 1
        if tag in VOID:
            self._close(el)
            return
        self.stack.append(el)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID and self.stack and self.stack[-1].tag == tag:
            self._close(self.stack.pop())

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        # close up to the matching element (tolerates implicitly closed <p>, <li>, <td>…)
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i].tag == tag:
                while len(self.stack) > i:
                    self._close(self.stack.pop())
                return

    def handle_data(self, data):
        if self.stack:
            self.stack[-1].text.append(data)

    # --- the verdict ----------------------------------------------------------------------------------
    def violations(self) -> list[tuple[str, str]]:
        while self.stack:
            self._close(self.stack.pop())
        found = list(self.problems)
        if not self.html_lang:
            found.append(("<html> without lang", ""))
        h1 = self.headings.count(1)
        if h1 != 1:
            found.append(("not exactly one <h1>", f"{h1} found"))
        previous = 0
        for level in self.headings:
            if previous and level > previous + 1:
                found.append(("heading level skipped", f"h{previous} → h{level}"))
            previous = level
        if self.headings and self.headings[0] != 1:
            found.append(("heading level skipped", f"first heading is h{self.headings[0]}"))
        for el in self.controls:
            named = (
                el.labelled
                or (el.attrs.get("id") and el.attrs["id"] in self.label_for)
                or el.attrs.get("aria-label")
                or el.attrs.get("aria-labelledby")
            )
            if not named:
                found.append(("form control without accessible name", self._describe(el)))
        for el in self.empty_labels:
            found.append(("empty <label>", self._describe(el) + (f' for="{el.attrs["for"]}"' if el.attrs.get("for") else "")))
        for attribute, ref, el in self.aria_refs:
            if ref not in self.ids:
                found.append(("aria reference to a missing id", f'{self._describe(el)} {attribute}="{ref}"'))
        for ident, n in self.ids.items():
            if n > 1:
                found.append(("duplicate id", f'id="{ident}" ×{n}'))
        return found


def check_html(html: str) -> list[tuple[str, str]]:
    parser = A11yParser()
    parser.feed(html)
    parser.close()
    return parser.violations()


# --- the checker checks itself: every rule can fail -----------------------------------------------------
BAD_PAGE = """<!doctype html><html><body>
<h1>Een</h1><h1>Twee</h1><h4>Diep</h4>
<form><input id="x" name="x"><select name="s"></select><textarea name="t"></textarea>
<input type="hidden" name="h"><label>Ok <input name="ok"></label><label for="y">Y</label><input id="y" name="y">
<input name="aria" aria-label="Zoeken"></form>
<img src="a.png"><table><thead><tr><td>a</td></tr></thead></table>
<table><thead><tr><th>kol</th></tr></thead></table>
<table><tr><th>a</th><th>b</th></tr><tr><th scope="row">r</th><td>1</td></tr></table>
<span id="d"></span><span id="d"></span>
<a href="/x"></a><button><i class="bi bi-x"></i></button><a href="/y" aria-label="Sluiten"></a>
<input type="submit"><label for="z"></label><input id="z" name="z" aria-describedby="nope">
<a href="/i"><img src="i.png" alt="Start"></a>
<p style="color:red">x</p><script>alert(1)</script><script src="/s.js"></script>
</body></html>"""


def test_the_checker_finds_every_kind_of_violation():
    kinds = Counter(kind for kind, _ in check_html(BAD_PAGE))
    assert kinds == {
        "<html> without lang": 1,
        "not exactly one <h1>": 1,
        "heading level skipped": 1,
        "form control without accessible name": 3,
        "<img> without alt": 1,
        "table without <th>": 1,
        "column <th> without scope": 2,
        "duplicate id": 1,
        "link/button without text": 3,
        "empty <label>": 1,
        "aria reference to a missing id": 1,
        "inline style= (CSP)": 1,
        "inline <script> (CSP)": 1,
    }


def test_a_clean_page_passes():
    html = """<!doctype html><html lang="nl"><body><h1>T</h1><h2>S</h2><h3>s</h3><h2>S2</h2>
    <form><label for="q">Zoek</label><input id="q" name="q"><button type="submit">Zoeken</button></form>
    <img src="a.png" alt=""><table><thead><tr><th scope="col">a</th></tr></thead><tbody><tr><th scope="row">r</th><td>1</td></tr></tbody></table>
    <a href="/"><i class="bi bi-house" aria-hidden="true"></i> Start</a></body></html>"""
    assert check_html(html) == []


def test_the_walk_covers_the_page_apps():
    names = {name for name, _ in pages()}
    for expected in ("core:home", "accounts:login", "hvt:place_create", "hvt:place_detail", "licensing:overview",
                     "budget:overview"):
        assert expected in names
    assert not any(name.startswith(SKIP_NAMESPACES) for name in names)


def _report(report: dict[str, list[str]]) -> str:
    return f"{sum(map(len, report.values()))} accessibility violation(s) on {len(report)} page(s):\n" + "\n".join(
        f"{where}\n    " + "\n    ".join(lines) for where, lines in sorted(report.items())
    )


def _seed():
    """Rows inside the matrix scope, so list pages render their tables rather than an empty state."""
    from tests.security.expectations import budget, crt, hvt, licensing

    with transaction.atomic(using="default"), transaction.atomic(using="crt"):
        hvt.allocation(INSIDE)
        hvt.offer(INSIDE)
        hvt.target(INSIDE)
        crt.dossier(INSIDE)
        budget.budget_line(INSIDE)
        licensing.deactivation_event(INSIDE)
        licensing.licence_assignment(INSIDE)


# --- every page -----------------------------------------------------------------------------------------
@pytest.mark.django_db(databases=["default", "crt"])
def test_every_page_is_accessible(client, login, make_user):
    _seed()
    users: dict[str, object] = {}
    report: dict[str, list[str]] = {}
    checked = 0
    for name, principal in pages():
        _module, entry = all_entries()[name]
        client.logout()
        if principal != "anonymous":
            if principal not in users:
                users[principal] = make_principal(principal, make_user)
            login(users[principal])
        with transaction.atomic(using="default"), transaction.atomic(using="crt"):
            kwargs = entry.obj(INSIDE) if entry.obj is not None else (entry.kwargs or {})
        url = reverse(name, kwargs=kwargs) + (f"?{entry.query}" if entry.query else "")
        response = client.get(url)
        where = f"{name} as {principal}: GET {url}"
        if response.status_code != 200:
            continue  # e.g. health's 503, a status(200, …) outcome; the matrix judges statuses
        if not response.get("Content-Type", "").startswith("text/html"):
            continue  # CSV/XLSX exports, JSON
        checked += 1
        body = b"".join(response.streaming_content) if response.streaming else response.content
        found = check_html(body.decode("utf-8"))
        if found:
            report[where] = [f"{kind}: {detail}" if detail else kind for kind, detail in found]
    assert checked >= 20, f"only {checked} HTML pages were checked"
    assert not report, _report(report)


@pytest.mark.django_db(databases=["default", "crt"])
def test_error_pages_and_forms_with_errors_are_accessible(client, login, make_user):
    """What the walk above does not reach: error pages, the second-factor step, the no-licence and
    locked-out pages, forms re-rendered with validation errors."""
    from django.template import loader
    from django.test import RequestFactory

    from tests.security.expectations._base import MUNICIPAL

    report: dict[str, list[str]] = {}
    rendered: list[tuple[str, int, str, int]] = []

    def get(where, url, status):
        response = client.get(url)
        rendered.append((where, response.status_code, response.content.decode("utf-8"), status))

    def post(where, url, data, status):
        response = client.post(url, data)
        rendered.append((where, response.status_code, response.content.decode("utf-8"), status))

    post("login with a wrong password", reverse("accounts:login"), {"username": "nobody", "password": "x"}, 200)
    coordinator = make_principal("hvt_coordinator", make_user)  # staff: a second factor is required
    login(coordinator, verified=False)
    get("second factor enrolment (QR code)", reverse("accounts:otp"), 200)
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.filter(user=coordinator).update(confirmed=True)
    post("second factor with a wrong code", reverse("accounts:otp"), {"token": "000000"}, 200)
    client.logout()
    officer = make_principal(sorted(MUNICIPAL)[0], make_user)
    login(officer)
    get("404 page", "/bestaat-niet/", 404)
    get("403 page (no role for licences)", reverse("licensing:overview"), 403)
    post("place registration with errors", reverse("hvt:place_create"), {}, 200)
    case_manager = make_principal("crt_case_manager", make_user)
    client.logout()
    login(case_manager)
    post("CRT person registration with errors", reverse("crt:person_register"), {}, 200)

    request = RequestFactory().get("/")
    request.user = officer
    # Pages a client GET does not easily reach: rendered directly, as their views do.
    rendered.append(("template errors/500.html", 0, loader.get_template("errors/500.html").render(), 0))
    for template, context in (
        ("errors/400.html", {}),
        ("errors/csrf.html", {}),
        ("licensing/no_licence.html", {"tool": "HVT", "contacts": [coordinator]}),
        ("accounts/locked_out.html", {"cooloff_minutes": 30}),
    ):
        rendered.append((f"template {template}", 0, loader.get_template(template).render(context, request), 0))

    for where, got, html, expected in rendered:
        assert got == expected, f"{where}: status {got}, expected {expected}"
        found = check_html(html)
        if found:
            report[where] = [f"{kind}: {detail}" if detail else kind for kind, detail in found]
    assert not report, _report(report)
