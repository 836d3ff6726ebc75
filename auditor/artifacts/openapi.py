"""The OpenAPI model every family reads: the description the ``openapi`` probe found and its operations.

Other families' probes read it with :func:`openapi_description` (``openapi_description(await
ctx.maybe("openapi"))``) rather than walking the document themselves."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from agent_ready.artifacts.documents import Doc, DocState
from agent_ready.artifacts.http import origin_of
from agent_ready.artifacts.key import Key

OPENAPI_PATHS = ("/openapi.json", "/openapi.yaml", "/swagger.json", "/v3/api-docs", "/api/openapi.json")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# The methods that read or change a resource; other families walk only these (HEAD/OPTIONS/TRACE operations
# say nothing about what an agent can do with the API).
RESOURCE_METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Operation:
    method: str  # upper-case
    path: str
    operation: dict[str, Any]
    security: tuple[dict[str, Any], ...]  # effective requirements; () = none declared anywhere

    @property
    def requires_auth(self) -> bool:
        """True when every alternative needs a credential (``{}`` in the list makes auth optional)."""
        return bool(self.security) and all(bool(req) for req in self.security)

    @property
    def operation_id(self) -> str | None:
        value = self.operation.get("operationId")
        return value if isinstance(value, str) else None

    @property
    def summary(self) -> str | None:
        value = self.operation.get("summary") or self.operation.get("description")
        return value if isinstance(value, str) else None

    def responses(self) -> dict[str, Any]:
        value = self.operation.get("responses")
        return value if isinstance(value, dict) else {}


@dataclass(frozen=True)
class OpenAPIDescription:
    doc: Doc
    data: dict[str, Any]
    source: str  # "link-header", "api-catalog", "llms-txt", "common-path"

    @property
    def url(self) -> str:
        return self.doc.response.final_url if self.doc.response is not None else self.doc.url

    @property
    def version(self) -> str:
        return str(self.data.get("openapi") or self.data.get("swagger") or "")

    @property
    def is_swagger2(self) -> bool:
        return "swagger" in self.data and "openapi" not in self.data

    def paths(self) -> dict[str, Any]:
        value = self.data.get("paths")
        return value if isinstance(value, dict) else {}

    def operations(self, methods: Iterable[str] = HTTP_METHODS) -> Iterator[Operation]:
        """Every operation, path by path, in the order of ``methods`` (lower-case) within a path."""
        top = self.data.get("security")
        top_reqs = tuple(r for r in top if isinstance(r, dict)) if isinstance(top, list) else ()
        wanted = tuple(methods)
        for path, item in self.paths().items():
            if not isinstance(item, dict):
                continue
            for method in wanted:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                own = op.get("security")
                reqs = tuple(r for r in own if isinstance(r, dict)) if isinstance(own, list) else top_reqs
                yield Operation(method=method.upper(), path=str(path), operation=op, security=reqs)

    def operation(self, method: str, path: str) -> Operation | None:
        return next((o for o in self.operations() if o.method == method.upper() and o.path == path), None)

    def security_schemes(self) -> dict[str, Any]:
        if self.is_swagger2:
            value = self.data.get("securityDefinitions")
        else:
            comps = self.data.get("components")
            value = comps.get("securitySchemes") if isinstance(comps, dict) else None
        return value if isinstance(value, dict) else {}

    def server_url(self) -> str | None:
        if self.is_swagger2:
            host = self.data.get("host")
            if not isinstance(host, str):
                return None
            schemes = self.data.get("schemes") or [urlsplit(self.url).scheme or "https"]
            base = self.data.get("basePath") or "/"
            return f"{schemes[0]}://{host}{base}"
        servers = self.data.get("servers")
        if not isinstance(servers, list):
            return None
        for server in servers:
            if not isinstance(server, dict) or not isinstance(server.get("url"), str):
                continue
            url = server["url"]
            variables: dict[str, Any] = (
                server["variables"] if isinstance(server.get("variables"), dict) else {}
            )
            for name, var in variables.items():
                if isinstance(var, dict) and "default" in var:
                    url = url.replace("{" + name + "}", str(var["default"]))
            if "{" in url:
                continue
            return urljoin(self.url, url)
        return None

    def api_base(self) -> str | None:
        """The API base URL without a trailing slash: :meth:`server_url`, or for a Swagger 2 document with a
        ``basePath`` but no ``host``, that path on the document's own origin (Swagger 2.0: "If the host is not
        included, the host serving the documentation is to be used"); None when the document names neither."""
        url = self.server_url()
        if url is None and self.is_swagger2 and isinstance(self.data.get("basePath"), str):
            url = origin_of(self.url) + "/" + self.data["basePath"].lstrip("/")
        return url.rstrip("/") if url is not None else None

    def url_for(self, path: str) -> str:
        """The absolute URL of an operation path (on the first server, else the document's origin)."""
        base = self.server_url() or origin_of(self.url)
        return base.rstrip("/") + "/" + path.lstrip("/")


@dataclass(frozen=True)
class OpenAPIResult:
    description: OpenAPIDescription | None
    tried: list[Doc] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # url -> why it was tried
    unfollowed: list[str] = field(default_factory=list)  # linked candidates over bounds.MAX_OPENAPI_LINKS

    def invalid(self) -> list[Doc]:
        return [d for d in self.tried if d.state == DocState.INVALID]


def openapi_description(artifact: object) -> OpenAPIDescription | None:
    """The description the ``openapi`` probe found, for other families' probes: pass what
    ``ctx.maybe("openapi")`` returned (None when the probe did not run or found no description)."""
    return artifact.description if isinstance(artifact, OpenAPIResult) else None


def is_openapi(data: Any) -> bool:
    if not isinstance(data, dict):
        return False
    if str(data.get("openapi", "")).startswith("3."):
        return isinstance(data.get("paths", {}), dict) or "webhooks" in data
    return str(data.get("swagger", "")) == "2.0"


# The keys the probes register these artifacts under (ACTIVE ones read as None without --active).
OPENAPI: Key[OpenAPIResult] = Key("openapi")
