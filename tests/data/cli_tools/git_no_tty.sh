#!/bin/sh
# git push against a server answering 401, with no terminal: it tried to prompt and could not.
echo "fatal: could not read Username for 'http://127.0.0.1:9/repo.git': No such device or address" >&2
exit 128
