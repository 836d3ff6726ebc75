#!/bin/sh
# A good tool: fails fast and names the next step (wording of wrangler's non-interactive error,
# packages/wrangler/src/core/register-yargs-command.ts in cloudflare/workers-sdk).
cat >&2 <<'MSG'
X [ERROR] In a non-interactive environment, it's necessary to set a CLOUDFLARE_API_TOKEN environment variable for wrangler to work. Please go to https://developers.cloudflare.com/fundamentals/api/get-started/create-token/ for instructions on how to create an api token, and assign its value to CLOUDFLARE_API_TOKEN.

  To continue without logging in, rerun this command with `--temporary`. Wrangler will use a temporary account and print a claim URL.
MSG
exit 1
