#!/bin/sh
# A bad tool: opens a browser for an OAuth login, then waits for the callback.
"$BROWSER" "https://login.example.com/oauth/authorize?client_id=cli&state=abc"
echo "Waiting for you to finish logging in in your browser..."
sleep 600
