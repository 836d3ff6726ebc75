#!/bin/sh
# A bad tool: asks for a token on stdin even though there is no TTY.
printf 'Enter your API token: '
if ! read -r token; then
  echo "error: no token entered" >&2
  exit 1
fi
echo "ok"
