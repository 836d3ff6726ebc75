#!/bin/sh
# A tool that opens the login page with xdg-open, prints the URL and exits non-zero.
xdg-open "https://login.example.com/device"
echo "Opened https://login.example.com/device in your browser. Please run \`exampletool login\` once you are done." >&2
exit 1
