#!/bin/sh
# A bad tool: the canonical hintless error.
echo "Unauthorized" >&2
exit 1
