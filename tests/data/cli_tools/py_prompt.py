#!/usr/bin/env python3
# A bad tool in Python: input() blocks on a non-TTY stdin until end-of-file.
import sys

try:
    answer = input("Overwrite existing config? [y/N] ")
except EOFError:
    print("error: aborted", file=sys.stderr)
    sys.exit(2)
print(answer)
