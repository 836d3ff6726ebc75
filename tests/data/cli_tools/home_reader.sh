#!/bin/sh
# Tries to read the user's credentials: prints HOME, the AWS credentials file and the environment.
echo "HOME=$HOME"
cat "$HOME/.aws/credentials" 2>/dev/null || echo "no credentials file"
env
exit 0
