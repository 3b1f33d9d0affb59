#!/usr/bin/env bash
# Checks for the independent peers the tests drive (the AWS CLI, moto_server) and installs what is missing.
set -euo pipefail
missing=()
command -v aws >/dev/null 2>&1 || missing+=(awscli)
command -v moto_server >/dev/null 2>&1 || missing+=("moto[server]")
if [ ${#missing[@]} -gt 0 ]; then
  echo "installing test peers: ${missing[*]}" >&2
  python3 -m pip install --quiet "${missing[@]}" >&2 || { echo "could not install ${missing[*]}; the tests that use them will fail" >&2; }
fi
