"""Built-in probes. Importing this package registers nothing: the engine imports the probe modules it
uses explicitly (``agent_ready.engine.BUILTIN_PROBE_MODULES``), so that any module here imports on its own."""
