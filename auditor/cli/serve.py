"""``serve-reference``: the bundled reference service, until interrupted."""

from __future__ import annotations

from typing import Annotated

import typer

from agent_ready.cli.app import EXIT_USAGE, _fail, app


@app.command("serve-reference")
def serve_cmd(
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="0 picks a free port.")] = 8750,
    variant: Annotated[str, typer.Option("--variant", help="good or bare.")] = "good",
    tls: Annotated[
        bool,
        typer.Option(
            "--tls",
            help="Serve HTTPS offering HTTP/2 and HTTP/1.1, with a throw-away CA to pass to scan --ca-bundle "
            "(needs the test extra).",
        ),
    ] = False,
) -> None:
    """Run the bundled reference service on 127.0.0.1 until interrupted."""
    import time

    from agent_ready.reference import VARIANTS, serve

    if variant not in VARIANTS:
        raise _fail(f"unknown variant {variant!r}; choose from {', '.join(VARIANTS)}", EXIT_USAGE)
    try:
        server = serve(variant, port=port, tls=tls)
    except OSError as exc:
        raise _fail(f"cannot listen on 127.0.0.1:{port}: {exc.strerror}", EXIT_USAGE) from None
    except RuntimeError as exc:  # the TLS service's libraries are missing
        raise _fail(str(exc), EXIT_USAGE) from None
    typer.echo(f"reference service ({variant}) at {server.url}/", err=True)
    if server.ca_bundle:
        typer.echo(f"its certificate authority (scan --ca-bundle): {server.ca_bundle}", err=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
