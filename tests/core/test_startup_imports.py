"""``agent-ready --help`` loads only the command line: the engine, the network layer, report validation and
the parsers load when a command that uses them runs (issue 12: start-up is paid by every invocation)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "agent_ready.engine",
    "agent_ready.fetch",
    "agent_ready.hints",
    "httpx",
    "h2",  # httpcore imports it with itself once installed (the http2 extra)
    "jsonschema",
    "bs4",
    "markdown_it",
    "yaml",
    "http_sfv",
    "protego",
)

PROBE = """
import json, sys
from typer.testing import CliRunner
from agent_ready.cli import app
result = CliRunner().invoke(app, {args!r})
assert result.exit_code == 0, result.output
print(json.dumps(sorted(m for m in {heavy!r} if m in sys.modules)))
"""


def _loaded(args: list[str]) -> list[str]:
    code = PROBE.format(args=args, heavy=HEAVY)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return list(json.loads(out.stdout.strip().splitlines()[-1]))


def test_help_imports_neither_the_engine_nor_the_network_layer_nor_the_parsers() -> None:
    assert _loaded(["--help"]) == []


def test_a_command_help_stays_light_too() -> None:
    assert _loaded(["scan", "--help"]) == []


def test_list_checks_reads_metadata_without_parsers_or_hint_patterns() -> None:
    # Loading every check module must not load what only judging needs (bs4, markdown-it, the hint patterns).
    assert _loaded(["list-checks"]) == []


def test_the_probe_sees_a_heavy_module_once_it_is_imported() -> None:
    # The check above can fail: a command that scans does load the engine.
    code = "import sys, agent_ready.engine; print('agent_ready.engine' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "True"


def test_the_console_entry_point_skips_httpx_own_command_line_client() -> None:
    # httpx loads its CLI (click, rich, pygments) on import when rich is installed; main() keeps it out.
    code = (
        "import sys\n"
        "from agent_ready.cli import main\n"
        "sys.argv = ['agent-ready', 'explain', 'no-such-check']\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "import httpx\n"
        "heavy = ('httpx._main', 'rich.console', 'pygments', 'pydantic')\n"
        "print(sorted(m for m in heavy if sys.modules.get(m)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stderr


def test_parsing_html_defers_css_selectors_until_one_is_used() -> None:
    # soupsieve compiles its selector grammar at import; bs4 imports it for select(), which no check uses.
    code = (
        "import sys\n"
        "from agent_ready.parsers.html import parse_html\n"
        "soup = parse_html('<p class=a>x</p><p>y</p>')\n"
        "before = 'soupsieve.css_parser' in sys.modules\n"
        "print(before, [p.get_text() for p in soup.select('p.a')], 'soupsieve.css_parser' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["False", "['x']", "True"], out.stderr


def test_a_run_builds_only_the_command_it_names() -> None:
    import typer.main

    from agent_ready.cli import app
    from agent_ready.cli.app import app_for

    def built(args: list[str]) -> list[str]:
        return sorted(typer.main.get_command(app_for(args)).commands)  # type: ignore[attr-defined]

    assert built(["scan", "https://api.example.com", "-q"]) == ["scan"]
    assert built(["list-checks"]) == ["list-checks"]
    assert built(["--version"]) == []  # a root option alone needs no command
    everything = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
    assert len(everything) > 5
    # Help lists every command; a typo is answered with the known ones; a bare call prints the help.
    for args in (["--help"], ["-h"], [], ["scna", "https://x"], ["scan", "--help"], ["--version", "-h"]):
        assert built(args) == everything, args


def test_loading_the_probes_leaves_the_document_parsers_to_the_documents() -> None:
    # YAML, Markdown and HTML parsers load when a target serves such a body, not with the probe modules.
    code = (
        "import sys, agent_ready.engine as e\n"
        "e.load_builtin_probes()\n"
        "print(sorted(m for m in ('yaml', 'markdown_it', 'bs4', 'http_sfv') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "[]", out.stderr


def test_a_scan_freezes_what_it_loaded_before_it_starts() -> None:
    # The checks, probes and libraries live as long as the process; frozen, full collections skip them.
    code = (
        "import gc\n"
        "from typer.testing import CliRunner\n"
        "from agent_ready.cli import app\n"
        "before = gc.get_freeze_count()\n"
        "CliRunner().invoke(app, ['scan', 'http://127.0.0.1:1/', '-q', '--no-plugins'])\n"
        "print(before, gc.get_freeze_count() > 10000)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["0", "True"], out.stderr


def test_a_scan_loads_the_judges_parsers_while_its_first_requests_are_out() -> None:
    # The target answers every request with a plain-text 404: judging it needs no HTML or Markdown parser,
    # yet the scan has loaded them all in the background (engine.WARM_MODULES), so a target that does need
    # them does not pay their import when its first answers arrive.
    code = (
        "import sys, threading\n"
        "from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer\n"
        "class H(BaseHTTPRequestHandler):\n"
        "    def do_GET(self):\n"
        "        self.send_response(404); self.send_header('Content-Type', 'text/plain')\n"
        "        self.send_header('Content-Length', '2'); self.end_headers(); self.wfile.write(b'no')\n"
        "    do_POST = do_PUT = do_HEAD = do_GET\n"
        "    def log_message(self, *a): pass\n"
        "srv = ThreadingHTTPServer(('127.0.0.1', 0), H)\n"
        "threading.Thread(target=srv.serve_forever, daemon=True).start()\n"
        "from agent_ready import engine\n"
        "from agent_ready import registry\n"
        "before = sorted(m for m in engine.WARM_MODULES if m in sys.modules)\n"
        "engine.scan(f'http://127.0.0.1:{srv.server_port}/', registry.load(no_plugins=True))\n"
        "after = sorted(m for m in engine.WARM_MODULES if m in sys.modules)\n"
        "print(before, after == sorted(engine.WARM_MODULES), engine._warming.is_alive())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["[]", "True", "False"], out.stderr
