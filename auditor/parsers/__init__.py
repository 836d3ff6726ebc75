"""Pure parsers of the formats the probes read: text or bytes in, values out; no I/O, no judging."""
