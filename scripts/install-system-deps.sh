#!/usr/bin/env bash
# Installs the system packages Offprint's tests and screenshots need, when they are missing:
# Debian's Chromium (Playwright cannot download its own browser here) and Xvfb.
# Safe to run again; does nothing when everything is present.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || missing+=(chromium)
command -v xvfb-run >/dev/null 2>&1 || missing+=(xvfb xauth)
[ ${#missing[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Offprint's tests need: ${missing[*]}. Install them with your system's package manager." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
echo "Installing ${missing[*]} with apt-get…"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
