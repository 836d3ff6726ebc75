"""The bundled reference service: ``build_app("good")`` does everything right, ``build_app("bare")`` nothing
an agent needs."""

from __future__ import annotations

import importlib
import pkgutil
import time
from collections.abc import Callable, Iterable

from agent_ready.reference.app import ReferenceApp, ReferenceServer

VARIANTS = ("good", "bare")


def build_app(
    variant: str = "good", flaws: Iterable[str] = (), clock: Callable[[], float] = time.time
) -> ReferenceApp:
    if variant not in VARIANTS:
        raise ValueError(f"unknown reference variant {variant!r}; choose from {', '.join(VARIANTS)}")
    app = ReferenceApp(variant=variant, flaws=flaws, clock=clock)
    if variant == "bare":
        from agent_ready.reference import bare

        bare.install(app)
        return app
    # Every feature module of this package with an install(app) adds its routes.
    for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if mod.name in ("app", "bare", "tls"):
            continue
        module = importlib.import_module(f"{__name__}.{mod.name}")
        install = getattr(module, "install", None)
        if install is not None:
            install(app)
    return app


def serve(
    variant: str = "good",
    flaws: Iterable[str] = (),
    port: int = 0,
    clock: Callable[[], float] = time.time,
    tls: bool = False,
) -> ReferenceServer:
    return ReferenceServer(build_app(variant, flaws, clock), port=port, tls=tls).start()


__all__ = ["VARIANTS", "ReferenceApp", "ReferenceServer", "build_app", "serve"]
