#!/bin/sh
# A bad tool: hangs forever without reading stdin (e.g. a stuck network call).
sleep 600
